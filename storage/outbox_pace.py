"""The outbox's queries at the platform's pace (bot.pacing): which messages a worker may take
now, leaving out the conversations that are at their pace."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.rules.status import OutboxStatus
from storage.models import OutboxMessage
from storage.outbox import takeable


def _paced(paced_updates: bool) -> Any:
    """The messages the pace counts: all, or new messages only (a platform whose updates have
    limits of their own)."""
    return true() if paced_updates else col(OutboxMessage.updates_id).is_(None)


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
    original = aliased(OutboxMessage)
    settled = (OutboxStatus.SENT, OutboxStatus.SKIPPED, OutboxStatus.DEAD)
    query = (
        select(OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.updates_id)
        .outerjoin(original, col(original.id) == col(OutboxMessage.updates_id))
        .where(
            takeable(now, stale_after),
            or_(
                col(OutboxMessage.updates_id).is_(None),
                col(original.id).is_(None),
                col(original.status).in_(settled),
            ),
        )
    )
    if skip:
        query = query.where(
            ~and_(col(OutboxMessage.recipient).in_(list(skip)), _paced(paced_updates))
        )
    rows = session.exec(query.order_by(col(OutboxMessage.id)).limit(limit)).all()
    return [(row_id, recipient, updates is not None) for row_id, recipient, updates in rows]


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
    found = session.exec(
        select(OutboxMessage.recipient)
        .where(
            takeable(now, stale_after),
            col(OutboxMessage.recipient).in_(list(recipients)),
            _paced(paced_updates),
        )
        .distinct()
    ).all()
    return set(found)
