"""Owing a message: `queue` (and `owe`, to a member of staff) writes it to the outbox in the
caller's transaction, for the delivery worker (bot.outbox, which re-exports these) to send.
A scheduled message is owed once, by its natural key in the reminder ledger (`owe_once`): the
key's row of the outbox is inserted as a queued message descriptor — unless that key is
already owed, whatever became of it (bot.ledger re-exports these)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from storage import outbox, reminders
from storage.db import Database
from storage.models import OutboxMessage
from storage.reminders import Key

DUE_AT = "_due_at"  # the payload's key for `queue(due_at=…)`, taken out before a sender sees it
# An update's payload key: the place (ts) of a copy of its card that the platform's answer to
# a press has already redrawn (Teams' invoke response). An update of that copy is recorded as
# made there (bot.claims.made_in_place), never sent: no second request for the same card.
REDRAWN = "_redrawn"


@dataclass(frozen=True)
class Pressed:
    """The message a button was pressed on, for its receipt (the message redrawn with the
    answer): its place (Slack: channel and ts) and, where the platform gives one, the URL the
    answer to that press goes to (Slack's response_url, which its method tiers do not count)."""

    channel: str
    ts: str
    reply_url: str | None = None

    def as_payload(self) -> dict[str, str]:
        """The receipt's payload keys (read back by its drawer)."""
        return {"channel": self.channel, "ts": self.ts, "reply_url": self.reply_url or ""}


def owe_receipt(
    session: Session, name: str, *, staff_id: int, subject: str, pressed: Pressed, **payload: Any
) -> int:
    """Owe the message `pressed` redrawn as `name` (the answer's receipt), in the caller's
    transaction with the answer itself: once the press is acked, its receipt is owed and
    cannot be lost; the worker sends it off the request's thread."""
    return queue(
        session,
        name,
        subject=subject,
        recipient=to_staff(staff_id),
        **pressed.as_payload(),
        **payload,
    )


def to_staff(staff_id: int) -> str:
    """A recipient named by the org chart, resolved to their account on the platform when sent."""
    return f"staff:{staff_id}"


def queue_unless_waiting(
    session: Session,
    name: str,
    *,
    subject: str,
    recipient: str,
    not_before: datetime | None = None,
    **payload: Any,
) -> bool:
    """Owe {"card": name, **payload} unless one about `subject` is still waiting to be sent:
    drawn from the latest state when it goes, that one covers this change too (coalescing:
    e.g. one Home refresh for many changes; `not_before`, when it is due, widens the window).
    True if queued."""
    return outbox.queue_unless_waiting(
        session,
        kind=name,
        subject=subject,
        recipient=recipient,
        payload={"card": name, **payload},
        not_before=not_before,
    )


def queue(
    session: Session,
    name: str,
    *,
    subject: str,
    recipient: str,
    updates_id: int | None = None,
    due_at: datetime | None = None,
    **payload: Any,
) -> int:
    """Owe the message {"card": name, **payload}, sent after the caller commits. Returns its
    id (for an update to follow it). `due_at`: a message for the recipient alone, due then,
    that should arrive in their working hours (a reminder; see the module's doc)."""
    if due_at is not None:
        payload[DUE_AT] = due_at.astimezone(UTC).isoformat()
    return outbox.queue(
        session,
        kind=name,
        subject=subject,
        recipient=recipient,
        payload={"card": name, **payload},
        updates_id=updates_id,
    )


@dataclass(frozen=True)
class Owed:
    """A message to owe with others (`queue_all`): `queue`'s arguments."""

    name: str
    subject: str
    recipient: str
    payload: Mapping[str, Any]
    updates_id: int | None = None


def queue_all(session: Session, owed: Sequence[Owed]) -> None:
    """`queue` each of `owed` in one statement, in their order."""
    outbox.queue_all(
        session,
        [
            {
                "kind": o.name,
                "subject": o.subject,
                "recipient": o.recipient,
                "payload": {"card": o.name, **o.payload},
                "updates_id": o.updates_id,
            }
            for o in owed
        ],
    )


def owe(session: Session, name: str, staff_id: int, *, about: str, **payload: Any) -> int:
    """`queue` the message `name` to a member of staff; `about` is its subject."""
    return queue(session, name, subject=about, recipient=to_staff(staff_id), **payload)


def unpark(session: Session, recipient: str) -> int:
    """The messages parked for `recipient` go again (Teams: Nolan has just been installed for
    them), in the caller's transaction; returns how many."""
    return outbox.unpark(session, recipient=recipient)


def _descriptor(card: str, due_at: datetime, payload: dict[str, Any]) -> dict[str, Any]:
    return {"card": card, **payload, DUE_AT: due_at.astimezone(UTC).isoformat()}


def owe_once(
    session: Session, key: Key, card: str, *, due_at: datetime, **payload: Any
) -> int | None:
    """Owe the reminder `key` as {"card": card, **payload} to `key.recipient` (to_staff(id)
    or "channel:<id>"), for their working hours from `due_at` (the sweep's now; see
    bot.outbox.queue). Its id, or None if the key is already owed."""
    return reminders.queue_once(
        session, key=key, payload=_descriptor(card, due_at, payload), now=due_at
    )


def owe_unless_sent(
    db: Database,
    owed: Mapping[Key, int | None],
    key: Key,
    card: str,
    *,
    due_at: datetime,
    **payload: Any,
) -> int | None:
    """The message a run should count for `key`: the one still owed by an earlier run (to
    be tried again), else a new one owed in its own transaction; None if it was sent, or
    another sweep owes it. `owed`: storage.reminders.owed_keys, loaded once per run."""
    if key in owed:
        return owed[key]
    with db.session() as session:
        queued = owe_once(session, key, card, due_at=due_at, **payload)
        session.commit()
    return queued


def owe_list(
    session: Session,
    keys: Sequence[Key],
    card: str,
    *,
    recipient: str,
    due_at: datetime,
    payload: Callable[[list[Key]], dict[str, Any]],
) -> tuple[int | None, list[Key]]:
    """One message covering several reminders (a list for an officer): each key not yet
    owed becomes a line of it, and shares its outcome; `payload` draws the descriptor from
    the keys taken. The message's id (None when every key was already owed) and those keys."""
    message_id = outbox.queue(session, kind=card, subject="list", recipient=recipient, payload={})
    message = session.get(OutboxMessage, message_id)
    assert message is not None and message.id is not None
    taken = [
        key
        for key in keys
        if reminders.queue_once(session, key=key, payload=None, now=due_at, covered_by=message.id)
        is not None
    ]
    if not taken:
        session.delete(message)
        session.flush()
        return None, []
    message.payload = json.dumps(_descriptor(card, due_at, payload(taken)), sort_keys=True)
    session.add(message)
    session.flush()
    return message.id, taken
