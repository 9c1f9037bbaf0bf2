"""What asking and answering owe (bot.usecases.questions), drawn for Slack when sent."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.notifier import Posted
from bot.outbox import Queued
from bot.usecases.questions import ANSWER, ANSWERED, QUESTION
from handlers.approvals.delivery import card_for
from handlers.approvals.kinds import kind_of
from handlers.outgoing import Drawn, card, loading
from handlers.questions.views import answer_message, answered_message, question_message
from storage import declarations, staff
from storage.declarations import Record
from storage.models import ApprovalStep, Question


@dataclass(frozen=True)
class Asked:
    question: Question
    step: ApprovalStep
    record: Record
    asker: str

    @property
    def reference(self) -> str:
        return self.record.declaration.reference or ""

    @property
    def what(self) -> str:
        """The declaration in the member of staff's words."""
        return kind_of(self.record.declaration.kind).describe(self.record)


def _load(session: Session, message: Queued) -> Asked | None:
    question = session.get(Question, int(message.payload["question_id"]))
    step = declarations.get_step(session, step_id=question.step_id) if question else None
    record = declarations.load_record(session, declaration_id=step.declaration_id) if step else None
    if question is None or step is None or record is None:
        return None
    asker = staff.by_id(session, staff_id=question.asked_by_id)
    return Asked(question, step, record, asker.display_name if asker else "The approver")


@card(QUESTION)
@loading(_load)
def draw_question(session: Session, message: Queued, asked: Asked) -> Drawn | None:
    """To the member of staff: the question, with a Reply button."""
    assert asked.question.id is not None
    return Drawn(
        question_message(
            question_id=asked.question.id,
            asker=asked.asker,
            reference=asked.reference,
            what=asked.what,
            question=asked.question.question,
        )
    )


@card(ANSWERED)
@loading(_load)
def draw_answered(session: Session, message: Queued, asked: Asked) -> Drawn | None:
    """The question's message once answered: no button, and what they said."""
    where = message.updates or (message.payload.get("channel"), message.payload.get("ts"))
    if not all(where):
        return None
    redrawn = answered_message(
        asker=asked.asker,
        reference=asked.reference,
        what=asked.what,
        question=asked.question.question,
        answer=asked.question.answer or "",
    )
    return Drawn(redrawn, update=Posted(str(where[0]), str(where[1])))


@card(ANSWER)
@loading(_load)
def draw_answer(session: Session, message: Queued, asked: Asked) -> Drawn | None:
    """To the approver: the question and its answer."""
    return Drawn(
        answer_message(
            declarant=asked.record.declarant.display_name,
            reference=asked.reference,
            what=card_for(asked.record, asked.step).heading,
            question=asked.question.question,
            answer=asked.question.answer or "",
        )
    )
