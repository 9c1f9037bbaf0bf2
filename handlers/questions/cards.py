"""What asking and answering owe (bot.usecases.questions), drawn for Slack when sent."""

from __future__ import annotations

from sqlmodel import Session

from bot.outbox import Posted, Queued
from bot.usecases.questions import ANSWER, ANSWERED, QUESTION, shown
from bot.usecases.questions import Shown as Asked
from handlers import slack_ui
from handlers.outgoing import Drawn, card, loading


def _load(session: Session, message: Queued) -> Asked | None:
    return shown(session, int(message.payload["question_id"]))


@card(QUESTION)
@loading(_load)
def draw_question(session: Session, message: Queued, asked: Asked) -> Drawn | None:
    """To the member of staff: the question, with a Reply button."""
    return Drawn(slack_ui.message(asked.question_card()))


@card(ANSWERED)
@loading(_load)
def draw_answered(session: Session, message: Queued, asked: Asked) -> Drawn | None:
    """The question's message once answered: no button, and what they said."""
    where = message.updates or (message.payload.get("channel"), message.payload.get("ts"))
    if not all(where):
        return None
    redrawn = slack_ui.message(asked.answered_card())
    return Drawn(redrawn, update=Posted(str(where[0]), str(where[1])))


@card(ANSWER)
@loading(_load)
def draw_answer(session: Session, message: Queued, asked: Asked) -> Drawn | None:
    """To the approver: the question and its answer."""
    return Drawn(slack_ui.message(asked.answer_card()))
