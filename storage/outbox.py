"""The outbox's SQL: queue a message in the caller's transaction, take it (once, across
workers and processes), and record what became of it, under its claim (storage.outbox_records,
re-exported). The sweep's reminders claim their rows by natural key (storage.reminders); both
end through `mark_sent` / `mark_failed`.

A message's `payload` is a platform-neutral descriptor — e.g. {"card": "approval",
"step_id": 12} — that the platform's adapter renders from the database's state when it sends.
That is why an update of a card can be queued as often as the card changes and still be
idempotent: whichever update goes last draws the latest state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.rules.status import OutboxStatus
from storage import touched
from storage.db import run
from storage.models import OutboxMessage

# Queueing is the outbox's too (storage.outbox_queue), re-exported here.
from storage.outbox_queue import WAITING as WAITING
from storage.outbox_queue import hurry as hurry
from storage.outbox_queue import queue as queue
from storage.outbox_queue import queue_all as queue_all
from storage.outbox_queue import queue_unless_waiting as queue_unless_waiting

# So are the records of what became of a message (storage.outbox_records).
from storage.outbox_records import mark_failed as mark_failed
from storage.outbox_records import mark_sent as mark_sent
from storage.types import UTCDateTime

# What a worker may still do something about.
PENDING = (OutboxStatus.QUEUED, OutboxStatus.FAILED, OutboxStatus.CLAIMED)


def latest(
    session: Session, *, kind: str, subject: str, sent: bool = False
) -> OutboxMessage | None:
    """The newest message of this kind about this subject (e.g. a step's card); with `sent`,
    the newest already sent — where a card to update in place went (Teams' Home card: the
    refresh being sent is itself the newest)."""
    query = select(OutboxMessage).where(
        OutboxMessage.kind == kind, OutboxMessage.subject == subject
    )
    if sent:
        query = query.where(col(OutboxMessage.status) == OutboxStatus.SENT)
    return session.exec(query.order_by(col(OutboxMessage.id).desc())).first()


_NEWEST_ABOUT = (
    sa_select(OutboxMessage.id, OutboxMessage.recipient)
    .where(
        col(OutboxMessage.kind) == bindparam("kind"),
        col(OutboxMessage.subject) == bindparam("subject"),
    )
    .order_by(col(OutboxMessage.id).desc())
    .limit(1)
)


def newest_about(session: Session, *, kind: str, subject: str) -> tuple[int, str] | None:
    """`latest`'s id and recipient alone (a decision's card to update: every decision)."""
    found = run(session, _NEWEST_ABOUT, {"kind": kind, "subject": subject}).first()
    return (found.id, found.recipient) if found is not None else None


def last_sent(session: Session, *, kind: str, subject: str) -> OutboxMessage | None:
    """The newest message of this kind about this subject that went and has a place to be
    updated at (an update records the place of the message it replaced): e.g. a person's
    current Home card on Teams."""
    return session.exec(
        _sent_about(kind, subject)
        .where(col(OutboxMessage.channel).is_not(None), col(OutboxMessage.ts).is_not(None))
        .order_by(col(OutboxMessage.id).desc())
    ).first()


def _sent_about(kind: str, subject: str) -> SelectOfScalar[OutboxMessage]:
    """The messages of this kind about this subject that reached the platform."""
    return select(OutboxMessage).where(
        OutboxMessage.kind == kind,
        OutboxMessage.subject == subject,
        OutboxMessage.status == OutboxStatus.SENT,
    )


def on_its_way(session: Session, *, kind: str, subject: str) -> bool:
    """Is the newest such message still to be sent (queued, in hand, or in back-off)?"""
    newest = latest(session, kind=kind, subject=subject)
    return newest is not None and newest.status in PENDING


def _stale(stale_before: Any) -> Any:
    return (col(OutboxMessage.status) == OutboxStatus.CLAIMED) & (
        col(OutboxMessage.claimed_at) < stale_before
    )


def _takeable(now: Any, stale_before: Any) -> Any:
    ready = or_(col(OutboxMessage.not_before).is_(None), col(OutboxMessage.not_before) <= now)
    return and_(
        col(OutboxMessage.payload).is_not(None),
        or_(
            and_(col(OutboxMessage.status).in_((OutboxStatus.QUEUED, OutboxStatus.FAILED)), ready),
            _stale(stale_before),
        ),
    )


def takeable(now: datetime, stale_after: Any) -> Any:
    """The messages a worker may take at `now`: queued or in back-off and due, or claimed by
    a worker longer ago than `stale_after` (it died)."""
    return _takeable(now, now - stale_after)


# The delivery worker's statements are built once, their values bound at each call: building
# a statement and its cache key cost the worker more than running it did (issue 10).
TAKEABLE_NOW = _takeable(
    bindparam("now", type_=UTCDateTime()), bindparam("stale_before", type_=UTCDateTime())
)


def takeable_params(now: datetime, stale_after: Any) -> dict[str, Any]:
    """The values TAKEABLE_NOW binds."""
    return {"now": now, "stale_before": now - stale_after}


def due(session: Session, *, now: datetime, stale_after: Any, limit: int) -> list[int]:
    """Ids of the queued messages a worker may take now, oldest first."""
    return list(
        session.exec(
            select(OutboxMessage.id)
            .where(takeable(now, stale_after))
            .order_by(col(OutboxMessage.id))
            .limit(limit)
        ).all()
    )


def _taking(which: Any) -> Any:
    return (
        update(OutboxMessage)
        .where(which, TAKEABLE_NOW)
        .values(
            status=OutboxStatus.CLAIMED,
            claimed_at=bindparam("now", type_=UTCDateTime()),
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )


_TAKE = _taking(col(OutboxMessage.id) == bindparam("message_id"))
_TAKE_ALL = _taking(col(OutboxMessage.id).in_(bindparam("ids", expanding=True))).returning(
    col(OutboxMessage.id)
)


_MESSAGES = OutboxMessage.__table__  # type: ignore[attr-defined]
_ORIGINAL = _MESSAGES.alias("original")
_CLAIMING = sa_select(
    _MESSAGES.c.id, _MESSAGES.c.kind, _MESSAGES.c.subject, _MESSAGES.c.recipient,
    _MESSAGES.c.payload, _MESSAGES.c.attempts, _MESSAGES.c.updates_id,
    _ORIGINAL.c.status.label("original_status"),
    _ORIGINAL.c.channel.label("original_channel"), _ORIGINAL.c.ts.label("original_ts"),
).select_from(_MESSAGES.outerjoin(_ORIGINAL, _ORIGINAL.c.id == _MESSAGES.c.updates_id))
_CLAIMABLE_AMONG = _CLAIMING.where(_MESSAGES.c.id.in_(bindparam("ids", expanding=True)))


def claimable_among(session: Session, *, ids: list[int]) -> dict[int, Any]:
    """The messages `ids` as a worker claims them, by id, in one statement (a pass's batch),
    each with the state of the message it updates (its `original_*` columns: None when there
    is none, or it has gone); a message that has gone is left out."""
    return {row.id: row for row in run(session, _CLAIMABLE_AMONG, {"ids": ids})}


def take_all(session: Session, *, ids: list[int], now: datetime, stale_after: Any) -> set[int]:
    """Claim the queued messages `ids` in one statement, as `take` claims one; the ids taken
    (not those another worker has, or that are done)."""
    taken = run(session, _TAKE_ALL, {"ids": ids, **takeable_params(now, stale_after)})
    return set(taken.scalars())


def take(session: Session, *, message_id: int, now: datetime, stale_after: Any) -> bool:
    """Claim one queued message; False if another worker has it or it is done. The caller
    commits before sending, so every other worker sees the claim."""
    taken = run(
        session,
        _TAKE, {"message_id": message_id, **takeable_params(now, stale_after)}
    )
    return taken.rowcount == 1


def release(session: Session, *, claimed_before: datetime) -> int:
    """Put back the claims taken before `claimed_before` by a worker known to be dead (the
    delivery process started in place of one that died: bot.delivery_process), due at once
    rather than after STALE_CLAIM; how many. The caller commits."""
    released = session.execute(
        update(OutboxMessage)
        .where(_stale(claimed_before))
        .values(status=OutboxStatus.QUEUED)
        .execution_options(synchronize_session=False)
    )
    return released.rowcount


def hold(
    session: Session, *, message_id: int, until: datetime, now: datetime, stale_after: Any
) -> bool:
    """Keep a queued message back until `until` (a platform without scheduled messages, outside
    the recipient's working hours); False if another worker has it or it is done. A stale
    claim goes back to the queue."""
    held = run(
        session,
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, takeable(now, stale_after))
        .values(
            not_before=until,
            status=case(
                (col(OutboxMessage.status) == OutboxStatus.CLAIMED, OutboxStatus.QUEUED),
                else_=col(OutboxMessage.status),
            ),
        )
        .execution_options(synchronize_session=False)
    )
    return held.rowcount == 1


def waiting(session: Session, *, now: datetime | None = None) -> int:
    """How many queued messages are not yet sent, skipped or given up; with `now`, leaving
    out those held for later (`hold`), which no pass before then will send."""
    pending = [col(OutboxMessage.payload).is_not(None), col(OutboxMessage.status).in_(PENDING)]
    if now is not None:
        pending.append(
            or_(
                col(OutboxMessage.status) != OutboxStatus.QUEUED,
                col(OutboxMessage.not_before).is_(None),
                col(OutboxMessage.not_before) <= now,
            )
        )
    return session.exec(select(func.count()).select_from(OutboxMessage).where(*pending)).one()


def next_try(session: Session) -> datetime | None:
    """When the earliest message in back-off, or held, may be tried again."""
    return session.exec(
        select(func.min(OutboxMessage.not_before)).where(
            col(OutboxMessage.payload).is_not(None),
            col(OutboxMessage.status).in_((OutboxStatus.FAILED, OutboxStatus.QUEUED)),
        )
    ).one()


def retry_now(session: Session, *, ids: list[int]) -> None:
    """Try these failed messages again now, given up ones included: a sweep's reminders,
    which each run retries once, as the next run always has (someone invited Nolan to the
    channel, an account came back)."""
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id).in_(ids),
            col(OutboxMessage.payload).is_not(None),
            col(OutboxMessage.status).in_((OutboxStatus.FAILED, OutboxStatus.DEAD)),
        )
        .values(status=OutboxStatus.FAILED, not_before=None)
        .execution_options(synchronize_session=False)
    )


def by_ids(session: Session, *, ids: list[int]) -> dict[int, OutboxMessage]:
    """The messages with these ids (what became of them)."""
    if not ids:
        return {}
    rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))).all()
    return {row.id: row for row in rows if row.id is not None}


@dataclass(frozen=True)
class State:
    """Where a queued message stands, and the platform's last error."""

    status: OutboxStatus
    error: str | None

    @property
    def failed(self) -> bool:
        """Tried and refused: waiting to be tried again, or given up."""
        return self.status in (OutboxStatus.FAILED, OutboxStatus.DEAD)


def states(session: Session, *, ids: list[int]) -> dict[int, State]:
    """The state of each of these messages, in one query."""
    if not ids:
        return {}
    rows = session.exec(
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.last_error).where(
            col(OutboxMessage.id).in_(ids)
        )
    ).all()
    return {row_id: State(OutboxStatus(status), error) for row_id, status, error in rows}


# Run on each person's first activity from a new place, and on every install: built once.
_UNPARK = (
    update(_MESSAGES)
    .where(
        _MESSAGES.c.recipient == bindparam("to"),
        _MESSAGES.c.status == OutboxStatus.PARKED,
    )
    .values(status=OutboxStatus.QUEUED, not_before=None, claimed_at=None)
)


def unpark(session: Session, *, recipient: str) -> int:
    """Queue again the messages parked for `recipient`; returns how many."""
    moved: int = run(session, _UNPARK, {"to": recipient}).rowcount
    if moved:
        touched.note_queued(session)
    return moved


def sent(session: Session, *, kind: str, subject: str) -> list[OutboxMessage]:
    """Every message of this kind about this subject that reached the platform, oldest first,
    with where it went (`channel`, `ts`): each copy of a card, to update them all."""
    return list(
        session.exec(
            _sent_about(kind, subject)
            .where(col(OutboxMessage.ts).is_not(None))
            .order_by(col(OutboxMessage.id))
        ).all()
    )


# Built once: every Teams press on a card asks it, to answer with the card redrawn in place.
_COPY_AT = sa_select(OutboxMessage.id).where(
    col(OutboxMessage.kind) == bindparam("kind"),
    col(OutboxMessage.subject) == bindparam("subject"),
    col(OutboxMessage.status) == OutboxStatus.SENT,
    col(OutboxMessage.ts) == bindparam("ts"),
).limit(1)
_RECIPIENTS_COPY_AT = _COPY_AT.where(col(OutboxMessage.recipient) == bindparam("recipient"))


def copy_at(
    session: Session, *, kind: str, subject: str, ts: str | None, recipient: str | None = None
) -> bool:
    """Is the message at `ts` a copy of this kind about this subject that reached the
    platform (and `recipient`'s, if given)? One row's id read, not every copy loaded."""
    if not ts:
        return False
    where = {"kind": kind, "subject": subject, "ts": ts}
    if recipient is None:
        return run(session, _COPY_AT, where).first() is not None
    return run(session, _RECIPIENTS_COPY_AT, {**where, "recipient": recipient}).first() is not None


def updates_of(session: Session, *, message_id: int, kind: str) -> list[OutboxMessage]:
    """The updates of this kind queued for a message, oldest first (e.g. what answered it)."""
    return list(
        session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.updates_id == message_id, OutboxMessage.kind == kind)
            .order_by(col(OutboxMessage.id))
        ).all()
    )


def parked(session: Session) -> dict[str, int]:
    """The recipients whose messages are parked (Teams: Nolan not installed for them), with
    how many each, most first."""
    rows = session.exec(
        select(OutboxMessage.recipient, func.count())
        .where(col(OutboxMessage.status) == OutboxStatus.PARKED)
        .group_by(col(OutboxMessage.recipient))
        .order_by(func.count().desc(), col(OutboxMessage.recipient))
    ).all()
    return {recipient: int(n) for recipient, n in rows}
