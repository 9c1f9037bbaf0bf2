"""More information: an approver asks the member of staff a question instead of deciding;
the answer goes back to them and the step's escalation clock starts again (issue 3)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from sqlalchemy import update
from sqlmodel import Session, col

from bot.notifier import Notifier, Posted
from bot.rules.permissions import may_decide
from bot.rules.roles import Role
from bot.rules.status import StepStatus
from handlers.approvals import delivery
from handlers.approvals.kinds import kind_of
from handlers.metadata import BadMetadata, StepRef, decode
from handlers.questions.ids import (
    ANSWER_MAX,
    QUESTION_MAX,
    Block,
    Input,
    QuestionRef,
)
from handlers.questions.views import (
    answer_message,
    answered_message,
    ask_modal,
    asked_view,
    question_message,
    reply_modal,
)
from handlers.replies import tell
from storage import audit, declarations, staff
from storage.db import Database
from storage.declarations import Record
from storage.models import ApprovalStep, Question, Staff

log = logging.getLogger(__name__)

STALE = "That button is from an older message Nolan can't read."
STALE_FORM = "This form is out of date: close it and press the button again."
UNKNOWN = "Nolan doesn't know you or this declaration any more."


def _value(text: dict[str, Any], block: Block, action: Input) -> str:
    return (text.get(block, {}).get(action, {}).get("value") or "").strip()


# -- asking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Asking:
    actor: Staff
    step: ApprovalStep
    record: Record


def _may_ask(session: Session, actor_slack_id: str, step_id: int) -> Asking | str:
    """The step's approver (or the monitoring officer, or the approver a deputy stands in
    for) may ask, while the step waits; anyone else is told why not."""
    actor = staff.by_slack_id(session, slack_user_id=actor_slack_id)
    step = declarations.get_step(session, step_id=step_id)
    if actor is None or actor.id is None or step is None:
        return UNKNOWN
    record = declarations.load_record(session, declaration_id=step.declaration_id)
    assert record is not None
    verdict = may_decide(
        actor.id,
        approver_id=step.approver_id,
        declarant_id=record.declarant.id or 0,
        actor_is_monitoring_officer=Role.MONITORING_OFFICER in actor.role_set,
    )
    allowed = verdict.allowed or actor.id == step.delegated_from_id
    if actor.id == record.declarant.id:
        return "You can't ask questions about your own declaration."
    if not allowed or actor.id == record.declaration.named_staff_id:
        approver = record.name_of(step.approver_id) or "the approver"
        return f"Only {approver} (or the monitoring officer) can ask about this declaration."
    if step.status != StepStatus.PENDING:
        return (
            f"This is no longer waiting for a decision ({step.status.replace('_', ' ')}), so "
            "there is nothing to ask."
        )
    return Asking(actor, step, record)


def open_question_form(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    db: Database,
) -> None:
    ack()
    try:
        ref = decode(StepRef, action.get("value"))
    except BadMetadata:
        tell(respond, STALE)
        return
    with db.session() as session:
        asking = _may_ask(session, body["user"]["id"], ref.step_id)
    if isinstance(asking, str):
        tell(respond, asking)
        return
    record = asking.record
    client.views_open(
        trigger_id=body["trigger_id"],
        view=ask_modal(
            step_id=ref.step_id,
            reference=record.declaration.reference or "",
            declarant=record.declarant.display_name,
            what=delivery.card_for(record, asking.step).heading,
        ),
    )


@dataclass(frozen=True)
class Asked:
    question_id: int
    asker: str
    declarant: str
    declarant_slack_id: str | None
    reference: str
    what: str
    question: str


def _text_or_error(
    ack: Ack, view: dict[str, Any], block: str, input_id: str, what: str, most: int
) -> str | None:
    """The form's text, or None after answering the form with the error on its field."""
    text = _value(view["state"]["values"], block, input_id)
    if not text:
        ack(response_action="errors", errors={block: f"Please write your {what}."})
        return None
    if len(text) > most:
        ack(
            response_action="errors",
            errors={block: f"Please keep this to {most} characters or fewer."},
        )
        return None
    return text


def submit_question(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    db: Database,
    notifier: Notifier,
    clock: Callable[[], datetime],
) -> None:
    text = _text_or_error(ack, view, Block.QUESTION, Input.QUESTION, "question", QUESTION_MAX)
    if text is None:
        return
    try:
        ref = decode(StepRef, view.get("private_metadata"))
    except BadMetadata:
        ack(response_action="errors", errors={Block.QUESTION: STALE_FORM})
        return
    now = clock()
    with db.session() as session:
        asking = _may_ask(session, body["user"]["id"], ref.step_id)
        if isinstance(asking, str):
            ack(response_action="errors", errors={Block.QUESTION: asking[:150]})
            return
        assert asking.actor.id is not None
        question = Question(
            step_id=ref.step_id, asked_by_id=asking.actor.id, question=text, asked_at=now
        )
        session.add(question)
        session.flush()
        assert question.id is not None
        record = asking.record
        audit.record(
            session,
            action="question_asked",
            actor_id=asking.actor.id,
            declaration_id=record.declaration.id,
            step_id=ref.step_id,
            question_id=question.id,
        )
        session.commit()
        asked = Asked(
            question_id=question.id,
            asker=asking.actor.display_name,
            declarant=record.declarant.display_name,
            declarant_slack_id=record.declarant.slack_user_id,
            reference=record.declaration.reference or "",
            what=kind_of(record.declaration.kind).describe(record),
            question=text,
        )
    ack(response_action="update", view=asked_view(asked.declarant))
    delivery.tell(
        notifier,
        asked.declarant_slack_id,
        question_message(
            question_id=asked.question_id,
            asker=asked.asker,
            reference=asked.reference,
            what=asked.what,
            question=asked.question,
        ),
    )


