"""Decisions waiting for an approver, in words: the morning digest's, the escalation
reminder's and the Home's. Marked text (bot.ui.text), drawn by each platform (Slack:
handlers.waiting.messages, handlers.approvals.chasing; Teams: bot.teams.waiting)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from bot.ui.text import clip, escape, short_day

# Items a digest shows with their buttons: two Slack blocks an item (its words, its buttons)
# plus the header, the intro and "…and K more": 2 * 20 + 3 = 43, inside Slack's 50 blocks.
DIGEST_LIMIT = 20
REMINDER_LIMIT = 40  # items shown in one reminder (Slack allows 50 blocks)
LINE_MAX = 3000  # a line's limit (a Slack section's text)


@dataclass(frozen=True)
class DigestItem:
    """One waiting step in the morning digest, as the approver reads it."""

    step_id: int
    reference: str
    purpose: str  # a bot.rules.approvals.Purpose: which buttons it has
    what: str  # the declaration in words: "the hospitality from Acme Ltd: dinner"
    declarant: str
    waiting_since: date
    working_days: int  # working days it has waited
    escalates_on: date | None = None  # when it goes up if still waiting (None: nowhere to go)
    next_name: str | None = None  # who it goes to then
    reminder: bool = False  # this digest carries the step's one escalation reminder
    deputy_for: str | None = None  # the approver holds it as deputy for this person


@dataclass(frozen=True)
class ReminderItem:
    """One waiting step in an approver's escalation reminder."""

    step_id: int
    reference: str
    what: str
    declarant: str
    waiting_since: date
    escalates_on: date
    next_name: str | None  # who it goes to if still waiting then
    deputy_for: str | None = None  # the approver holds it as deputy for this person


Item = TypeVar("Item", DigestItem, ReminderItem)


def as_payload(item: DigestItem | ReminderItem) -> dict[str, Any]:
    """An item as an outbox message's payload holds it (JSON: days as ISO dates)."""
    return {
        k: v.isoformat() if isinstance(v, date) else v for k, v in dataclasses.asdict(item).items()
    }


def from_payload(kind: type[Item], raw: Mapping[str, Any]) -> Item:
    """The item `as_payload` wrote (keys it does not know are left out)."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(kind):
        if f.name in raw:
            value = raw[f.name]
            is_day = f.name in ("waiting_since", "escalates_on") and isinstance(value, str)
            values[f.name] = date.fromisoformat(value) if is_day else value
    return kind(**values)


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def working_days_words(n: int) -> str:
    """ "1 working day", "3 working days"."""
    return f"{n} working day{'' if n == 1 else 's'}"


def waiting_lines(
    *,
    reference: str,
    what: str,
    declarant: str,
    since: date,
    working_days: int,
    deputy_for: str | None,
) -> list[str]:
    """A decision waiting for an approver, as marked text (bot.ui.text): one line each."""
    waited = f" ({working_days_words(working_days)})" if working_days else ""
    said, who = escape(clip(what, 300)), escape(declarant)
    # Kinds describe a declaration to its declarant ("your interest in…"): say whose it is.
    said = f"{who}'s {said[5:]}" if said.startswith("your ") else f"{said} ({who})"
    lines = [f"*{reference}* — {said}", f"Waiting since {short_day(since)}{waited}."]
    if deputy_for:
        lines.append(f"You are deciding it as deputy for {escape(deputy_for)}.")
    return lines


# -- the morning digest --------------------------------------------------------------------------

DIGEST_TITLE = "Waiting for your decision"


def digest_head(n: int) -> str:
    return (
        f"{n} {_plural(n, 'decision has', 'decisions have')} waited more than a day for you. "
        "You can decide here, or on the original "
        f"{_plural(n, 'message', 'messages')} in this conversation."
    )


def digest_line(item: DigestItem) -> str:
    """One item: what, whose, since when, and where it goes if still waiting (marked)."""
    lines = waiting_lines(
        reference=item.reference,
        what=item.what,
        declarant=item.declarant,
        since=item.waiting_since,
        working_days=item.working_days,
        deputy_for=item.deputy_for,
    )
    if item.next_name and item.escalates_on:
        going = (
            f"If it is still waiting on {short_day(item.escalates_on)}, it goes to "
            f"{escape(item.next_name)}, the next person up."
        )
        lines.append(f":bell: *Reminder:* {going}" if item.reminder else going)
    elif item.reminder:
        days = f"{item.working_days} working {_plural(item.working_days, 'day', 'days')}"
        lines.append(f":bell: *Reminder:* it has waited {days} for your decision.")
    return clip("\n".join(lines), LINE_MAX)


def digest_more(n: int, shown: int = DIGEST_LIMIT) -> str | None:
    """What a digest of `n` items says of those past the `shown` (None: nothing)."""
    if n <= shown:
        return None
    return (
        f"…and {n - shown} more waiting for you: their buttons are on the original "
        "messages in this conversation."
    )


def digest_summary(items: Sequence[DigestItem]) -> str:
    """The notification's line."""
    n = len(items)
    references = ", ".join(i.reference for i in items)
    return clip(f"{n} {_plural(n, 'decision', 'decisions')} waiting for you: {references}", 3000)


# -- the escalation reminder ---------------------------------------------------------------------


def reminder_head(n: int, limit_days: int) -> str:
    """The buttons stay on the original cards (still live), so the reminder points at them
    rather than repeating them: one live card per step, always the one Nolan updates."""
    many = n > 1
    return (
        f"*Reminder:* {'these have' if many else 'this has'} waited {limit_days} working "
        f"days for your decision. The buttons are on the original "
        f"{'messages' if many else 'message'} in this conversation."
    )


def reminder_line(item: ReminderItem) -> str:
    line = (
        f"*{item.reference}* — {escape(clip(item.what, 300))} "
        f"({escape(item.declarant)}), waiting since {short_day(item.waiting_since)}"
    )
    if item.deputy_for:
        line += f"; you are deciding it as deputy for {escape(item.deputy_for)}"
    if item.next_name:
        line += (
            f". If it is still waiting on {short_day(item.escalates_on)}, it goes to "
            f"{escape(item.next_name)}, the next person up."
        )
    else:
        line += "."
    return clip(line, LINE_MAX)


def reminder_more(n: int) -> str | None:
    if n <= REMINDER_LIMIT:
        return None
    return f"…and {n - REMINDER_LIMIT} more, in your earlier messages from Nolan."


def reminder_summary(items: Sequence[ReminderItem]) -> str:
    many = len(items) > 1
    references = ", ".join(i.reference for i in items)
    text = f"Reminder: {'decisions' if many else 'a decision'} waiting for you ({references})"
    return clip(text, 3000)
