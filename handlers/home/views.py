"""The App Home, drawn from plain data (handlers.home.model): no queries here.

One function per section; a role's Home is the sections that apply to it. Slack allows 100
blocks in a Home: each long list shows one page (handlers.home.store's page sizes) with
"Previous"/"More", which comes to at most about 75 blocks for an officer who approves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from handlers.approvals.chasing import day
from handlers.approvals.messages import decision_elements
from handlers.home import model
from handlers.home.ids import Action, Elsewhere, Pages
from handlers.text import clip, escape, slack_date
from handlers.waiting.messages import waiting_lines

MAX_BLOCKS = 100  # Slack's limit for a Home tab


def _text(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)))


def _note(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, 3000))])


def _days(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"


def _long(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _pager(name: str, page: model.Page[object], pages: Pages) -> list[Block]:
    """ "Showing 11–20 of 150" and the buttons to the pages either side."""
    if page.total <= page.size:
        return []
    last = min(page.first + len(page.items) - 1, page.total)
    blocks: list[Block] = [_note(f"Showing {page.first}–{last} of {page.total}.")]
    buttons = []
    if page.page > 0:
        back = pages.model_copy(update={name: page.page - 1})
        buttons.append(
            ButtonElement(text="Previous", action_id=Action.PREVIOUS, value=back.encode())
        )
    if page.has_more:
        more = pages.model_copy(update={name: page.page + 1})
        buttons.append(ButtonElement(text="More", action_id=Action.MORE, value=more.encode()))
    blocks.append(ActionsBlock(block_id=f"home_pages_{name}", elements=buttons))
    return blocks


# -- everyone ------------------------------------------------------------------------------


def declare_buttons() -> list[Block]:
    return [
        ActionsBlock(
            block_id="home_declare",
            elements=[
                ButtonElement(
                    text="Declare a gift or hospitality",
                    action_id=Action.DECLARE_GIFT,
                    style="primary",
                ),
                ButtonElement(text="Declare an interest", action_id=Action.DECLARE_INTEREST),
                ButtonElement(text="Ask about outside work", action_id=Action.ASK_OUTSIDE_WORK),
                ButtonElement(text="Notify a change of circumstances", action_id=Action.NOTIFY),
            ],
        )
    ]


def vetting_line(vetting: model.Vetting) -> str:
    level = f" ({escape(vetting.level)})" if vetting.level else ""
    expires = _long(vetting.expires)
    if vetting.days_left < 0:
        return f":red_circle: Your vetting clearance{level} lapsed on {expires}."
    if vetting.days_left <= vetting.soon_days:
        return (
            f":large_orange_circle: Your vetting clearance{level} expires on {expires}, in "
            f"{vetting.days_left} day{'' if vetting.days_left == 1 else 's'}: renewal is due."
        )
    return f"Your vetting clearance{level} is valid until {expires}."


def annual_line(annual: model.Annual, today: date) -> str:
    if annual.due and annual.answer_by and annual.answer_by < today:
        return (
            ":red_circle: Your annual declaration is overdue: it was due by "
            f"{_long(annual.answer_by)}. Check your interests and outside work are current "
            "(the message from Nolan has the buttons)."
        )
    if annual.due and annual.answer_by:
        return (
            ":large_orange_circle: Your annual declaration is due: check your interests and "
            f"outside work are current, by {_long(annual.answer_by)} (the message from Nolan "
            "has the buttons)."
        )
    done = {"confirmed": "made (nothing had changed)", "updated": "made (you updated it)"}
    # The line sits under the vetting line: name its subject, or it reads as vetting's.
    if annual.answered:
        line = f"This year's annual declaration is {done[annual.answered]}"
        if not annual.next_on:
            return line + "."
        return f"{line}; the next is due on {_long(annual.next_on)}."
    if annual.next_on:
        return f"Your annual declaration: the next is due on {_long(annual.next_on)}."
    return ""


def standing(home: model.Home) -> list[Block]:
    lines = []
    if home.vetting:
        lines.append(vetting_line(home.vetting))
    if home.annual and (line := annual_line(home.annual, home.today)):
        lines.append(line)
    if home.code_url:
        lines.append(f":scroll: <{home.code_url}|Read {escape(home.code_title)}>")
    else:
        lines.append(":scroll: Ask the monitoring officer for a copy of the code of conduct.")
    return [_text("\n".join(lines))]


def _own_line(item: model.OwnItem) -> str:
    status = item.status
    if item.waiting_on:
        status += f" from {escape(' and '.join(item.waiting_on))}"
    elif item.decided_by:
        status += f" by {escape(item.decided_by)}"
        if item.decided_at:
            status += f" on {slack_date(item.decided_at)}"
    return (
        f"*{item.reference}* · {item.kind} · declared {_long(item.declared_on)}\n"
        f"{escape(clip(item.what, 300))}\n_{status}_"
    )


def mine(home: model.Home) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text="Your declarations")]
    if not home.mine.items:  # items, not total: the list may have changed between queries
        return [*blocks, _text("You have made no declarations yet: the buttons above start one.")]
    for item in home.mine.items:
        view = ButtonElement(
            text="View", action_id=Elsewhere.RECORD, value=str(item.declaration_id)
        )
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=clip(_own_line(item), 3000)), accessory=view)
        )
    return blocks + _pager("mine", home.mine, home.pages)


# -- approvers -------------------------------------------------------------------------------


def _waiting_line(item: model.WaitingItem) -> str:
    return "\n".join(
        waiting_lines(
            reference=item.reference,
            what=item.what,
            declarant=item.declarant,
            since=item.since,
            working_days=item.working_days,
            deputy_for=item.deputy_for,
        )
    )


def waiting(home: model.Home) -> list[Block]:
    page = home.waiting
    blocks: list[Block] = [HeaderBlock(text="Waiting for your decision")]
    if page is None or not page.items:
        return [*blocks, _text("Nothing is waiting for your decision.")]
    for item in page.items:
        blocks.append(_text(_waiting_line(item)))
        elements = decision_elements(item.step_id, item.purpose, item.reference)
        if elements:  # an actions block may not be empty
            blocks.append(
                ActionsBlock(block_id=f"home_decide_{item.step_id}", elements=elements[:25])
            )
    return blocks + _pager("waiting", page, home.pages)


def delegation(home: model.Home) -> list[Block]:
    d = home.delegation
    if d is None:
        line = "Your approvals come to you. Away? Hand them to a deputy until you are back."
        button = ButtonElement(text="Delegate…", action_id=Action.SET_DELEGATION)
        return [SectionBlock(text=MarkdownTextObject(text=line), accessory=button)]
    starts = f"from {_long(d.starts_on)} " if d.starts_on > home.today else ""
    line = f"Your approvals go to {escape(d.deputy)} {starts}until {_long(d.ends_on)}."
    return [
        _text(line),
        ActionsBlock(
            block_id="home_delegation",
            elements=[
                ButtonElement(text="Change…", action_id=Action.SET_DELEGATION),
                ButtonElement(
                    text="End delegation",
                    action_id=Action.END_DELEGATION,
                    style="danger",
                    confirm=ConfirmObject(
                        title="End the delegation?",
                        text=f"What {escape(d.deputy)} still holds for you comes back to you.",
                        confirm="End it",
                        deny="Back",
                    ),
                ),
            ],
        ),
    ]


# -- the monitoring officer and the head of office ---------------------------------------------


def counts(officer: model.Officer, home: model.Home) -> list[Block]:
    c = officer.counts
    blocks: list[Block] = [_text(f"*Declarations made in {c.year}*")]
    if not c.by_kind:
        return [*blocks, _note("None yet this financial year.")]
    fields = [
        MarkdownTextObject(
            text=clip(
                f"*{escape(kind)}* ({sum(by.values())})\n"
                + "\n".join(f"{escape(s)}: {n}" for s, n in sorted(by.items())),
                2000,
            )
        )
        for kind, by in sorted(c.by_kind.items())
    ]
    return [*blocks, SectionBlock(fields=fields[:10])]


def longest(officer: model.Officer, home: model.Home) -> list[Block]:
    page = officer.longest
    blocks: list[Block] = [_text("*Waiting longest for a decision*")]
    if not page.items:
        return [*blocks, _note("Nothing is waiting for a decision.")]
    lines = [
        f"*{w.reference}* · {w.kind} · {escape(w.declarant)} — with {escape(w.approver)} since "
        f"{day(w.since)} ({_days(w.working_days)})"
        for w in page.items
    ]
    return [*blocks, _text("\n".join(lines)), *_pager("longest", page, home.pages)]


def risk_flags(officer: model.Officer, home: model.Home) -> list[Block]:
    page = officer.flagged
    months = round(officer.window_days / 30.4)
    blocks: list[Block] = [
        _text(f"*:warning: Risk flags* (declarations of the last {months} months)")
    ]
    if not page.items:
        return [*blocks, _note("No declaration in that time carries a risk flag.")]
    for item in page.items:
        lines = "\n".join(f"• *{escape(label)}*: {escape(why)}" for label, why in item.flags[:5])
        blocks.append(
            SectionBlock(
                block_id=f"home_flagged_{item.declaration_id}",
                text=MarkdownTextObject(
                    text=clip(
                        f"*{item.reference}* · {item.kind} · {escape(item.declarant)} · "
                        f"declared {day(item.declared_on)}\n{lines}",
                        3000,
                    )
                ),
                accessory=ButtonElement(
                    text="View", action_id=Elsewhere.RECORD, value=str(item.declaration_id)
                ),
            )
        )
    return [*blocks, *_pager("flags", page, home.pages)]


def register_tools(officer: model.Officer, home: model.Home) -> list[Block]:
    return [
        ActionsBlock(
            block_id="home_registers",
            elements=[
                ButtonElement(text="Search registers", action_id=Elsewhere.SEARCH),
                ButtonElement(text="Export", action_id=Elsewhere.EXPORT),
            ],
        )
    ]


# The officers' sections in order; each shows what handlers.home.store loaded into
# model.Officer.
OfficerSection = Callable[[model.Officer, model.Home], list[Block]]
OFFICER_SECTIONS: Sequence[OfficerSection] = (counts, longest, risk_flags, register_tools)


def officer(home: model.Home) -> list[Block]:
    assert home.officer is not None
    blocks: list[Block] = [HeaderBlock(text="The registers")]
    for section in OFFICER_SECTIONS:
        blocks += section(home.officer, home)
    return blocks


# -- the whole Home ---------------------------------------------------------------------------


def home_view(home: model.Home) -> View:
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"Hello, {home.name}", 150)),
        _note("Nolan keeps the staff code of conduct: declare, ask, and see where things are."),
        *declare_buttons(),
        *standing(home),
        DividerBlock(),
        *mine(home),
    ]
    if home.approver:
        blocks += [DividerBlock(), *waiting(home), *delegation(home)]
    if home.officer is not None:
        blocks += [DividerBlock(), *officer(home)]
    assert len(blocks) <= MAX_BLOCKS, f"{len(blocks)} blocks on a Home"
    return View(type="home", blocks=blocks, private_metadata=home.pages.encode())


def unknown_home_view() -> View:
    return View(
        type="home",
        blocks=[
            HeaderBlock(text="Hello from Nolan"),
            _text(
                "Nolan helps staff follow the office's code of conduct: declaring gifts and "
                "hospitality, interests and outside work, and getting them approved.\n\n"
                "Nolan can't find you in the office's org chart yet, so there is nothing here "
                "for you. If you work for the office, please ask an admin to add you; this "
                "page fills in once they have."
            ),
        ],
    )
