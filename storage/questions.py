"""Questions an approver asks the member of staff (bot.usecases.questions): the answer and
the clock it restarts, each a conditional UPDATE so that a second answer (two forms open) or
a decision in between loses cleanly instead of overwriting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from bot.rules.status import StepStatus
from storage.models import ApprovalStep, Question


def record_answer(session: Session, *, question_id: int, answer: str, at: datetime) -> bool:
    """Store the answer, unless the question was answered already (False)."""
    answered = session.execute(
        update(Question)
        .where(col(Question.id) == question_id, col(Question.answered_at).is_(None))
        .values(answer=answer, answered_at=at)
        .execution_options(synchronize_session=False)
    )
    return answered.rowcount == 1


def restart_clock(session: Session, *, step_id: int, at: datetime) -> bool:
    """The step's escalation clock starts again at `at` (and its one reminder is owed again),
    if it still waits (False: decided meanwhile)."""
    restarted = session.execute(
        update(ApprovalStep)
        .where(col(ApprovalStep.id) == step_id, col(ApprovalStep.status) == StepStatus.PENDING)
        .values(clock_started_at=at, reminded_at=None)
        .execution_options(synchronize_session=False)
    )
    return restarted.rowcount == 1
