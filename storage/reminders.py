"""The reminder ledger: one row of the outbox per natural key (kind, subject, recipient,
due date).

Claiming inserts the row; the unique key lets only one sweep — of however many processes
share the database — claim a reminder. A claim that failed to send, or was left behind by a
sweep that died between claiming and sending, can be claimed again by a later run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from bot.rules.status import ReminderStatus
from storage import touched
from storage.db import conflict_insert
from storage.models import Reminder, Staff
from storage.outbox import mark_failed, mark_sent

__all__ = [
    "STALE_CLAIM",
    "Key",
    "mark_failed",
    "mark_sent",
    "queue_once",
    "sent_keys",
]

# Recipients as the outbox names them ("staff:12", "channel:C0…"); before, a Slack id.
NAMED = ("staff:", "channel:", "teams:")

# A claim older than this that never became "sent" belongs to a sweep that died mid-send.
STALE_CLAIM = timedelta(minutes=10)


@dataclass(frozen=True)
class Key:
    kind: str
    subject: str
    recipient: str
    due_on: date


def _insert_key(session: Session, key: Key, **values: Any) -> int | None:
    """Insert the row of `key` unless it exists: its id, or None."""
    inserted = session.execute(
        conflict_insert(session, Reminder)
        .values(
            kind=key.kind, subject=key.subject, recipient=key.recipient, due_on=key.due_on, **values
        )
        .on_conflict_do_nothing(index_elements=["kind", "subject", "recipient", "due_on"])
        .returning(Reminder.id)
    ).scalar()
    return int(inserted) if inserted is not None else None


def queue_once(
    session: Session,
    *,
    key: Key,
    payload: dict[str, Any] | None,
    now: datetime,
    covered_by: int | None = None,
) -> int | None:
    """Owe the reminder `key` as a queued message of the outbox, sent by the delivery worker
    after the caller commits; None if that key is already owed (queued, sent or failed: the
    worker retries it), so a rerun, a restart or a second process owes nothing new.
    `covered_by`: the key is one line of another message (a list), which carries the payload
    and whose outcome it shares (storage.outbox.mark_sent / mark_failed)."""
    queued = _insert_key(
        session,
        key,
        status=ReminderStatus.QUEUED,
        attempts=0,
        claimed_at=None,
        created_at=now,
        payload=json.dumps(payload, sort_keys=True) if payload is not None else None,
        updates_id=covered_by,
    )
    if queued is not None and payload is not None:  # a message to send: the worker woken
        touched.note_queued(session)  # on commit (an INSERT no ORM flush sees)
    return queued


def owed_keys(session: Session, *, kinds: tuple[str, ...], since: date) -> dict[Key, int | None]:
    """Keys already owed in any state, in one query, so a job skips them without drawing
    anything: each with the id of its message if that is still to be sent (queued, failed,
    or given up: a list's line gives its list's), else None."""
    rows = session.exec(
        select(Reminder).where(col(Reminder.kind).in_(kinds), Reminder.due_on >= since)
    ).all()
    pending = (
        ReminderStatus.QUEUED,
        ReminderStatus.CLAIMED,
        ReminderStatus.FAILED,
        ReminderStatus.DEAD,  # given up by the outbox; each sweep tries a reminder once more
    )
    owed = {
        Key(r.kind, r.subject, r.recipient, r.due_on): (
            (r.id if r.payload is not None else r.updates_id) if r.status in pending else None
        )
        for r in rows
        if r.due_on is not None
    }
    owed.update(_sent_to_slack_ids(session, rows))
    return owed


def _sent_to_slack_ids(session: Session, rows: Sequence[Reminder]) -> dict[Key, None]:
    """Reminders sent before the ledger named recipients as the outbox does (a person by
    staff id, bot.outbox.to_staff; a channel as "channel:<id>"), by their Slack id: their
    key under the new name too, so a job keying by it does not send them again."""
    legacy = {
        r.recipient
        for r in rows
        if r.status == ReminderStatus.SENT and not r.recipient.startswith(NAMED)
    }
    if not legacy:
        return {}
    ids = dict(
        session.exec(
            select(Staff.slack_user_id, Staff.id).where(col(Staff.slack_user_id).in_(legacy))
        ).all()
    )
    renamed: dict[Key, None] = {}
    for r in rows:
        if r.due_on is None or r.status != ReminderStatus.SENT or r.recipient not in legacy:
            continue
        person = ids.get(r.recipient)
        named = f"staff:{person}" if person is not None else f"channel:{r.recipient}"
        renamed[Key(r.kind, r.subject, named, r.due_on)] = None
    return renamed


def id_of(session: Session, *, key: Key) -> int | None:
    """The id of the message owed under `key` (to update it in place), if any."""
    return session.exec(
        select(Reminder.id).where(
            Reminder.kind == key.kind,
            Reminder.subject == key.subject,
            Reminder.recipient == key.recipient,
            Reminder.due_on == key.due_on,
        )
    ).first()


def sent_keys(session: Session, *, kinds: tuple[str, ...], since: date) -> set[Key]:
    """Keys already sent (in one query), so a job can skip them without claiming."""
    rows = session.exec(
        select(Reminder.kind, Reminder.subject, Reminder.recipient, Reminder.due_on).where(
            col(Reminder.kind).in_(kinds),
            Reminder.status == ReminderStatus.SENT,
            Reminder.due_on >= since,
        )
    ).all()
    return {Key(*row) for row in rows}


def any_sent(session: Session, *, kind: str, due_on: date) -> bool:
    """Whether a reminder of `kind` due on `due_on` reached anyone (e.g. the year's annual
    declaration, not sent for a year whose day passed before Nolan was installed)."""
    found = session.exec(_SENT_ONE, params={"kind": kind, "due_on": due_on}).first()
    return found is not None


_SENT_ONE = select(Reminder.id).where(
    col(Reminder.kind) == bindparam("kind"),
    col(Reminder.due_on) == bindparam("due_on"),
    col(Reminder.status) == ReminderStatus.SENT,
)
