"""The outbox's records of what became of a message — sent, or failed, skipped, given up or
put back — made under the claim it was sent on (storage.outbox re-exports them). The sweep's
reminders claimed by natural key (storage.reminders, bot.ledger) end through them too."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, and_, bindparam, case, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from bot.rules.status import OutboxStatus
from storage.db import run
from storage.models import OutboxMessage
from storage.types import UTCDateTime

_HOLDER = OutboxMessage.__table__.alias("holder")  # type: ignore[attr-defined]
# A record of what became of a message is made only under the claim it was sent on: the row is
# still claimed with the claim's token (its `claimed_at`, as `outbox_pace.keep` checks). A claim
# taken over by another worker (stale, its send outlasting the lease) is that worker's to record:
# a late finisher's failure would set a sent message back to be sent again, its success mark
# sent a message the other is still sending. The lines a list covers follow their list's row.
_UNDER_CLAIM = or_(
    and_(
        col(OutboxMessage.id) == bindparam("message_id"),
        col(OutboxMessage.status) == OutboxStatus.CLAIMED,
        col(OutboxMessage.claimed_at) == bindparam("claim_token", type_=UTCDateTime()),
    ),
    and_(
        col(OutboxMessage.updates_id) == bindparam("message_id"),
        col(OutboxMessage.payload).is_(None),
        sa_select(_HOLDER.c.id)
        .where(
            _HOLDER.c.id == bindparam("message_id"),
            _HOLDER.c.status == OutboxStatus.CLAIMED,
            _HOLDER.c.claimed_at == bindparam("claim_token", type_=UTCDateTime()),
        )
        .exists(),
    ),
)

_MARK_SENT = (
    update(OutboxMessage)
    .where(_UNDER_CLAIM)
    .values(
        status=OutboxStatus.SENT,
        sent_at=bindparam("now", type_=UTCDateTime()),
        channel=bindparam("sent_channel"),
        ts=bindparam("sent_ts"),
        last_error=None,
    )
    .execution_options(synchronize_session=False)
)


def mark_sent(
    session: Session,
    *,
    reminder_id: int,
    claimed_at: datetime,
    now: datetime,
    channel: str | None,
    ts: str | None,
) -> bool:
    """Record a message (and the lines it covers) sent, under the claim taken at `claimed_at`;
    False, recording nothing, if that claim is no longer held (another worker took it over)."""
    marked = run(
        session,
        _MARK_SENT,
        {
            "message_id": reminder_id, "claim_token": claimed_at, "now": now,
            "sent_channel": channel, "sent_ts": ts,
        },
    )
    return bool(marked.rowcount)


_MARK_FAILED = (
    update(OutboxMessage)
    .where(_UNDER_CLAIM)
    .values(
        status=bindparam("new_status"),
        last_error=bindparam("error"),
        not_before=bindparam("retry_at", type_=UTCDateTime()),
        # The message's own descriptor only: the lines it covers have none, and must not.
        payload=case(
            (
                col(OutboxMessage.id) == bindparam("message_id"),
                func.coalesce(bindparam("kept_payload", type_=Text()), OutboxMessage.payload),
            ),
            else_=OutboxMessage.payload,
        ),
    )
    .execution_options(synchronize_session=False)
)


def mark_failed(
    session: Session, *, reminder_id: int, claimed_at: datetime, error: str,
    status: OutboxStatus = OutboxStatus.FAILED, not_before: datetime | None = None,
    payload: str | None = None,
) -> bool:
    """A failed attempt, tried again after `not_before` (or by the next sweep, for a
    reminder); dead or skipped end it. Under the claim taken at `claimed_at`, as `mark_sent`.
    `payload`: the message's descriptor anew (what went of a message in parts)."""
    marked = run(
        session,
        _MARK_FAILED,
        {
            "message_id": reminder_id,
            "claim_token": claimed_at,
            "new_status": status,
            "error": error[:2000],
            "retry_at": not_before,
            "kept_payload": payload,
        },
    )
    return bool(marked.rowcount)
