"""Loading what the waiting-decisions digest needs: every waiting step with its declaration
in words, the people it names, and who each step has been with before.

A constant number of queries whatever the size of the office (the issue 4 benchmark sweeps
100,000 staff): declarations are chosen by a subquery of the waiting steps rather than a list
of ids, so a large office hits no bound-parameter limit either.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from bot.rules.status import OutboxStatus, StepStatus
from storage import chasing
from storage.declarations import DETAIL_MODELS, Record, lock_of_steps
from storage.models import ApprovalStep, AuditEntry, Declaration, OutboxMessage, Staff


@dataclass(frozen=True)
class WaitingStep:
    """A step waiting for a decision, with its declaration's record (for describing it)."""

    step: ApprovalStep
    record: Record


@dataclass(frozen=True)
class Snapshot:
    waiting: list[WaitingStep]
    people: dict[int, Staff]  # everyone the waiting declarations name, approvers included
    asked: set[int]  # steps whose approver waits on the member of staff's answer
    previous: dict[int, set[int]]  # step id -> everyone the step has been with before


def load(session: Session) -> Snapshot:
    """Every waiting step and what the digest says about it, in eight queries."""
    pending = select(ApprovalStep.declaration_id).where(
        col(ApprovalStep.status) == StepStatus.PENDING
    )
    declarations: dict[int, tuple[Declaration, object]] = {}
    for kind, model in DETAIL_MODELS.items():
        detail_id = model.declaration_id  # type: ignore[attr-defined]
        for declaration, detail in session.exec(
            select(Declaration, model)
            .join(model, col(detail_id) == col(Declaration.id))
            .where(Declaration.kind == kind, col(Declaration.id).in_(pending))
        ):
            if declaration.id is not None and declaration.reference:
                declarations[declaration.id] = (declaration, detail)

    steps: dict[int, list[ApprovalStep]] = defaultdict(list)
    for step in session.exec(
        select(ApprovalStep)
        .where(col(ApprovalStep.declaration_id).in_(pending))
        .order_by(col(ApprovalStep.declaration_id), col(ApprovalStep.position))
    ):
        steps[step.declaration_id].append(step)

    in_steps = col(ApprovalStep.declaration_id).in_(pending)
    in_pending = col(Declaration.id).in_(pending)
    people = {
        p.id: p
        for p in session.exec(
            select(Staff).where(
                or_(
                    col(Staff.id).in_(select(ApprovalStep.approver_id).where(in_steps)),
                    col(Staff.id).in_(select(ApprovalStep.decided_by_id).where(in_steps)),
                    col(Staff.id).in_(select(ApprovalStep.delegated_from_id).where(in_steps)),
                    col(Staff.id).in_(select(Declaration.declarant_id).where(in_pending)),
                    col(Staff.id).in_(select(Declaration.named_staff_id).where(in_pending)),
                )
            )
        )
        if p.id is not None
    }

    previous: dict[int, set[int]] = defaultdict(set)
    for raw in session.exec(
        select(AuditEntry.detail).where(
            AuditEntry.action == "reassigned", col(AuditEntry.declaration_id).in_(pending)
        )
    ):
        detail = json.loads(raw or "{}")
        step_id = detail.get("step_id")
        if isinstance(step_id, int):
            previous[step_id] |= {
                h for h in (detail.get("from_id"), detail.get("to_id")) if isinstance(h, int)
            }

    waiting: list[WaitingStep] = []
    for declaration_id, (declaration, detail) in declarations.items():
        declarant = people.get(declaration.declarant_id)
        if declarant is None:
            continue
        record = Record(declaration, detail, declarant, steps[declaration_id], people)
        waiting += [WaitingStep(s, record) for s in record.steps if s.status == StepStatus.PENDING]
    waiting.sort(key=lambda w: w.step.id or 0)
    return Snapshot(waiting, people, chasing.awaiting_answers(session), dict(previous))


def claim_reminders(
    session: Session, *, step_ids: Collection[int], approver_id: int, at: datetime
) -> list[int]:
    """Take the one escalation reminder of these steps for the digest that carries it, in one
    conditional UPDATE: only steps still waiting with this approver and not yet reminded are
    taken, so the chase (bot.jobs.approvals) that runs next finds them reminded. The
    caller commits before sending, and gives them back (storage.chasing.release_reminders)
    if the digest cannot be sent."""
    if not step_ids:
        return []
    # Their declarations held first, as a decision holds one: a decision closing one of these
    # steps and this taking them never wait for each other in a circle.
    lock_of_steps(session, step_ids)
    rows = session.execute(
        update(ApprovalStep)
        .where(
            col(ApprovalStep.id).in_(list(step_ids)),
            col(ApprovalStep.status) == StepStatus.PENDING,
            col(ApprovalStep.approver_id) == approver_id,
            col(ApprovalStep.reminded_at).is_(None),
        )
        .values(reminded_at=at)
        .returning(ApprovalStep.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(int(i) for i in rows.scalars())


def still_waiting(session: Session, *, step_ids: Collection[int], approver_id: int) -> set[int]:
    """Which of these steps still wait for this approver (a message listing them, drawn when
    it is sent, leaves out those decided or moved since it was owed)."""
    if not step_ids:
        return set()
    rows = session.exec(
        select(ApprovalStep.id).where(
            col(ApprovalStep.id).in_(list(step_ids)),
            col(ApprovalStep.status) == StepStatus.PENDING,
            col(ApprovalStep.approver_id) == approver_id,
        )
    )
    return {int(i) for i in rows if i is not None}


def cards_reached(
    session: Session, *, kind: str, subjects: Collection[str]
) -> set[tuple[str, str]]:
    """(subject, recipient) of every message of `kind` about these subjects that reached the
    platform, in one query: where a step's card went (on Teams, the only record of it)."""
    if not subjects:
        return set()
    rows = session.exec(
        select(OutboxMessage.subject, OutboxMessage.recipient).where(
            OutboxMessage.kind == kind,
            col(OutboxMessage.subject).in_(list(subjects)),
            OutboxMessage.status == OutboxStatus.SENT,
        )
    )
    return {(str(s), str(r)) for s, r in rows}
