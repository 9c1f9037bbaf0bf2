"""The annual declaration, described once for the platforms that draw neutral cards (Teams;
Slack draws its own in handlers/annual/messages.py, with the same words): the card asking
each member of staff, with its three answers; the card once answered; and the monitoring
officer's list of who has not answered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from bot.rules.annual import Round
from bot.settings import Policy
from bot.ui.cards import Button, Card, Decided, Style
from bot.ui.interests import CATEGORY_OPTIONS
from bot.ui.payload import Payload
from bot.ui.text import clip, escape, long_date

# The buttons' ids, as on Slack (handlers.annual.ids.Action).
NOTHING_CHANGED = "annual_nothing_changed"  # payload: AnnualYear
DECLARE_INTEREST = "annual_declare_interest"  # opens the interest form
ASK_OUTSIDE_WORK = "annual_ask_outside_work"  # opens the outside-work form
OPENS_FORM = frozenset({DECLARE_INTEREST, ASK_OUTSIDE_WORK})

MAX_ITEMS = 12  # items of each register listed; the rest are counted (all are in conduct mine)
LINE = 230
MAX_NAMES = 200  # names in the list of who has not answered; the rest are counted


class AnnualYear(Payload):
    """Which year's annual declaration a button answers."""

    year: int


def answer_by(round_: Round) -> str:
    return long_date(round_.closes_on - timedelta(days=1))


def interest_line(
    reference: str,
    *,
    category: str,
    organisation: str | None,
    description: str,
    waiting_for: Sequence[str] | None,
) -> str:
    """One interest in the card (people's words, shown as typed); `waiting_for`: who must
    decide, when it is not yet decided."""
    label = next(
        (label for c, (label, _) in CATEGORY_OPTIONS.items() if c.value == category),
        "An interest",
    )
    head = f"{label}: {organisation}" if organisation else label
    mark = ""
    if waiting_for is not None:
        who = " and ".join(waiting_for)
        mark = f"(waiting for a decision from {who}) " if who else "(waiting for a decision) "
    return clip(f"{reference} {mark}{head} — {description}", LINE)


def work_line(reference: str, *, role: str, organisation: str, since: date) -> str:
    """One outside-work permission in the card."""
    return clip(f"{reference} {role} at {organisation}, since {since.day} {since:%b %Y}", LINE)


def _listed(lines: Sequence[str], none: str, more: str) -> str:
    shown = [f"• {line}" for line in lines[:MAX_ITEMS]]
    if len(lines) > MAX_ITEMS:
        shown.append(more.format(n=len(lines) - MAX_ITEMS))
    return "\n".join(shown) if shown else none


def intro(*, name: str, round_: Round, policy: Policy, reminder: int) -> str:
    """What the yearly message says first (marked text): the first message, or the k-th
    weekly reminder."""
    if reminder:
        return (
            f"*Reminder {reminder} of {round_.weeks}:* you haven't answered this year's annual "
            f"declaration yet (sent on {long_date(round_.opens_on)}). Please check your "
            f"entries below and answer by {answer_by(round_)}."
        )
    return (
        f"Hello {escape(name)}. Once a year everyone at {escape(policy.office_name)} checks "
        "that their entries in the registers are still right: the code asks you to keep them "
        "up to date as things change. Please check what Nolan holds for you and answer by "
        f"{answer_by(round_)}."
    )


def summary(round_: Round, reminder: int) -> str:
    """The yearly message's one line (notification, fallback text)."""
    if reminder:
        return f"Reminder: please answer the annual declaration {round_.year}."
    return f"Annual declaration {round_.year}: are your interests and outside work up to date?"


def annual_card(
    *,
    name: str,
    round_: Round,
    interests: Sequence[str],
    outside_work: Sequence[str],
    policy: Policy,
    reminder: int = 0,
) -> Card:
    """The yearly card: what the registers hold for this person (`interest_line`s and
    `work_line`s), and the three answers. `reminder` is 0 for the first message, k for the
    k-th weekly reminder."""
    more = "…and {n} more: type conduct mine to see them all."
    year = AnnualYear(year=round_.year)
    return Card(
        title=f"Annual declaration {round_.year}",
        summary=summary(round_, reminder),
        intro=intro(name=name, round_=round_, policy=policy, reminder=reminder),
        sections=(
            ("Your interests (Register of Interests)", _listed(interests, "None declared.", more)),
            ("Your outside work (permissions granted)", _listed(outside_work, "None.", more)),
        ),
        actions=(
            Button(NOTHING_CHANGED, "Nothing has changed", year, Style.PRIMARY),
            Button(DECLARE_INTEREST, "Declare an interest", year),
            Button(ASK_OUTSIDE_WORK, "Ask about outside work", year),
        ),
        footnotes=(
            "Something new? Declare it with the buttons above: that is your answer. Something "
            "ended? End an interest from *conduct mine*. Questions: ask the "
            f"{escape(policy.monitoring_officer_title)}.",
        ),
    )


def recorded_card(*, year: int, response: str, name: str, at: datetime) -> Card:
    """The card once answered: no buttons left to press."""
    if response == "confirmed":
        outcome = "*Nothing has changed*: you confirmed your interests and outside work"
    else:
        outcome = "*Updated*: you updated your record"
    return Card(
        title=f"Annual declaration {year}",
        summary=f"Annual declaration {year}: recorded. Thank you.",
        intro="Thank you: your answer is recorded.",
        decided=Decided(outcome, by=name, at=at),
        footnotes=(
            "If something changes during the year, declare it then: type *interest* or "
            "*outside-work*, or end an interest from *conduct mine*.",
        ),
    )


def not_answered_card(
    report_round: Round,
    *,
    expected: int,
    confirmed: int,
    updated: int,
    missing: Sequence[tuple[str, bool]],
    final: bool,
    today: date,
    not_asked: str,
) -> Card:
    """Who has not answered (`missing`: each name, and whether Nolan could ask them on this
    platform): at the end of the reminders (`final`), or as it stands. `not_asked` follows
    the names of those it could not ask."""
    r, n = report_round, len(missing)
    people = "person" if n == 1 else "people"
    if final:
        lead = (
            f"The reminders for the annual declaration {r.year} (sent on "
            f"{long_date(r.opens_on)}) have ended. *{n} of {expected}* {people} have not "
            "answered."
        )
    elif r.is_open(today):
        lead = (
            f"The annual declaration {r.year} went out on {long_date(r.opens_on)}; answers "
            f"are due by {answer_by(r)}. So far *{n} of {expected}* {people} have not answered."
        )
    else:
        lead = (
            f"Annual declaration {r.year} (sent on {long_date(r.opens_on)}): *{n} of "
            f"{expected}* {people} have not answered."
        )
    if not n:
        lead += " Everyone has answered."
    names = [name + ("" if asked else f" ({not_asked})") for name, asked in missing[:MAX_NAMES]]
    if n > MAX_NAMES:
        names.append(f"…and {n - MAX_NAMES} more.")
    return Card(
        title=f"Annual declaration {r.year}",
        summary=f"Annual declaration {r.year}: {n} of {expected} have not answered.",
        intro=lead,
        sections=(("Not answered", "\n".join(f"• {name}" for name in names)),),
        footnotes=(
            f"Answered: {confirmed} confirmed nothing has changed, {updated} updated their "
            f"record. Type *conduct annual {r.year}* for this list at any time.",
        ),
    )
