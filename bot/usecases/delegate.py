"""Delegation (issue 3): an approver hands their approvals to a deputy for a period; items
already waiting move to the deputy, and come back when it ends (early, or by itself after its
last day). Each use case is one transaction with its audit entries and the messages it owes
queued in the outbox: the deputy's notice, the delegator's confirmation or notice, and the
cards that move (bot.usecases.moves). Each platform draws them by name (Slack:
handlers/delegation/cards.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlmodel import Session

from bot import engine
from bot.engine import Moved
from bot.outbox import owe
from bot.rules import delegation as rules
from bot.rules.delegation import Period
from bot.rules.roles import ApproverRole
from bot.rules.routing import Approver
from bot.ui.text import long_day
from bot.usecases.moves import Because, Owed, owe_moves
from storage import declarations, delegations, staff
from storage.models import ApprovalStep, Delegation, Staff

# The messages a delegation owes, drawn by each platform.
DEPUTY_NOTICE = "delegation_deputy"  # to the deputy, when it is made
CONFIRMED = "delegation_confirmed"  # to the delegator, when made from the form
ENDED = "delegation_ended"  # to the deputy (and to the delegator, when it ended by itself)


def _role(step: ApprovalStep) -> ApproverRole:
    try:
        return ApproverRole(step.role)
    except ValueError:
        return ApproverRole.LINE_MANAGER


def _held(session: Session, steps: list[ApprovalStep]) -> None:
    """The declarations of steps about to move, held as a decision holds one (each move is
    conditional on the step as read: one decided meanwhile stays where it is)."""
    declarations.lock(session, [s.declaration_id for s in steps])


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
    _held(session, steps)
    excluded = delegations.excluded_deciders(session, ids={s.declaration_id for s in steps})
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
    steps = delegations.waiting_for(session, delegator_id=delegator_id)
    _held(session, steps)
    for step in steps:
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
    delegations.audited(
        session,
        delegation,
        action="delegated",
        actor_id=delegator.id,
        delegator=delegator.display_name,
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
    owed: list[Owed] = field(default_factory=list)  # the messages it owes, once queued


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
    delegations.audited(
        session,
        delegation,
        action="delegation_ended",
        actor_id=actor_id,
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


def _subject(delegation: Delegation) -> str:
    return f"delegation:{delegation.id}"


def delegate(
    session: Session,
    *,
    delegator: Staff,
    deputy_id: int | None,
    deputy_chosen: bool,
    starts_on: date | None,
    ends_on: date | None,
    today: date,
    now: datetime,
    confirm: bool,
) -> Created:
    """Validate (raises rules.InvalidDelegation, its errors keyed by field), store, move what
    is waiting, and owe the deputy's notice, the moved cards and — `confirm`, when nothing else
    tells the delegator (a form closed by its ack) — the delegator's confirmation. Commits.
    `deputy_id` None: nobody chosen, or someone not in the org chart (`deputy_chosen`)."""
    assert delegator.id is not None
    deputy = staff.by_id(session, staff_id=deputy_id) if deputy_id is not None else None
    away = None
    if deputy is not None and deputy.id is not None:
        theirs = delegations.current_for(session, delegator_id=deputy.id, on=today)
        away = (theirs.deputy_id, theirs.ends_on) if theirs else None
    period = rules.validate(
        rules.DelegationRequest(
            delegator_id=delegator.id,
            deputy_id=deputy.id if deputy else None,
            deputy_chosen=deputy_chosen,
            starts_on=starts_on,
            ends_on=ends_on,
            deputy_away=away,
        ),
        today,
    )
    assert deputy is not None and deputy.id is not None
    started = start(
        session, delegator=delegator, deputy=deputy, period=period, today=today, now=now
    )
    delegation = started.delegation
    details = {"delegation_id": delegation.id, "moved": len(started.moves), "today": str(today)}
    owe(session, DEPUTY_NOTICE, deputy.id, about=_subject(delegation), **details)
    if confirm:
        owe(session, CONFIRMED, delegator.id, about=_subject(delegation), **details)
    why = f"delegated by {delegator.display_name} until {long_day(period.ends_on)}"
    owe_moves(session, started.moves, why=why, because=Because.DELEGATION)
    owe_moves(
        session,
        started.returned,
        why="the earlier delegation was replaced",
        because=Because.DELEGATION,
    )
    session.commit()
    return Created(delegator, deputy, period, today, started)


def _owe_ended(session: Session, ended: Ended, *, by_itself: bool) -> Ended:
    """The deputy is told (and the delegator, when it ended by itself: nobody asked them);
    the deputy's cards lose their buttons and the delegator gets them back."""
    delegation = ended.delegation
    details = {"delegation_id": delegation.id, "moved": len(ended.moves), "by_itself": by_itself}
    told = [("deputy", delegation.deputy_id)]
    if by_itself:
        told.append(("delegator", delegation.delegator_id))
    owed = [
        Owed(
            owe(session, ENDED, staff_id, about=_subject(delegation), told=who, **details),
            f"tell the {who} that delegation {delegation.id} ended",
        )
        for who, staff_id in told
    ]
    deputy = staff.by_id(session, staff_id=delegation.deputy_id)
    why = f"the delegation to {deputy.display_name if deputy else 'your deputy'} has ended"
    owed += owe_moves(session, ended.moves, why=why, because=Because.DELEGATION)
    return replace(ended, owed=owed)


def end_delegations(session: Session, *, delegator: Staff, now: datetime) -> list[Ended]:
    """End every delegation `delegator` has in place, now, and owe what that tells; commits.
    An empty list: they had none."""
    assert delegator.id is not None
    done: list[Ended] = []
    for open_one in delegations.open_for(session, delegator_id=delegator.id):
        assert open_one.id is not None
        found = end(
            session, delegation_id=open_one.id, actor_id=delegator.id, by_itself=False, now=now
        )
        if found is not None:
            done.append(_owe_ended(session, found, by_itself=False))
    session.commit()
    return done


def end_expired(session: Session, *, delegation_id: int, now: datetime) -> Ended | None:
    """A delegation past its last day ends by itself (the daily sweep); commits. None: it
    was ended meanwhile, by its delegator or by another sweep."""
    ended = end(session, delegation_id=delegation_id, actor_id=None, by_itself=True, now=now)
    if ended is None:
        return None
    ended = _owe_ended(session, ended, by_itself=True)
    session.commit()
    return ended


def hand_over_due(
    session: Session, *, delegation: Delegation, delegator_name: str, now: datetime
) -> tuple[list[Moved], list[Owed]]:
    """A delegation in force whose delegator still holds waiting steps (one set up in advance,
    on its first day): those steps move to the deputy, their cards with them; commits. The
    steps moved, and the messages owed."""
    why = f"delegated by {delegator_name} until {long_day(delegation.ends_on)}"
    moves = hand_over(
        session,
        delegator_id=delegation.delegator_id,
        deputy_id=delegation.deputy_id,
        why=why,
        actor_id=None,
        now=now,
    )
    owed = owe_moves(session, moves, why=why, because=Because.DELEGATION)
    session.commit()
    return moves, owed
