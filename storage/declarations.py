"""Repository functions for declarations and their approval steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from bot.rules.gifts import Assessment, GiftOffer
from storage.models import ApprovalStep, Declaration, Staff
from storage.models import GiftOffer as GiftRow

REFERENCE_PREFIX = {"gift": "GH"}


def create_gift(
    session: Session,
    *,
    declarant: Staff,
    offer: GiftOffer,
    assessment: Assessment,
    chosen_approver_id: int | None = None,
) -> tuple[Declaration, GiftRow]:
    """Insert the declaration and its register row; the caller commits."""
    assert declarant.id is not None
    declaration = Declaration(
        kind="gift",
        declarant_id=declarant.id,
        status=assessment.status,
        chosen_approver_id=chosen_approver_id,
    )
    session.add(declaration)
    session.flush()
    assert declaration.id is not None
    declaration.reference = f"{REFERENCE_PREFIX['gift']}-{declaration.id:05d}"
    row = GiftRow(
        declaration_id=declaration.id,
        kind=offer.kind.value,
        gift_type=offer.gift_type.value if offer.gift_type else None,
        offered_by=offer.offered_by,
        relationship=offer.relationship.value,
        description=offer.description,
        value_pence=offer.value_pence,
        date_offered=offer.date_offered,
        event_date=offer.event_date,
        response=offer.response.value,
        reason=offer.reason,
        use_at_work=offer.use_at_work,
        unsolicited=offer.unsolicited,
        flags=";".join(sorted(f.value for f in assessment.flags)),
    )
    session.add(row)
    return declaration, row


def add_step(
    session: Session,
    *,
    declaration: Declaration,
    role: str,
    purpose: str,
    approver_id: int,
    position: int = 1,
) -> ApprovalStep:
    assert declaration.id is not None
    step = ApprovalStep(
        declaration_id=declaration.id,
        position=position,
        role=role,
        purpose=purpose,
        approver_id=approver_id,
    )
    session.add(step)
    session.flush()
    return step


def claim_decision(
    session: Session,
    *,
    step_id: int,
    outcome: str,
    decided_by_id: int,
    reason: str | None,
    at: datetime,
) -> bool:
    """Record a decision only if the step is still pending: two presses, one winner.

    A plain read-then-write would let both presses win; the WHERE clause makes the database
    the referee. The caller commits (and updates the declaration in the same transaction).
    """
    result = session.execute(
        update(ApprovalStep)
        .where(col(ApprovalStep.id) == step_id, col(ApprovalStep.status) == "pending")
        .values(status=outcome, decided_by_id=decided_by_id, reason=reason, decided_at=at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def get_step(session: Session, *, step_id: int) -> ApprovalStep | None:
    return session.get(ApprovalStep, step_id, populate_existing=True)


def steps_for(session: Session, *, declaration_id: int) -> list[ApprovalStep]:
    return list(
        session.exec(
            select(ApprovalStep)
            .where(ApprovalStep.declaration_id == declaration_id)
            .order_by(col(ApprovalStep.position))
        )
    )


@dataclass(frozen=True)
class GiftRecord:
    """A gift declaration with everything a message or the register shows about it."""

    declaration: Declaration
    offer: GiftRow
    declarant: Staff
    steps: list[ApprovalStep]
    people: dict[int, Staff]

    @property
    def decisive_step(self) -> ApprovalStep | None:
        decided = [s for s in self.steps if s.decided_at is not None]
        return decided[-1] if decided else None


def load_gift(session: Session, *, declaration_id: int) -> GiftRecord | None:
    declaration = session.get(Declaration, declaration_id, populate_existing=True)
    if declaration is None or declaration.kind != "gift":
        return None
    offer = session.get(GiftRow, declaration_id, populate_existing=True)
    declarant = session.get(Staff, declaration.declarant_id)
    assert offer is not None and declarant is not None
    steps = steps_for(session, declaration_id=declaration_id)
    ids = (
        {declarant.id}
        | {s.approver_id for s in steps}
        | {s.decided_by_id for s in steps if s.decided_by_id}
    )
    people = {p.id: p for p in session.exec(select(Staff).where(col(Staff.id).in_(ids))) if p.id}
    return GiftRecord(declaration, offer, declarant, steps, people)


def gifts_of(session: Session, *, declarant_id: int, limit: int = 20) -> list[GiftRecord]:
    ids = session.exec(
        select(Declaration.id)
        .where(Declaration.declarant_id == declarant_id, Declaration.kind == "gift")
        .order_by(col(Declaration.id).desc())
        .limit(limit)
    ).all()
    records = [load_gift(session, declaration_id=i) for i in ids if i is not None]
    return [r for r in records if r is not None]


def gift_register(
    session: Session, *, date_from: date | None = None, date_to: date | None = None
) -> list[GiftRecord]:
    """Every offer in the register, oldest offer first; dates offered inclusive.

    Three queries whatever the register's size (offers with their declarants, their steps,
    the people the steps name) instead of five per offer. Steps and people are selected by
    subquery rather than a list of ids, so a large register hits no bound-parameter limit.
    """
    chosen = (
        select(Declaration.id)
        .join(GiftRow, col(GiftRow.declaration_id) == col(Declaration.id))
        .where(Declaration.kind == "gift")
    )
    if date_from is not None:
        chosen = chosen.where(GiftRow.date_offered >= date_from)
    if date_to is not None:
        chosen = chosen.where(GiftRow.date_offered <= date_to)

    rows = session.exec(
        select(Declaration, GiftRow, Staff)
        .join(GiftRow, col(GiftRow.declaration_id) == col(Declaration.id))
        .join(Staff, col(Staff.id) == col(Declaration.declarant_id))
        .where(col(Declaration.id).in_(chosen))
        .order_by(col(GiftRow.date_offered), col(Declaration.id))
        .execution_options(populate_existing=True)
    ).all()
    if not rows:
        return []

    steps_by_declaration: dict[int, list[ApprovalStep]] = {}
    for step in session.exec(
        select(ApprovalStep)
        .where(col(ApprovalStep.declaration_id).in_(chosen))
        .order_by(col(ApprovalStep.declaration_id), col(ApprovalStep.position))
        .execution_options(populate_existing=True)
    ):
        steps_by_declaration.setdefault(step.declaration_id, []).append(step)

    in_steps = col(ApprovalStep.declaration_id).in_(chosen)
    step_people = {
        p.id: p
        for p in session.exec(
            select(Staff)
            .where(
                or_(
                    col(Staff.id).in_(select(ApprovalStep.approver_id).where(in_steps)),
                    col(Staff.id).in_(select(ApprovalStep.decided_by_id).where(in_steps)),
                )
            )
            .execution_options(populate_existing=True)
        )
        if p.id is not None
    }

    records = []
    for declaration, offer, declarant in rows:
        assert declaration.id is not None and declarant.id is not None
        steps = steps_by_declaration.get(declaration.id, [])
        ids = {s.approver_id for s in steps} | {s.decided_by_id for s in steps if s.decided_by_id}
        people = {i: step_people[i] for i in ids if i in step_people}
        people[declarant.id] = declarant
        records.append(GiftRecord(declaration, offer, declarant, steps, people))
    return records
