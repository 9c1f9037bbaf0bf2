"""More information on Slack: "Ask a question…" on an approver's card and "Reply…" on the
member of staff's DM open their forms; submitting them runs the use cases
(bot.usecases.questions), whose messages the outbox sends (handlers/questions/cards.py)."""

from __future__ import annotations

from bot.usecases import questions
from bot.usecases.kinds import card_for
from handlers.annual.common import pressed_message
from handlers.context import Turn
from handlers.metadata import StepRef
from handlers.questions.ids import Block, QuestionRef
from handlers.questions.views import ask_modal, asked_view, reply_modal


def open_question_form(turn: Turn, meta: StepRef) -> None:
    turn.ack()
    with turn.db.session() as session:
        asking = questions.may_ask(session, turn.actor, meta.step_id)
    record = asking.record
    turn.open(
        ask_modal(
            step_id=meta.step_id,
            reference=record.declaration.reference or "",
            declarant=record.declarant.display_name,
            what=card_for(record, asking.step).heading,
        )
    )


def submit_question(turn: Turn, meta: StepRef) -> None:
    with turn.db.session() as session:
        asked = questions.ask(
            session,
            asker=turn.actor,
            step_id=meta.step_id,
            text=turn.answers().text(Block.QUESTION),
            now=turn.now(),
        )
    turn.ack(response_action="update", view=asked_view(asked.declarant_name))


def open_reply_form(turn: Turn, meta: QuestionRef) -> None:
    turn.ack()
    with turn.db.session() as session:
        answering = questions.may_answer(session, turn.actor, meta.question_id)
    pressed = pressed_message(turn.body)
    where = QuestionRef(
        question_id=meta.question_id,
        channel=pressed.channel if pressed else None,
        ts=pressed.ts if pressed else None,
    )
    turn.open(
        reply_modal(
            ref=where,
            asker=answering.asker.display_name if answering.asker else "The approver",
            reference=answering.record.declaration.reference or "",
            question=answering.question.question,
        )
    )


def submit_answer(turn: Turn, meta: QuestionRef) -> None:
    with turn.db.session() as session:
        questions.answer(
            session,
            declarant=turn.actor,
            question_id=meta.question_id,
            text=turn.answers().text(Block.ANSWER),
            now=turn.now(),
            shown_at=(meta.channel, meta.ts) if meta.channel and meta.ts else None,
        )
    turn.ack()
