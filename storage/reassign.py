"""Queries for moving waiting steps between approvers (bot.usecases.reassign)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.rules.roles import ApproverRole
from bot.rules.status import DeclarationStatus, StepStatus
from storage.models import ApprovalStep, Declaration


def by_reference(session: Session, *, reference: str) -> Declaration | None:
    return session.exec(select(Declaration).where(Declaration.reference == reference)).first()


def held_as_line_manager(
    session: Session, *, declarant_id: int, manager_id: int
) -> list[tuple[ApprovalStep, Declaration]]:
    """The declarant's waiting line-manager steps that `manager_id` holds in their own right
    (not as a deputy), oldest first."""
    return list(
        session.exec(
            select(ApprovalStep, Declaration)
            .join(Declaration, col(Declaration.id) == col(ApprovalStep.declaration_id))
            .where(
                Declaration.declarant_id == declarant_id,
                Declaration.status == DeclarationStatus.PENDING,
                ApprovalStep.status == StepStatus.PENDING,
                ApprovalStep.role == ApproverRole.LINE_MANAGER.value,
                ApprovalStep.approver_id == manager_id,
                col(ApprovalStep.delegated_from_id).is_(None),
            )
            .order_by(col(ApprovalStep.id))
        ).all()
    )