# -- answering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answering:
    question: Question
    step: ApprovalStep
    record: Record
    asker: Staff | None


def _may_answer(session: Session, actor_slack_id: str, question_id: int) -> Answering | str:
    """Only the member of staff answers, once, while the step still waits."""
    actor = staff.by_slack_id(session, slack_user_id=actor_slack_id)
    question = session.get(Question, question_id, populate_existing=True)
    step = declarations.get_step(session, step_id=question.step_id) if question else None
    if actor is None or question is None or step is None:
        return UNKNOWN
    record = declarations.load_record(session, declaration_id=step.declaration_id)
    assert record is not None
    if actor.id != record.declarant.id:
        return f"Only {record.declarant.display_name} can answer this question."
    if question.answered_at is not None:
        return "You already answered this question."
    if step.status != StepStatus.PENDING:
        return (
            f"This is no longer waiting for a decision ({step.status.replace('_', ' ')}), so "
            "no answer is needed."
        )
    asker = staff.by_id(session, staff_id=question.asked_by_id)
    return Answering(question, step, record, asker)


def open_reply_form(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    db: Database,
) -> None:
    ack()
    try:
        ref = decode(QuestionRef, action.get("value"))
    except BadMetadata:
        tell(respond, STALE)
        return
    with db.session() as session:
        answering = _may_answer(session, body["user"]["id"], ref.question_id)
    if isinstance(answering, str):
        tell(respond, answering)
        return
    container = body.get("container") or {}
    where = QuestionRef(
        question_id=ref.question_id,
        channel=container.get("channel_id") or (body.get("channel") or {}).get("id"),
        ts=container.get("message_ts") or (body.get("message") or {}).get("ts"),
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
    body: dict[str, Any],
    view: dict[str, Any],
    db: Database,
    notifier: Notifier,
    clock: Callable[[], datetime],
) -> None:
    text = _text_or_error(ack, view, Block.ANSWER, Input.ANSWER, "answer", ANSWER_MAX)
    if text is None:
        return
    try:
        ref = decode(QuestionRef, view.get("private_metadata"))
    except BadMetadata:
        ack(response_action="errors", errors={Block.ANSWER: STALE_FORM})
        return
    now = clock()
    with db.session() as session:
        answering = _may_answer(session, body["user"]["id"], ref.question_id)
        if isinstance(answering, str):
            ack(response_action="errors", errors={Block.ANSWER: answering[:150]})
            return
        # Conditional updates: a second answer (two forms open) and a decision in between
        # lose cleanly instead of overwriting.
        answered = session.execute(
            update(Question)
            .where(col(Question.id) == ref.question_id, col(Question.answered_at).is_(None))
            .values(answer=text, answered_at=now)
            .execution_options(synchronize_session=False)
        )
        if answered.rowcount != 1:
            session.rollback()
            ack(
                response_action="errors",
                errors={Block.ANSWER: "You already answered this question."},
            )
            return
        restarted = session.execute(
            update(ApprovalStep)
            .where(
                col(ApprovalStep.id) == answering.step.id,
                col(ApprovalStep.status) == StepStatus.PENDING,
            )
            .values(clock_started_at=now, reminded_at=None)
            .execution_options(synchronize_session=False)
        )
        record = answering.record
        audit.record(
            session,
            action="question_answered",
            actor_id=record.declarant.id,
            declaration_id=record.declaration.id,
            step_id=answering.step.id,
            question_id=ref.question_id,
            clock_restarted=restarted.rowcount == 1,
        )
        session.commit()
        # The asker, and whoever holds the step now if it has moved since.
        approvers = {answering.question.asked_by_id, answering.step.approver_id}
        told = [
            p.slack_user_id
            for p in staff.by_ids(session, ids=approvers).values()
            if p.slack_user_id
        ]
    ack()
    asker = answering.asker.display_name if answering.asker else "The approver"
    what = kind_of(record.declaration.kind).describe(record)
    reference = record.declaration.reference or ""
    question = answering.question.question
    if ref.channel and ref.ts:
        notifier.update(
            Posted(ref.channel, ref.ts),
            answered_message(
                asker=asker, reference=reference, what=what, question=question, answer=text
            ),
        )
    message = answer_message(
        declarant=record.declarant.display_name,
        reference=reference,
        what=delivery.card_for(record, answering.step).heading,
        question=question,
        answer=text,
    )
    for slack_id in sorted(told):
        delivery.tell(notifier, slack_id, message)
