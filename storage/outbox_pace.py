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


def _paced(paced_updates: bool, unpaced: frozenset[str]) -> Any:
    """The messages the pace counts: all, or new messages only (a platform whose updates have
    limits of their own), less the kinds it does not count (bot.pacing.Pace.unpaced)."""
    counted = [] if paced_updates else [col(OutboxMessage.updates_id).is_(None)]
    if unpaced:
        counted.append(col(OutboxMessage.kind).not_in(sorted(unpaced)))
    return and_(*counted) if counted else true()


# Built once for each shape (with or without conversations to skip; updates paced or not),
# their values bound at each call, and run as Core: the worker runs them at every pass.
def _held(holding_updates: bool, holding_kinds: bool) -> list[Any]:
    """The messages of the tiers held (bot.pacing.Pace.tiers): updates, or new messages of
    the kinds bound as `held_kinds`."""
    is_new = col(OutboxMessage.updates_id).is_(None)
    held = [~is_new] if holding_updates else []
    if holding_kinds:
        held.append(and_(col(OutboxMessage.kind).in_(bindparam("held_kinds", expanding=True)),
                         is_new))
    return held


@cache
def _due_to(
    skipping: bool,
    paced_updates: bool,
    unpaced: frozenset[str],
    holding_updates: bool = False,
    holding_kinds: bool = False,
) -> Any:
    original = aliased(OutboxMessage)
    settled = (OutboxStatus.SENT, OutboxStatus.SKIPPED, OutboxStatus.DEAD)
    query = (
        select(
            OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.kind, OutboxMessage.updates_id
        )
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
        counted = _paced(paced_updates, unpaced)
        query = query.where(~and_(col(OutboxMessage.recipient).in_(skip), counted))
    held = _held(holding_updates, holding_kinds)
    if held:
        query = query.where(~or_(*held))
    return query.order_by(col(OutboxMessage.id)).limit(bindparam("limit"))


def due_to(
    session: Session,
    *,
    now: datetime,
    stale_after: Any,
    limit: int,
    skip: Collection[str] = (),
    paced_updates: bool = True,
    unpaced: frozenset[str] = frozenset(),
    held_updates: bool = False,
    held_kinds: Collection[str] = (),
) -> list[tuple[int, str, str, bool]]:
    """The messages a worker may take now, oldest first, as (id, recipient, kind, is an
    update), leaving out those to `skip` (conversations at their pace) that the pace counts
    (`paced_updates`, `unpaced`: as bot.pacing.Pace's `updates` and `unpaced`),
    those of the tiers held (`held_updates`: every update; `held_kinds`: new messages of
    these kinds), and updates still waiting for the message they update (so that they hold
    up nothing behind them)."""
    params = {**takeable_params(now, stale_after), "limit": limit}
    if skip:
        params["skip"] = list(skip)
    if held_kinds:
        params["held_kinds"] = list(held_kinds)
    query = _due_to(bool(skip), paced_updates, unpaced, held_updates, bool(held_kinds))
    rows = run(session, query, params).all()
    return [(row_id, to, kind, updates is not None) for row_id, to, kind, updates in rows]


@cache
def _due_held(holding_updates: bool, holding_kinds: bool) -> Any:
    is_update = col(OutboxMessage.updates_id).is_not(None)
    return (
        select(OutboxMessage.kind, is_update)
        .where(TAKEABLE_NOW, or_(*_held(holding_updates, holding_kinds)))
        .distinct()
    )


def due_held(
    session: Session,
    *,
    now: datetime,
    stale_after: Any,
    held_updates: bool = False,
    held_kinds: Collection[str] = (),
) -> set[tuple[str, bool]]:
    """Of the tiers held (as `due_to` takes them), which have a message a worker could take
    now but for its tier: as (kind, is an update) pairs."""
    if not held_updates and not held_kinds:
        return set()
    params = takeable_params(now, stale_after)
    if held_kinds:
        params = {**params, "held_kinds": list(held_kinds)}
    rows = run(session, _due_held(held_updates, bool(held_kinds)), params).all()
    return {(kind, bool(is_update)) for kind, is_update in rows}


@cache
def _due_among(paced_updates: bool, unpaced: frozenset[str]) -> Any:
    return (
        select(OutboxMessage.recipient)
        .where(
            TAKEABLE_NOW,
            col(OutboxMessage.recipient).in_(bindparam("recipients", expanding=True)),
            _paced(paced_updates, unpaced),
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
    unpaced: frozenset[str] = frozenset(),
) -> set[str]:
    """Which of `recipients` have a message the pace counts that a worker may take now."""
    if not recipients:
        return set()
    params = {**takeable_params(now, stale_after), "recipients": list(recipients)}
    return set(run(session, _due_among(paced_updates, unpaced), params).scalars())


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
