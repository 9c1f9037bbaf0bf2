"""More information on Teams: "Ask a question…" on an approver's card and "Reply…" on the
member of staff's question open the same forms Slack opens, as dialogs; submitting them runs
the use cases (bot.usecases.questions), whose messages the outbox sends, drawn here. The
answered question is redrawn in place (PUT) where the outbox sent it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from bot.outbox import Queued
from bot.rules.refusal import STALE_BUTTON, Refused
from bot.teams import forms
from bot.teams.adaptive import read_payload
from bot.teams.approval_drawers import drawn_card
from bot.teams.cards import pressed
from bot.teams.drawers import Drawn, Where, drawer
from bot.teams.invoke_responses import dialog, dialog_message
from bot.teams.router import TASK_FETCH, TASK_SUBMIT, Router, Turn
from bot.ui import questions as ui
from bot.ui.forms import Answers, Form, Note
from bot.ui.payload import BadPayload, Payload, StepRef, decode
from bot.ui.text import plain
from bot.usecases import questions
from bot.usecases.kinds import card_for
from bot.usecases.questions import ANSWER, ANSWERED, QUESTION, Shown, shown


def register(router: Router) -> None:
    router.invoke(TASK_FETCH, open_ask, key=ui.Action.ASK)
    router.invoke(TASK_SUBMIT, submit_ask, key=ui.Callback.ASK)
    router.invoke(TASK_FETCH, open_reply, key=ui.Action.REPLY)
    router.invoke(TASK_SUBMIT, submit_reply, key=ui.Callback.REPLY)


def _pressed(turn: Turn, model: type[Payload]) -> Any:
    press = pressed(turn.value)
    try:
        return decode(model, press.payload if press else None)
    except BadPayload:
        raise Refused(STALE_BUTTON) from None


def _submitted(turn: Turn, model: type[Payload]) -> tuple[Any, Any]:
    data = turn.value.get("data") if isinstance(turn.value, dict) else None
    try:
        return read_payload(model, data), data
    except BadPayload:
        raise Refused(STALE_BUTTON) from None


def _ask_form(asking: questions.Asking) -> Form:
    record = asking.record
    return ui.ask_form(
        step_id=asking.step.id or 0,
        reference=record.declaration.reference or "",
        declarant=record.declarant.display_name,
        what=card_for(record, asking.step).heading,
    )


def _reply_form(answering: questions.Answering) -> Form:
    assert answering.question.id is not None
    return ui.reply_form(
        ref=ui.QuestionRef(question_id=answering.question.id),
        asker=answering.asker.display_name if answering.asker else "The approver",
        reference=answering.record.declaration.reference or "",
        question=answering.question.question,
    )


def _opened(turn: Turn, build: Callable[[Session], Form]) -> dict[str, Any]:
    """A form as a dialog, or why it can't be opened."""
    try:
        with turn.db.session() as session:
            return dialog(build(session))
    except Refused as refused:
        return dialog_message(refused.text)


def open_ask(turn: Turn) -> dict[str, Any]:
    def build(session: Session) -> Form:
        ref = _pressed(turn, StepRef)
        return _ask_form(questions.may_ask(session, turn.actor, ref.step_id))

    return _opened(turn, build)


def open_reply(turn: Turn) -> dict[str, Any]:
    def build(session: Session) -> Form:
        ref = _pressed(turn, ui.QuestionRef)
        return _reply_form(questions.may_answer(session, turn.actor, ref.question_id))

    return _opened(turn, build)


def _submit(
    turn: Turn,
    model: type[Payload],
    form_for: Callable[[Session, Any], Form],
    record: Callable[[Session, Any, Answers], str],
    field: str,
) -> dict[str, Any]:
    """A dialog's form submitted: recorded (the dialog says `record`'s words), or shown again
    with the problem at `field` and the words kept; a form that may no longer be sent, told."""
    try:
        ref, data = _submitted(turn, model)
        with turn.db.session() as session:
            form = form_for(session, ref)
    except Refused as refused:
        return dialog_message(refused.text)
    answers = forms.answers(form, data)
    try:
        with turn.db.session() as session:
            said = record(session, ref, answers)
    except Refused as refused:
        return dialog(form, answers=answers, errors=refused.errors or {field: refused.text})
    return dialog_message(said)


def submit_ask(turn: Turn) -> dict[str, Any]:
    def form_for(session: Session, ref: StepRef) -> Form:
        return _ask_form(questions.may_ask(session, turn.actor, ref.step_id))

    def record(session: Session, ref: StepRef, answers: Answers) -> str:
        asked = questions.ask(
            session,
            asker=turn.actor,
            step_id=ref.step_id,
            text=answers.text(ui.Block.QUESTION),
            now=turn.clock(),
        )
        sent = ui.asked_form(asked.declarant_name)
        return " ".join(plain(p.text) for p in sent.parts if isinstance(p, Note))

    return _submit(turn, StepRef, form_for, record, ui.Block.QUESTION)


def submit_reply(turn: Turn) -> dict[str, Any]:
    def form_for(session: Session, ref: ui.QuestionRef) -> Form:
        return _reply_form(questions.may_answer(session, turn.actor, ref.question_id))

    def record(session: Session, ref: ui.QuestionRef, answers: Answers) -> str:
        questions.answer(
            session,
            declarant=turn.actor,
            question_id=ref.question_id,
            text=answers.text(ui.Block.ANSWER),
            now=turn.clock(),
        )
        return "Your answer has gone back. Thank you."

    return _submit(turn, ui.QuestionRef, form_for, record, ui.Block.ANSWER)


# -- the messages ------------------------------------------------------------------------------


def _shown(session: Session, message: Queued) -> Shown | None:
    return shown(session, int(message.payload["question_id"]))


@drawer(QUESTION)
def draw_question(session: Session, message: Queued) -> Drawn | None:
    """To the member of staff: the question, with a Reply button."""
    asked = _shown(session, message)
    if asked is None or asked.question.id is None:
        return None
    return drawn_card(asked.question_card())


@drawer(ANSWERED)
def draw_answered(session: Session, message: Queued) -> Drawn | None:
    """The question's message once answered, in place: no button, and what they said."""
    asked = _shown(session, message)
    if asked is None or message.updates is None:
        return None
    return drawn_card(asked.answered_card(), update=Where(*message.updates))


@drawer(ANSWER)
def draw_answer(session: Session, message: Queued) -> Drawn | None:
    """To the approver: the question and its answer."""
    asked = _shown(session, message)
    if asked is None:
        return None
    return drawn_card(asked.answer_card())
