"""More information on Slack: "Ask a question…" on an approver's card and "Reply…" on the
member of staff's DM open their forms; submitting them runs the use cases
(bot.usecases.questions), whose messages the outbox sends (handlers/questions/cards.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.usecases import questions
from handlers import slack_ui
from handlers.annual.common import pressed_message
from handlers.approvals.delivery import card_for
from handlers.context import Env
from handlers.metadata import StepRef
from handlers.questions.ids import Block, QuestionRef
from handlers.questions.views import ask_modal, asked_view, reply_modal
from storage.models import Staff


def _typed(view: dict[str, Any], block: str) -> str | None:
    return slack_ui.answers(view["state"]["values"]).text(block)


def open_question_form(
    ack: Ack,
    body: dict[str, Any],
    meta: StepRef,
    actor: Staff | None,
    client: WebClient,
    env: Env,
) -> None:
    ack()
    with env.db.session() as session:
        asking = questions.may_ask(session, actor, meta.step_id)
    record = asking.record
    client.views_open(
        trigger_id=body["trigger_id"],
        view=ask_modal(
            step_id=meta.step_id,
            reference=record.declaration.reference or "",
            declarant=record.declarant.display_name,
            what=card_for(record, asking.step).heading,
        ),
    )


def submit_question(
    ack: Ack,
    view: dict[str, Any],
    meta: StepRef,
    actor: Staff | None,
    env: Env,
) -> None:
    with env.db.session() as session:
        asked = questions.ask(
            session,
            asker=actor,
            step_id=meta.step_id,
            text=_typed(view, Block.QUESTION),
            now=env.now(),
        )
    ack(response_action="update", view=asked_view(asked.declarant_name))


def open_reply_form(
    ack: Ack,
    body: dict[str, Any],
    meta: QuestionRef,
    actor: Staff | None,
    client: WebClient,
    env: Env,
) -> None:
    ack()
    with env.db.session() as session:
        answering = questions.may_answer(session, actor, meta.question_id)
    pressed = pressed_message(body)
    where = QuestionRef(
        question_id=meta.question_id,
        channel=pressed.channel if pressed else None,
        ts=pressed.ts if pressed else None,
    )
    client.views_open(
        trigger_id=body["trigger_id"],
        view=reply_modal(
            ref=where,
            asker=answering.asker.display_name if answering.asker else "The approver",
            reference=answering.record.declaration.reference or "",
            question=answering.question.question,
        ),
    )


def submit_answer(
    ack: Ack,
    view: dict[str, Any],
    meta: QuestionRef,
    actor: Staff | None,
    env: Env,
) -> None:
    with env.db.session() as session:
        questions.answer(
            session,
            declarant=actor,
            question_id=meta.question_id,
            text=_typed(view, Block.ANSWER),
            now=env.now(),
            shown_at=(meta.channel, meta.ts) if meta.channel and meta.ts else None,
        )
    ack()
