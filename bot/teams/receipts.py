"""The messages declaring owes, drawn for Teams when the outbox sends them: each kind's receipt
to the declarant, the warning to someone in a politically restricted post, an interest's end
(to those who noted it, and the declarant's receipt), and the information copy of a refused
gift to the line manager (INFORM; the approval cards themselves are bot.teams' approvals).

Drawn from the record and the queued payload as the Slack drawers draw them; the words are
the Slack drawers' (handlers/gifts/cards.py, outside_work/cards.py, interests/cards.py,
notices/cards.py `declarant_receipt`/`receipt`/`restricted_post_message`/`ended_*`), repeated
here until they move to bot/ui, as neutral Cards rendered by bot.teams.cards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from bot.outbox import Queued
from bot.rules import notices as notice_rules
from bot.rules.interests import RESTRICTED_WARNING, category_name
from bot.teams.cards import adaptive_card
from bot.teams.drawers import After, Drawn, Where, drawer
from bot.teams.interests import END_BUTTON
from bot.ui.approval import approval_card
from bot.ui.cards import Button, Card
from bot.ui.payload import DeclarationRef
from bot.ui.text import clip, escape, plain
from bot.usecases import gifts, interests, notices, outside_work
from bot.usecases.kinds import card_for, kind_of
from bot.usecases.owed import INFORM
from storage import audit, declarations
from storage.declarations import Record
from storage.models import Interest

TEXT_MAX = 3000


def notified(told: str, **detail: Any) -> After:
    """What sending the message writes in the audit trail, as on Slack: "notified", who was
    told, about the declaration the message names."""

    def after(session: Session, message: Queued, _where: Where | None) -> None:
        if declaration_id := message.payload.get("declaration_id"):
            audit.record(
                session,
                action="notified",
                declaration_id=int(declaration_id),
                told=[told],
                **detail,
            )

    return after


def _record(session: Session, message: Queued) -> Record | None:
    return declarations.load_record(session, declaration_id=int(message.payload["declaration_id"]))


def _drawn(title: str, lines: list[str], *, actions: tuple[Button, ...] = ()) -> Drawn:
    """A short message: a title and marked lines (people's words escaped by the caller)."""
    intro = clip("\n".join(line for line in lines if line), TEXT_MAX)
    text = plain(intro)
    card = Card(title=title, summary=clip(text.splitlines()[0], 250), intro=intro, actions=actions)
    return Drawn(text, adaptive_card(card, dialogs={b.id for b in actions}))


def receipt(
    name: str,
    title: str,
    words: Callable[[Record, dict[str, Any]], tuple[list[str], tuple[Button, ...]]],
) -> None:
    """Register a kind's receipt: `words(record, payload)` gives its lines and buttons."""

    @drawer(name)
    def draw(session: Session, message: Queued) -> Drawn | None:
        record = _record(session, message)
        if record is None:
            return None
        lines, buttons = words(record, message.payload)
        return _drawn(
            f"{title} {record.declaration.reference or ''}".strip(), lines, actions=buttons
        )


def _what(record: Record) -> str:
    return escape(kind_of(record.declaration.kind).describe(record))


def _gift(record: Record, payload: dict[str, Any]) -> tuple[list[str], tuple[Button, ...]]:
    ref = record.declaration.reference
    first = f"Thank you: your declaration of {_what(record)} is recorded as {ref}."
    return [first, payload["explanation"], payload["next_step"]], ()


def _outside_work(record: Record, payload: dict[str, Any]) -> tuple[list[str], tuple[Button, ...]]:
    first = f"Thank you: {_what(record)} is recorded as {record.declaration.reference}."
    return [first, payload["explanation"], payload["next_step"]], ()


def _interest(record: Record, payload: dict[str, Any]) -> tuple[list[str], tuple[Button, ...]]:
    ref = record.declaration.reference
    first = f"Thank you: {_what(record)} is recorded as {ref} on the Register of Interests."
    lines = [first, payload["next_step"], payload["explanation"]]
    lines.append("When it ends, press “End this interest…” below.")
    end = Button(
        END_BUTTON,
        "End this interest…",
        payload=DeclarationRef(declaration_id=record.declaration.id or 0),
    )
    return lines, (end,)


def _notice(record: Record, payload: dict[str, Any]) -> tuple[list[str], tuple[Button, ...]]:
    """To whom it went (by name and title), and who to tell if Nolan found no one."""
    recipients = notices.receivers(record, payload)
    ref, what, unrouted = record.declaration.reference, _what(record), payload["unrouted"]
    if not recipients:
        reason = f" ({escape(unrouted[0])})" if unrouted else ""
        return [
            f":lock: {what[:1].upper() + what[1:]} is recorded as {ref}, but Nolan could not "
            f"find anyone to send it to{reason}. Please tell {escape(payload['fallback'])} "
            "directly, without delay."
        ], ()
    lines = [
        f":lock: Thank you: {what} is recorded as {ref} and has gone in confidence to "
        f"{escape(notice_rules.join_words(recipients))}. It is not posted in any channel.",
        "You'll get a message when each of them acknowledges it.",
    ]
    if unrouted:
        lines.append(
            f"Nolan could not send it to everyone it should go to ({escape(unrouted[0])}) "
            "Please tell the monitoring officer."
        )
    return lines, ()


receipt(gifts.RECEIPT, "Declared:", _gift)
receipt(outside_work.RECEIPT, "Asked:", _outside_work)
receipt(interests.RECEIPT, "Declared:", _interest)


@drawer(notices.RECEIPT, after=notified("declarant"))
def draw_notice_receipt(session: Session, message: Queued) -> Drawn | None:
    record = _record(session, message)
    if record is None:
        return None
    lines, _ = _notice(record, message.payload)
    return _drawn(f"Sent in confidence: {record.declaration.reference}", lines)


@drawer(
    interests.RESTRICTED_POST,
    after=notified("declarant", why="politically_restricted_post"),
)
def draw_restricted_post(_session: Session, message: Queued) -> Drawn:
    """Told at once, before anything else, to someone in a politically restricted post who
    declares political activity (derbyshire §7; avon-and-somerset §3.15)."""
    reference = str(message.payload["reference"])
    return _drawn(
        f"Political activity in a politically restricted post ({reference})",
        [
            f":warning: {RESTRICTED_WARNING}",
            "Your declaration has gone to your line manager and the monitoring officer.",
        ],
    )


def _ended(record: Record) -> Interest:
    assert isinstance(record.detail, Interest) and record.detail.ended_on is not None
    return record.detail


@drawer(interests.ENDED)
def draw_ended(session: Session, message: Queued) -> Drawn | None:
    """For the line manager's information: an interest has ended; it stays on the register."""
    record = _record(session, message)
    if record is None:
        return None
    interest = _ended(record)
    kind = category_name(interest.category)
    what = f"in {interest.organisation} ({kind})" if interest.organisation else f"({kind})"
    return _drawn(
        "An interest has ended",
        [
            f"For information: {escape(record.declarant.display_name)} has ended their interest "
            f"{escape(what)}, {record.declaration.reference}, on "
            f"{interest.ended_on:%d %b %Y}. It stays on the Register of Interests with its end "
            "date. No action is needed."
        ],
    )


@drawer(interests.ENDED_RECEIPT)
def draw_ended_receipt(session: Session, message: Queued) -> Drawn | None:
    """The member of staff's confirmation that the end date is recorded."""
    record = _record(session, message)
    if record is None:
        return None
    _ended(record)
    return _drawn(
        f"Ended: {record.declaration.reference}",
        [
            f"Recorded: {_what(record)} ({record.declaration.reference}). It stays on the "
            "Register of Interests with its end date, and your line manager has been told."
        ],
    )


@drawer(INFORM, after=notified("line_manager"))
def draw_inform(session: Session, message: Queued) -> Drawn | None:
    """An information copy of the card, with no buttons (a refused gift, to the manager)."""
    record = _record(session, message)
    if record is None:
        return None
    flags = kind_of(record.declaration.kind).risks(session, record)
    card = approval_card(card_for(record, None, None, flags))
    return Drawn(card.summary, adaptive_card(card))
