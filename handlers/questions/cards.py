"""What asking and answering owe (bot.usecases.questions), drawn for Slack when sent."""

from __future__ import annotations

from sqlmodel import Session

from bot.notifier import Posted
from bot.outbox import Queued
from bot.usecases.questions import ANSWER, ANSWERED, QUESTION, shown
from bot.usecases.questions import Shown as Asked
from handlers.outgoing import Drawn, card, loading
from handlers.questions.views import answer_message, answered_message, question_message


def _load(session: Session, message: Queued) -> Asked | None:
    return shown(session, int(message.payload["question_id"]))


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
            what=asked.heading,
            question=asked.question.question,
            answer=asked.question.answer or "",
        )
    )
