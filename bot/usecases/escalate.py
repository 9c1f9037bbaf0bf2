"""Escalation: a decision left waiting twice the limit moves to the next person up (issue 3,
"Escalation"), in one transaction with its audit entry and what it owes: the card to the new
approver and why it came to them, the old card without its buttons, and notes to the original
approver and the member of staff (bot.usecases.moves)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from bot import engine
from bot.rules.routing import Approver, NoApprover, Org, step_escalation_target
from bot.rules.status import StepStatus
from bot.usecases.moves import Because, Owed, owe_moved
from storage import audit, chasing, declarations, staff
from storage.models import ApprovalStep, Declaration


def escalation_target(
    session: Session,
    step: ApprovalStep,
    *,
    declarant_id: int,
    named_staff_id: int | None,
    org: Org,
) -> Approver | NoApprover:
    """The next role up from whoever holds the seat (the delegator, for a deputy's step),
    never the declarant, anyone named, the current holder, anyone who held the step before
    (so it never goes back down) or anyone holding another of the declaration's waiting steps.
    """
    assert step.id is not None
    return step_escalation_target(
        approver_id=step.approver_id,
        delegated_from_id=step.delegated_from_id,
        declarant_id=declarant_id,
        named_staff_id=named_staff_id,
        holding_waiting_steps=(
            s.approver_id
            for s in declarations.steps_for(session, declaration_id=step.declaration_id)
            if s.status == StepStatus.PENDING
        ),
        previous_holders=chasing.previous_holders(
            session, declaration_id=step.declaration_id, step_id=step.id
        ),
        org=org,
    )


@dataclass(frozen=True)
class Escalated:
    moved: engine.Moved
    from_name: str
    to_name: str
    owed: list[Owed] = field(default_factory=list)


@dataclass(frozen=True)
class NobodyAbove:
    """It stays where it is: there is no one above its approver to move it to."""

    holder_name: str


def escalate(
    session: Session,
    *,
    step_id: int,
    approver_id: int,
    waited: int,
    waiting_since: date,
    org: Org,
    now: datetime,
) -> Escalated | NobodyAbove | None:
    """Move the step (still waiting for `approver_id`) up and owe its messages; commits.
    None when it was decided or moved since it was found waiting: nothing to do."""
    declarations.lock_of_steps(session, [step_id])  # as a decision does: one at a time
    step = declarations.get_step(session, step_id=step_id)
    declaration = session.get(Declaration, step.declaration_id) if step else None
    if (
        step is None
        or declaration is None
        or step.status != StepStatus.PENDING
        or step.approver_id != approver_id
    ):
        return None
    target = escalation_target(
        session,
        step,
        declarant_id=declaration.declarant_id,
        named_staff_id=declaration.named_staff_id,
        org=org,
    )
    holder = staff.by_id(session, staff_id=step.approver_id)
    holder_name = holder.display_name if holder else "its approver"
    if isinstance(target, NoApprover):
        return NobodyAbove(holder_name)
    why = f"no decision after {waited} working days"
    moved = engine.move(session, step=step, to=target, why=why, actor_id=None, now=now)
    if moved is None:
        session.rollback()
        return None
    audit.for_step(
        session,
        step,
        action="escalated",
        from_id=moved.from_id,
        to_id=moved.to_id,
        working_days=waited,
        waiting_since=waiting_since,
    )
    new = staff.by_id(session, staff_id=moved.to_id)
    new_name = new.display_name if new else "the next person up"
    owed = owe_moved(
        session,
        moved,
        why=why,
        because=Because.ESCALATED,
        waited=waited,
        names={moved.from_id: holder_name, moved.to_id: new_name},
        reference=declaration.reference or "",
    )
    session.commit()
    return Escalated(moved, holder_name, new_name, owed)
