"""What the yearly review of an outside-work permission says, described once: the question
to the member of staff (three buttons), the answer once given, and the note to the line
manager when it has ended. Slack draws them as Block Kit (handlers/reviews/messages.py),
Teams as Adaptive Cards (bot/teams/reviews.py)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Protocol

from bot.settings import Policy
from bot.ui.cards import Button, Card, Confirm, Style
from bot.ui.payload import Payload
from bot.ui.text import clip, escape, long_date

HEADER = "Outside work: yearly review"


class Action(StrEnum):
    UNCHANGED = "review_unchanged"  # payload: ReviewRef
    CHANGED = "review_changed"  # opens the outside-work form, pre-filled
    ENDED = "review_ended"  # sets the permission's end date to today


class ReviewRef(Payload):
    """Which permission, and which anniversary's review (an ISO date)."""

    declaration_id: int
    period: str


class Reviewed(Protocol):
    """A permission as its review names it (bot.usecases.reviews.Permission)."""

    @property
    def declaration_id(self) -> int: ...
    @property
    def reference(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def organisation(self) -> str: ...
    @property
    def granted_on(self) -> date: ...


def _what(permission: Reviewed) -> str:
    return (
        f"*{escape(permission.role)}* at *{escape(permission.organisation)}* "
        f"({escape(permission.reference)})"
    )


def _years(granted_on: date, anniversary: date) -> str:
    n = anniversary.year - granted_on.year
    return f"{n} year{'' if n == 1 else 's'}"


def change_notes(permission: Reviewed) -> str:
    """How the outside-work form opened by "It has changed" starts its notes."""
    p = permission
    return f"A change to {p.reference} ({p.role}, granted {p.granted_on:%d %b %Y}): "


def review_card(permission: Reviewed, anniversary: date, policy: Policy) -> Card:
    head = escape(policy.head_of_office_title)
    ref = ReviewRef(declaration_id=permission.declaration_id, period=anniversary.isoformat())
    text = (
        f"Your permission for outside work, {_what(permission)}, was granted on "
        f"{long_date(permission.granted_on)}: {_years(permission.granted_on, anniversary)} ago "
        "on "
        f"{long_date(anniversary)}. Once a year Nolan asks whether it still stands as granted."
    )
    return Card(
        title=HEADER,
        summary=f"Yearly review of your outside work ({permission.reference}): does it continue "
        "unchanged?",
        intro=clip(text, 3000),
        actions=(
            Button(Action.UNCHANGED, "It continues unchanged", ref, Style.PRIMARY),
            Button(Action.CHANGED, "It has changed", ref),
            Button(
                Action.ENDED,
                "It has ended",
                ref,
                Style.DANGER,
                Confirm(
                    title="End this outside work?",
                    text="Nolan records today as its end date and tells your line "
                    "manager. The record of approval keeps it, ended.",
                    confirm="It has ended",
                    deny="Cancel",
                ),
            ),
        ),
        footnotes=(
            "More hours, a new role, pay, or work for a contractor or partner "
            f"of the office needs the {head}'s permission again, before the change "
            "(Derbyshire §12; Avon and Somerset §3.14).",
        ),
    )


def reviewed_card(
    permission: Reviewed,
    *,
    response: str,
    when: str,
    policy: Policy,
    ended_on: date | None = None,
    form_again: str = "`/outside-work`",
) -> Card:
    """The review once answered (no buttons left); `when`: the answer's time, as the
    platform shows times; `form_again`: how to open the outside-work form again."""
    after = ""
    if response == "confirmed":
        said = f":white_check_mark: You confirmed that {_what(permission)} continues unchanged"
    elif response == "updated":
        said = f":pencil2: You told Nolan that {_what(permission)} has changed"
        after = (
            " Describe the change in the form that opened: it is a new request, which goes to "
            f"your line manager and the {escape(policy.head_of_office_title)}. If you closed "
            f"the form, use {form_again}."
        )
    else:
        day = long_date(ended_on) if ended_on else "today"
        said = (
            f":heavy_minus_sign: You told Nolan that {_what(permission)} has ended: it is "
            f"recorded as ended on {day}, and your line manager has been told"
        )
    return Card(
        title=HEADER,
        summary=f"Yearly review of {permission.reference}: recorded.",
        intro=clip(f"{said} ({when}).{after}", 3000),
    )


def ended_card(permission: Reviewed, *, declarant: str, ended_on: date) -> Card:
    """For the line manager's information: nothing to decide."""
    text = (
        f"For your information: {escape(declarant)}'s outside work, {_what(permission)}, has "
        f"ended ({long_date(ended_on)}), as they told Nolan at its yearly review. The record "
        "of approval keeps it, ended."
    )
    return Card(
        title="",
        summary=f"{declarant}'s outside work ({permission.reference}) has ended.",
        intro=clip(text, 3000),
    )
