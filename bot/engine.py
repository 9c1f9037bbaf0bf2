"""The approval engine shared by every kind of declaration: opens a chain's stages, records
decisions and moves the chain on, and moves waiting steps between people (delegation,
escalation, reassignment). Database and rules only — what people are told is the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from bot.rules import approvals as rules
from bot.rules.chains import Chain, Seat, format_chain, parse_chain
from bot.rules.roles import ApproverRole
from bot.rules.routing import Approver, NeedsChoice, NoApprover, Org, approver_for
from bot.rules.status import StepStatus
from storage import audit, declarations
from storage.models import ApprovalStep, Declaration, Staff
from storage.staff import as_person


@dataclass
class Opened:
    """Steps a stage opened, and seats nobody could be found for."""

    steps: list[ApprovalStep] = field(default_factory=list)
    unrouted: list[str] = field(default_factory=list)


def _named(declaration: Declaration) -> frozenset[int]:
    return frozenset({declaration.named_staff_id} - {None})  # type: ignore[arg-type]


def route_seat(
    seat: Seat, declaration: Declaration, declarant: Staff, org: Org
) -> Approver | NoApprover:
    """Who takes `seat` for this declaration; a missing line manager goes one role up."""
    person = org.people.get(declaration.declarant_id)
    if person is None:
        person = as_person(declarant)
    found = approver_for(
        seat.role,
        person,
        org,
        named=_named(declaration),
        chosen_id=declaration.chosen_approver_id,
    )
    if isinstance(found, NeedsChoice):
        found = approver_for(
            ApproverRole.MONITORING_OFFICER, person, org, named=_named(declaration)
        )
    assert not isinstance(found, NeedsChoice)
    return found


def _record_empty_seat(
    session: Session, action: str, declaration: Declaration, seat: Seat, empty: NoApprover
) -> None:
    """Audit a seat nobody holds: "rerouted" to the monitoring officer, or "unrouted"."""
    audit.record(
        session,
        action=action,
        declaration_id=declaration.id,
        role=seat.role.value,
        reason=empty.reason,
    )


def open_stage(
    session: Session,
    *,
    declaration: Declaration,
    declarant: Staff,
    chain: Chain,
    stage: int,
    org: Org,
    now: datetime,
    new: bool = False,
) -> Opened:
    """Create the steps of `stage` (1-based) of the chain; the caller commits. `new`: the
    declaration has no steps yet, so none are read to number these after."""
    assert declaration.id is not None
    opened = Opened()
    existing = () if new else declarations.steps_for(session, declaration_id=declaration.id)
    position = max((s.position for s in existing), default=0)
    for seat in chain[stage - 1]:
        target = route_seat(seat, declaration, declarant, org)
        if isinstance(target, NoApprover) and seat.role is not ApproverRole.MONITORING_OFFICER:
            # Nobody in the seat (no head of office in the org chart, say): never let the
            # declaration end unasked — the monitoring officer takes it.
            fallback = Seat(ApproverRole.MONITORING_OFFICER, seat.purpose)
            rescued = route_seat(fallback, declaration, declarant, org)
            if isinstance(rescued, Approver):
                _record_empty_seat(session, "rerouted", declaration, seat, target)
                target = rescued
        if isinstance(target, NoApprover):
            opened.unrouted.append(target.reason)
            _record_empty_seat(session, "unrouted", declaration, seat, target)
            continue
        position += 1
        step = ApprovalStep(
            declaration_id=declaration.id,
            position=position,
            stage=stage,
            role=seat.role.value,
            purpose=seat.purpose.value,
            approver_id=target.person_id,
            delegated_from_id=target.delegated_from,
            clock_started_at=now,
        )
        session.add(step)
        session.flush()
        opened.steps.append(step)
        audit.for_step(
            session,
            step,
            action="routed",
            approver_id=target.person_id,
            role=seat.role.value,
            purpose=seat.purpose.value,
            delegated_from=target.delegated_from,
        )
    return opened


def start(
    session: Session,
    *,
    declaration: Declaration,
    declarant: Staff,
    chain: Chain,
    org: Org,
    now: datetime,
) -> Opened:
    """Put a declaration made in this transaction (it has no steps yet) on its chain and open
    the first stage."""
    declaration.chain = format_chain(chain)  # no UPDATE when it was made with it
    session.add(declaration)
    return open_stage(
        session,
        declaration=declaration,
        declarant=declarant,
        chain=chain,
        stage=1,
        org=org,
        now=now,
        new=True,
    )


@dataclass
class Advanced:
    status: str
    opened: Opened = field(default_factory=Opened)
    closed: list[ApprovalStep] = field(default_factory=list)


def _final_status(steps: list[ApprovalStep]) -> str:
    """The outcome of the last stage; where its steps differ, the weightier one (a later
    outcome in the purpose's list: "needs action" outweighs "noted")."""
    last_stage = max(s.stage for s in steps)
    decided = [s for s in steps if s.stage == last_stage and s.decided_at is not None]

    def weight(step: ApprovalStep) -> int:
        names = [o.outcome for o in rules.outcomes(step.purpose)]
        return names.index(step.status) if step.status in names else -1

    heaviest = max(decided, key=weight)
    return rules.FINAL_STATUS[heaviest.status]


def advance(
    session: Session,
    *,
    record: declarations.Record,
    step: ApprovalStep,
    org: Org,
    now: datetime,
) -> Advanced:
    """After `step` was decided: end the declaration, wait for the stage, or open the next."""
    declaration = record.declaration
    spec = rules.spec(step.purpose, step.status)
    assert spec is not None
    steps = record.steps
    closed: list[ApprovalStep] = []
    if spec.ends:
        for other in steps:
            if other.status == StepStatus.PENDING and other.id != step.id:
                other.status = StepStatus.CLOSED
                session.add(other)
                closed.append(other)
        declaration.status = rules.FINAL_STATUS[step.status]
        session.add(declaration)
        return Advanced(declaration.status, closed=closed)
    if any(s.status == StepStatus.PENDING and s.stage == step.stage for s in steps):
        return Advanced(declaration.status)
    chain = parse_chain(declaration.chain) if declaration.chain else ()
    if step.stage < len(chain):
        opened = open_stage(
            session,
            declaration=declaration,
            declarant=record.declarant,
            chain=chain,
            stage=step.stage + 1,
            org=org,
            now=now,
        )
        # Unrouted, it stays pending (and audited): a later stage is never skipped.
        return Advanced(declaration.status, opened=opened)
    declaration.status = _final_status(steps)
    session.add(declaration)
    return Advanced(declaration.status)


# Recording a decision is one conditional update (two presses, one winner): storage's own.
claim = declarations.claim_decision


# A card's place is recorded once per approver; one more read covers a record that landed
# between the read and the update (on SQLite that update has taken the write lock by then).
_MOVE_TRIES = 3


def _is(column: Any, value: str | None) -> Any:
    """`column` still holds `value` (NULL included)."""
    return col(column).is_(None) if value is None else col(column) == value


@dataclass(frozen=True)
class Moved:
    step_id: int
    declaration_id: int
    from_id: int
    to_id: int
    old_channel: str | None
    old_ts: str | None


def move(
    session: Session,
    *,
    step: ApprovalStep,
    to: Approver,
    why: str,
    actor_id: int | None,
    now: datetime,
) -> Moved | None:
    """Hand a waiting step to someone else; the clock starts again for them. Conditional on
    the step still waiting for the same person, so a decision in between wins.

    Where the old card went is read afresh and the update made only if it is still so: the
    outbox's worker records it (`dm_channel`/`dm_ts`) in a transaction of its own, which can
    commit after `step` was read and before the move — the move would then clear a place it
    never saw and owe no update, leaving the old card its buttons."""
    assert step.id is not None
    waiting = (
        col(ApprovalStep.id) == step.id,
        col(ApprovalStep.status) == StepStatus.PENDING,
        col(ApprovalStep.approver_id) == step.approver_id,
    )
    for _ in range(_MOVE_TRIES):
        read = session.execute(
            select(ApprovalStep.dm_channel, ApprovalStep.dm_ts).where(*waiting)
        ).first()
        if read is None:
            return None
        channel, ts = read
        result = session.execute(
            update(ApprovalStep)
            .where(*waiting, _is(ApprovalStep.dm_channel, channel), _is(ApprovalStep.dm_ts, ts))
            .values(
                approver_id=to.person_id,
                delegated_from_id=to.delegated_from,
                clock_started_at=now,
                reminded_at=None,
                dm_channel=None,
                dm_ts=None,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            break
    else:
        return None
    moved = Moved(step.id, step.declaration_id, step.approver_id, to.person_id, channel, ts)
    audit.for_step(
        session,
        step,
        action="reassigned",
        actor_id=actor_id,
        from_id=moved.from_id,
        to_id=moved.to_id,
        delegated_from=to.delegated_from,
        why=why,
    )
    return moved
