"""What asking and answering owe (bot.usecases.questions), drawn for Slack when sent."""

from __future__ import annotations

from sqlmodel import Session

from bot.notifier import Posted
from bot.outbox import Queued
from bot.usecases.questions import ANSWER, ANSWERED, QUESTION
from handlers.approvals.delivery import card_for
from handlers.approvals.kinds import kind_of
from handlers.outgoing import Drawn, card
from handlers.questions.views import answer_message, answered_message, question_message
from storage import declarations, staff
from storage.declarations import Record
from storage.models import ApprovalStep, Question


def _load(session: Session, message: Queued) -> tuple[Question, ApprovalStep, Record] | None:
    question = session.get(Question, int(message.payload["question_id"]))
    step = declarations.get_step(session, step_id=question.step_id) if question else None
    record = declarations.load_record(session, declaration_id=step.declaration_id) if step else None
    if question is None or step is None or record is None:
        return None
    return question, step, record


def _asker(session: Session, question: Question) -> str:
    asker = staff.by_id(session, staff_id=question.asked_by_id)
    return asker.display_name if asker else "The approver"


@card(QUESTION)
def draw_question(session: Session, message: Queued) -> Drawn | None:
    """To the member of staff: the question, with a Reply button."""
    found = _load(session, message)
    if found is None:
        return None
    question, _step, record = found
    assert question.id is not None
    return Drawn(
        question_message(
            question_id=question.id,
            asker=_asker(session, question),
            reference=record.declaration.reference or "",
            what=kind_of(record.declaration.kind).describe(record),
            question=question.question,
        )
    )


@card(ANSWERED)
def draw_answered(session: Session, message: Queued) -> Drawn | None:
    """The question's message once answered: no button, and what they said."""
    found = _load(session, message)
    where = message.updates or (message.payload.get("channel"), message.payload.get("ts"))
    if found is None or not all(where):
        return None
    question, _step, record = found
    redrawn = answered_message(
        asker=_asker(session, question),
        reference=record.declaration.reference or "",
        what=kind_of(record.declaration.kind).describe(record),
        question=question.question,
        answer=question.answer or "",
    )
    return Drawn(redrawn, update=Posted(str(where[0]), str(where[1])))


@card(ANSWER)
def draw_answer(session: Session, message: Queued) -> Drawn | None:
    """To the approver: the question and its answer."""
    found = _load(session, message)
    if found is None:
        return None
    question, step, record = found
    return Drawn(
        answer_message(
            declarant=record.declarant.display_name,
            reference=record.declaration.reference or "",
            what=card_for(record, step).heading,
            question=question.question,
            answer=question.answer or "",
        )
    )
