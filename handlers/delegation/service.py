"""Delegations in the database: start one (items already waiting move to the deputy), end
one (what the deputy still holds goes back). Database only; the caller commits, then tells
people (handlers.approvals.chasing.announce_moves and the messages here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from bot import engine
from bot.engine import Moved
from bot.rules.delegation import Period
from bot.rules.roles import ApproverRole
from bot.rules.routing import Approver
from storage import audit, delegations
from storage.models import ApprovalStep, Declaration, Delegation, Staff


def _role(step: ApprovalStep) -> ApproverRole:
    try:
        return ApproverRole(step.role)
    except ValueError:
        return ApproverRole.LINE_MANAGER


def _excluded(session: Session, steps: Sequence[ApprovalStep]) -> dict[int, frozenset[int]]:
    """declaration id → people who may not decide it (the declarant, anyone named in it)."""
    ids = {s.declaration_id for s in steps}
    if not ids:
        return {}
    rows = session.exec(select(Declaration).where(col(Declaration.id).in_(ids)))
    return {
        d.id: frozenset({d.declarant_id, d.named_staff_id} - {None})  # type: ignore[misc]
        for d in rows
        if d.id is not None
    }


def hand_over(
    session: Session,
    *,
    delegator_id: int,
    deputy_id: int,
    why: str,
    actor_id: int | None,
    now: datetime,
) -> list[Moved]:
    """Move the delegator's waiting steps (their own, and any an earlier deputy holds) to the
    deputy — except where the deputy is the declarant or named in it: nobody decides their
    own, so those stay with the delegator."""
    steps = [
        s
        for s in delegations.waiting_for(session, delegator_id=delegator_id)
        if s.approver_id != deputy_id
    ]
    excluded = _excluded(session, steps)
    moves: list[Moved] = []
    for step in steps:
        if deputy_id in excluded.get(step.declaration_id, frozenset()):
            continue
        to = Approver(deputy_id, _role(step), delegated_from=delegator_id)
        moved = engine.move(session, step=step, to=to, why=why, actor_id=actor_id, now=now)
        if moved is not None:
            moves.append(moved)
    return moves


def hand_back(
    session: Session, *, delegator_id: int, why: str, actor_id: int | None, now: datetime
) -> list[Moved]:
    """Move what deputies still hold for the delegator back to them."""
    delegator = session.get(Staff, delegator_id)
    if delegator is None or not delegator.active:
        return []  # they have left: the deputy keeps it (reassignment is an admin's call)
    moves: list[Moved] = []
    for step in delegations.waiting_for(session, delegator_id=delegator_id):
        if step.delegated_from_id != delegator_id:
            continue  # already with them
        to = Approver(delegator_id, _role(step))
        moved = engine.move(session, step=step, to=to, why=why, actor_id=actor_id, now=now)
        if moved is not None:
            moves.append(moved)
    return moves


@dataclass(frozen=True)
class Started:
    delegation: Delegation
    moves: list[Moved] = field(default_factory=list)
    # Items an earlier deputy held that came back because the new delegation starts later.
    returned: list[Moved] = field(default_factory=list)


def start(
    session: Session,
    *,
    delegator: Staff,
    deputy: Staff,
    period: Period,
    today: date,
    now: datetime,
) -> Started:
    """Record the delegation (replacing any the delegator had) and, if it is in force
    today, move what is waiting to the deputy. The caller commits."""
    assert delegator.id is not None and deputy.id is not None
    replaced = delegations.open_for(session, delegator_id=delegator.id)
    delegation = delegations.create(
        session,
        delegator_id=delegator.id,
        deputy_id=deputy.id,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        now=now,
    )
    audit.record(
        session,
        action="delegated",
        actor_id=delegator.id,
        delegation_id=delegation.id,
        delegator_id=delegator.id,
        delegator=delegator.display_name,
        deputy_id=deputy.id,
        deputy=deputy.display_name,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        replaced=[d.id for d in replaced],
    )
    why = f"{delegator.display_name} has delegated their approvals until {period.ends_on:%d %b %Y}"
    if period.starts_on <= today:
        moves = hand_over(
            session,
            delegator_id=delegator.id,
            deputy_id=deputy.id,
            why=why,
            actor_id=delegator.id,
            now=now,
        )
        return Started(delegation, moves=moves)
    returned: list[Moved] = []
    if replaced:
        returned = hand_back(
            session,
            delegator_id=delegator.id,
            why=f"{delegator.display_name}'s earlier delegation was replaced",
            actor_id=delegator.id,
            now=now,
        )
    return Started(delegation, returned=returned)


@dataclass(frozen=True)
class Ended:
    delegation: Delegation
    moves: list[Moved]


def end(
    session: Session,
    *,
    delegation_id: int,
    actor_id: int | None,
    by_itself: bool,
    now: datetime,
) -> Ended | None:
    """End a delegation once (None if it already was) and move what its deputy still holds
    back. The caller commits."""
    delegation = delegations.get(session, delegation_id=delegation_id)
    if delegation is None or not delegations.end(session, delegation_id=delegation_id, at=now):
        return None
    delegator = session.get(Staff, delegation.delegator_id)
    name = delegator.display_name if delegator else "The approver"
    why = (
        f"{name}'s delegation ended on {delegation.ends_on:%d %b %Y}"
        if by_itself
        else f"{name} has ended their delegation"
    )
    moves = hand_back(
        session, delegator_id=delegation.delegator_id, why=why, actor_id=actor_id, now=now
    )
    audit.record(
        session,
        action="delegation_ended",
        actor_id=actor_id,
        delegation_id=delegation.id,
        delegator_id=delegation.delegator_id,
        deputy_id=delegation.deputy_id,
        ends_on=delegation.ends_on,
        by_itself=by_itself,
        moved_back=len(moves),
    )
    return Ended(delegation, moves)


@dataclass(frozen=True)
class Created:
    """A delegation safely stored, with who is to be told what."""

    delegator: Staff
    deputy: Staff
    period: Period
    today: date
    started: Started
