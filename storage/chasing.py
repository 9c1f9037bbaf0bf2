"""Repository functions for the daily sweep's chasing of waiting approvals. Queries here load
everything at once, never per member of staff: the sweep must scale to a large office."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.rules.status import StepStatus
from storage.models import ApprovalStep, AuditEntry, Declaration, Question


@dataclass(frozen=True)
class Waiting:
    """A step waiting for a decision, with what routing needs of its declaration."""

    step: ApprovalStep
    declarant_id: int
    named_staff_id: int | None
    reference: str


def waiting(session: Session) -> list[Waiting]:
    """Every step still waiting for a decision, in one query."""
    rows = session.exec(
        select(ApprovalStep, Declaration)
        .join(Declaration, col(Declaration.id) == col(ApprovalStep.declaration_id))
        .where(col(ApprovalStep.status) == StepStatus.PENDING)
        .order_by(col(ApprovalStep.id))
    ).all()
    return [
        Waiting(step, declaration.declarant_id, declaration.named_staff_id, declaration.reference)
        for step, declaration in rows
        if declaration.reference
    ]


def awaiting_answers(session: Session) -> set[int]:
    """Steps whose approver has asked the member of staff a question not yet answered: the
    approver is waiting on them, so they are not chased (the answer restarts the clock)."""
    return set(
        session.exec(select(Question.step_id).where(col(Question.answered_at).is_(None))).all()
    )


def release_reminders(session: Session, *, step_ids: Collection[int], approver_id: int) -> None:
    """Give back claims whose reminder could not be sent, so the next run sends it."""
    if not step_ids:
        return
    session.execute(
        update(ApprovalStep)
        .where(
            col(ApprovalStep.id).in_(list(step_ids)),
            col(ApprovalStep.approver_id) == approver_id,
        )
        .values(reminded_at=None)
        .execution_options(synchronize_session=False)
    )


def previous_holders(session: Session, *, declaration_id: int, step_id: int) -> set[int]:
    """Everyone a step has been with before (from its "reassigned" audit entries), so an
    escalation never sends it back down to someone who already let it wait."""
    holders: set[int] = set()
    rows = session.exec(
        select(AuditEntry.detail).where(
            AuditEntry.declaration_id == declaration_id, AuditEntry.action == "reassigned"
        )
    )
    for raw in rows:
        detail = json.loads(raw or "{}")
        if detail.get("step_id") != step_id:
            continue
        holders |= {h for h in (detail.get("from_id"), detail.get("to_id")) if isinstance(h, int)}
    return holders
