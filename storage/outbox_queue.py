"""Owing a message in the caller's transaction (storage.outbox's queueing, re-exported
there): `queue` adds one; `queue_unless_waiting` adds one unless the same is still waiting,
due at once or a moment later (so that the changes of that moment merge into it); `hurry`
brings such a moment forward."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, bindparam, exists, insert, literal, update
from sqlmodel import Session, col, select

from bot.rules.status import OutboxStatus
from storage import touched
from storage.db import run
from storage.models import OutboxMessage
from storage.types import UTCDateTime, utcnow

# Not yet in a worker's hands: drawn from the latest state whenever it goes.
# Parked (Teams: Nolan not installed for them yet) counts too: it goes, drawn afresh, once
# they install Nolan.
WAITING = (OutboxStatus.QUEUED, OutboxStatus.FAILED, OutboxStatus.PARKED)


_QUEUE = insert(OutboxMessage.__table__).returning(  # type: ignore[attr-defined]
    OutboxMessage.__table__.c.id  # type: ignore[attr-defined]
)


# Several rows in one INSERT … VALUES (…), (…). Without RETURNING: SQLite cannot tie new ids
# to the rows given, so SQLAlchemy would send a RETURNING one row at a time.
_QUEUE_ALL = insert(OutboxMessage.__table__)  # type: ignore[attr-defined]


def _row(
    *, kind: str, subject: str, recipient: str, payload: dict[str, Any],
    updates_id: int | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "subject": subject,
        "recipient": recipient,
        "status": OutboxStatus.QUEUED.value,
        "attempts": 0,
        "claimed_at": None,
        "payload": json.dumps(payload, sort_keys=True),
        "updates_id": updates_id,
        "created_at": utcnow(),
    }


def queue(
    session: Session,
    *,
    kind: str,
    subject: str,
    recipient: str,
    payload: dict[str, Any],
    updates_id: int | None = None,
) -> int:
    """Owe a message: it goes when the caller's transaction commits, never if it rolls back.
    Returns its id. One Core INSERT, no ORM object (several a declaration and a decision)."""
    row = _row(
        kind=kind, subject=subject, recipient=recipient, payload=payload, updates_id=updates_id
    )
    message_id = int(run(session, _QUEUE, row).scalar_one())
    touched.note_queued(session)  # no ORM object for storage.touched to see: it is told
    return message_id


def queue_all(session: Session, messages: list[dict[str, Any]]) -> None:
    """`queue` each of `messages` (its keyword arguments) in one statement, in the order
    given (the rows take their ids in it, and the worker sends a conversation's messages in
    the order of their ids)."""
    if messages:
        run(session, _QUEUE_ALL, [_row(**message) for message in messages])
        touched.note_queued(session)


def _queue_unless_waiting() -> Any:
    """queue_unless_waiting's INSERT … SELECT, built once (every change owes Home refreshes
    through it): the row's values bound at each call."""
    kind, subject = bindparam("q_kind", type_=String()), bindparam("q_subject", type_=String())
    waiting = exists().where(
        col(OutboxMessage.kind) == kind,
        col(OutboxMessage.subject) == subject,
        col(OutboxMessage.status).in_(WAITING),
        col(OutboxMessage.payload).is_not(None),
    )
    values = {
        "kind": kind,
        "subject": subject,
        "recipient": bindparam("q_recipient", type_=String()),
        "status": literal(OutboxStatus.QUEUED.value),
        "attempts": literal(0),
        "payload": bindparam("q_payload", type_=String()),
        "claimed_at": literal(None, UTCDateTime()),
        "created_at": bindparam("q_created_at", type_=UTCDateTime()),
        "not_before": bindparam("q_not_before", type_=UTCDateTime()),
    }
    # On the table, not the model: the ORM would take bound values for a bulk insert.
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    columns = [table.c[name] for name in values]
    return (
        insert(table)
        .from_select(columns, select(*values.values()).where(~waiting))
        .returning(table.c.id)
    )


_QUEUE_UNLESS_WAITING = _queue_unless_waiting()


def queue_unless_waiting(
    session: Session,
    *,
    kind: str,
    subject: str,
    recipient: str,
    payload: dict[str, Any],
    not_before: datetime | None = None,
) -> bool:
    """Owe a message unless one of this kind about this subject is still waiting to be taken
    (queued, or in back-off): drawn when it goes, that one will show this change too. One
    already in a worker's hands does not count — it may have been drawn before the change.
    `not_before`: due then rather than at once, so that what changes until then merges into
    it (a Home refresh: one publish for a burst of changes).
    One statement (the (kind, subject, …) unique index finds the waiting one); True if queued.
    Two transactions racing may both queue: one message more, never one fewer."""
    # RETURNING rather than rowcount, which psycopg does not report for an INSERT … SELECT.
    added = run(
        session,
        _QUEUE_UNLESS_WAITING,
        {
            "q_kind": kind,
            "q_subject": subject,
            "q_recipient": recipient,
            "q_payload": json.dumps(payload, sort_keys=True),
            "q_created_at": utcnow(),
            "q_not_before": not_before,
        },
    ).first()
    if added is not None:  # no ORM object for storage.touched to see: it is told
        touched.note_queued(session)
    return added is not None


_HURRY = (
    update(OutboxMessage)
    .where(
        col(OutboxMessage.status) == OutboxStatus.QUEUED,
        col(OutboxMessage.payload).is_not(None),
        col(OutboxMessage.not_before) > bindparam("now", type_=UTCDateTime()),
        col(OutboxMessage.not_before) <= bindparam("until", type_=UTCDateTime()),
    )
    .values(not_before=None)
    .execution_options(synchronize_session=False)
)


def hurry(session: Session, *, now: datetime, within: timedelta) -> int:
    """The queued messages due within `within` of `now` (those queued a moment later to merge
    changes) are due at once, in the caller's transaction: for an idle barrier, which should
    not wait out the moment. Held messages (until someone's working hours) are hours away and
    stay. Returns how many."""
    return int(run(session, _HURRY, {"now": now, "until": now + within}).rowcount)
