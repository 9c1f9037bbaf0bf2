"""What the annual declaration says: the DM to each member of staff (and its weekly
reminders), the answer recorded, and the monitoring officer's list of who has not answered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.rules.annual import Round
from bot.settings import Policy
from bot.ui.annual import answer_by, intro, summary
from bot.usecases.annual import Outstanding as Outstanding
from handlers.annual.common import bullet_sections, long_date
from handlers.annual.ids import Action, AnnualRef
from handlers.interests.views import CATEGORY_OPTIONS
from handlers.notifier import Message
from handlers.text import clip, escape, slack_date
from storage.confirmations import Holdings
from storage.models import Interest, OutsideWork

# Items of each register listed in the DM; the rest are counted (all are in /conduct mine).
MAX_ITEMS = 12
# Characters of each item, so a full list stays within a section's 3000.
LINE = 230


def _interest_line(reference: str, interest: Interest, waiting_for: list[str] | None) -> str:
    """One interest; `waiting_for` (who must decide) when it is not yet decided."""
    label = next(
        (label for c, (label, _) in CATEGORY_OPTIONS.items() if c.value == interest.category),
        "An interest",
    )
    head = f"{label}: {interest.organisation}" if interest.organisation else label
    mark = ""
    if waiting_for is not None:
        who = " and ".join(escape(name) for name in waiting_for)
        mark = f"_(waiting for a decision from {who})_ " if who else "_(waiting for a decision)_ "
    line = f"*{escape(reference)}* {mark}{escape(head)} — {escape(interest.description)}"
    return clip(line, LINE)


def _work_line(reference: str, work: OutsideWork) -> str:
    return clip(
        f"*{escape(reference)}* {escape(work.role)} at {escape(work.organisation)}, "
        f"since {work.start_date.day} {work.start_date:%b %Y}",
        LINE,
    )


def _register(title: str, lines: Sequence[str], none: str) -> SectionBlock:
    shown = [f"• {line}" for line in lines[:MAX_ITEMS]]
    if len(lines) > MAX_ITEMS:
        shown.append(f"…and {len(lines) - MAX_ITEMS} more: see `/conduct mine`.")
    body = "\n".join(shown) if shown else f"_{none}_"
    return SectionBlock(text=MarkdownTextObject(text=clip(f"*{title}*\n{body}", 3000)))


def annual_message(
    *, name: str, round_: Round, holdings: Holdings | None, policy: Policy, reminder: int = 0
) -> Message:
    """The yearly DM: what the registers hold for this person, and the three answers.
    `reminder` is 0 for the first message, k for the k-th weekly reminder."""
    held = holdings or Holdings()
    interests = [
        _interest_line(ref, i, held.waiting_for.get(i.declaration_id)) for ref, i in held.interests
    ]
    work = [_work_line(ref, w) for ref, w in held.outside_work]
    value = AnnualRef(year=round_.year).encode()
    blocks: list[Block] = [
        HeaderBlock(text=f"Annual declaration {round_.year}"),
        SectionBlock(
            text=MarkdownTextObject(
                text=clip(intro(name=name, round_=round_, policy=policy, reminder=reminder), 3000)
            )
        ),
        _register("Your interests (Register of Interests)", interests, "None declared."),
        _register("Your outside work (permissions granted)", work, "None."),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Nothing has changed",
                    action_id=Action.NOTHING_CHANGED,
                    value=value,
                    style="primary",
                ),
                ButtonElement(
                    text="Declare an interest", action_id=Action.DECLARE_INTEREST, value=value
                ),
                ButtonElement(
                    text="Ask about outside work", action_id=Action.ASK_OUTSIDE_WORK, value=value
                ),
            ]
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Something new? Declare it with the buttons above: that is your answer. "
                    "Something ended? End an interest from `/conduct mine`. Questions: ask the "
                    f"{escape(policy.monitoring_officer_title)}."
                )
            ]
        ),
    ]
    return Message(text=summary(round_, reminder), blocks=blocks)


def recorded_message(*, year: int, response: str, at: datetime) -> Message:
    """The DM once answered: no buttons left to press."""
    if response == "confirmed":
        said = "you confirmed that nothing has changed in your interests or outside work"
    else:
        said = "you updated your record"
    text = f":white_check_mark: Annual declaration {year}: {said} ({slack_date(at)}). Thank you."
    return Message(
        text=f"Annual declaration {year}: recorded. Thank you.",
        blocks=[
            HeaderBlock(text=f"Annual declaration {year}"),
            SectionBlock(text=MarkdownTextObject(text=text)),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="If something changes during the year, declare it then: "
                        "`/interest`, `/outside-work`, or end an interest from `/conduct mine`."
                    )
                ]
            ),
        ],
    )


def outstanding_message(report: Outstanding, *, final: bool, today: date) -> Message:
    """The list of who has not answered: at the end of the reminders (`final`), or on
    request from /conduct annual."""
    r = report.round_
    n = len(report.missing)
    people = "person" if n == 1 else "people"
    if final:
        lead = (
            f"The reminders for the annual declaration {r.year} (sent on "
            f"{long_date(r.opens_on)}) have ended. *{n} of {report.expected}* {people} "
            "have not answered:"
        )
    elif r.is_open(today):
        lead = (
            f"The annual declaration {r.year} went out on {long_date(r.opens_on)}; answers "
            f"are due by {answer_by(r)}. So far *{n} of {report.expected}* {people} "
            "have not answered:"
        )
    else:
        lead = (
            f"Annual declaration {r.year} (sent on {long_date(r.opens_on)}): *{n} of "
            f"{report.expected}* {people} have not answered:"
        )
    if not n:
        lead = lead.removesuffix(":") + ". Everyone has answered."
    names = [
        escape(p.name)
        + ("" if p.slack_user_id else " _(no Slack account: Nolan could not ask them)_")
        for p in report.missing
    ]
    blocks: list[Block] = [
        HeaderBlock(text=f"Annual declaration {r.year}"),
        SectionBlock(text=MarkdownTextObject(text=lead)),
        *bullet_sections(names, more="…and {n} more.", max_blocks=44),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Answered: {report.confirmed} confirmed nothing has changed, "
                    f"{report.updated} updated their record. Ask "
                    f"`/conduct annual {r.year}` for this list at any time."
                )
            ]
        ),
    ]
    text = f"Annual declaration {r.year}: {n} of {report.expected} have not answered."
    return Message(text=text, blocks=blocks)
