"""The outbox's queries at the platform's pace (bot.pacing): which messages a worker may take
now, leaving out the conversations that are at their pace; and keeping a claim that waited its
turn behind slow sends."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, or_, true, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.rules.status import OutboxStatus
from storage.db import run
from storage.models import OutboxMessage
from storage.outbox import TAKEABLE_NOW, takeable_params
from storage.types import UTCDateTime


def _paced(paced_updates: bool) -> Any:
    """The messages the pace counts: all, or new messages only (a platform whose updates have
    limits of their own)."""
    return true() if paced_updates else col(OutboxMessage.updates_id).is_(None)


# Built once for each shape (with or without conversations to skip; updates paced or not),
# their values bound at each call, and run as Core: the worker runs them at every pass.
@cache
def _due_to(skipping: bool, paced_updates: bool) -> Any:
    original = aliased(OutboxMessage)
    settled = (OutboxStatus.SENT, OutboxStatus.SKIPPED, OutboxStatus.DEAD)
    query = (
        select(OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.updates_id)
        .outerjoin(original, col(original.id) == col(OutboxMessage.updates_id))
        .where(
            TAKEABLE_NOW,
            or_(
                col(OutboxMessage.updates_id).is_(None),
                col(original.id).is_(None),
                col(original.status).in_(settled),
            ),
        )
    )
    if skipping:
        skip = bindparam("skip", expanding=True)
        query = query.where(~and_(col(OutboxMessage.recipient).in_(skip), _paced(paced_updates)))
    return query.order_by(col(OutboxMessage.id)).limit(bindparam("limit"))


def due_to(
    session: Session,
    *,
    now: datetime,
    stale_after: Any,
    limit: int,
    skip: Collection[str] = (),
    paced_updates: bool = True,
) -> list[tuple[int, str, bool]]:
    """The messages a worker may take now, oldest first, as (id, recipient, is an update),
    leaving out those to `skip` (conversations at their pace) that the pace counts, and updates
    still waiting for the message they update (so that they hold up nothing behind them)."""
    params = {**takeable_params(now, stale_after), "limit": limit}
    if skip:
        params["skip"] = list(skip)
    rows = run(session, _due_to(bool(skip), paced_updates), params).all()
    return [(row_id, recipient, updates is not None) for row_id, recipient, updates in rows]


@cache
def _due_among(paced_updates: bool) -> Any:
    return (
        select(OutboxMessage.recipient)
        .where(
            TAKEABLE_NOW,
            col(OutboxMessage.recipient).in_(bindparam("recipients", expanding=True)),
            _paced(paced_updates),
        )
        .distinct()
    )


def due_among(
    session: Session,
    *,
    now: datetime,
    stale_after: Any,
    recipients: Collection[str],
    paced_updates: bool = True,
) -> set[str]:
    """Which of `recipients` have a message the pace counts that a worker may take now."""
    if not recipients:
        return set()
    params = {**takeable_params(now, stale_after), "recipients": list(recipients)}
    return set(run(session, _due_among(paced_updates), params).scalars())


_KEEP = (
    update(OutboxMessage)
    .where(
        col(OutboxMessage.id) == bindparam("message_id"),
        col(OutboxMessage.status) == OutboxStatus.CLAIMED,
        col(OutboxMessage.claimed_at) == bindparam("claimed_at", type_=UTCDateTime()),
    )
    .values(claimed_at=bindparam("now", type_=UTCDateTime()))
    .execution_options(synchronize_session=False)
)


def keep(session: Session, *, message_id: int, claimed_at: datetime, now: datetime) -> bool:
    """Renew the claim taken at `claimed_at` (its token: a claim taken over is stamped later)
    as of `now`; False if it is no longer that claim (another worker took it, as stale)."""
    kept = run(session, _KEEP, {"message_id": message_id, "claimed_at": claimed_at, "now": now})
    return kept.rowcount == 1
