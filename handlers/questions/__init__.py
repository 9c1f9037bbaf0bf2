"""More information: "Ask a question…" on an approver's card, "Reply…" for the member of
staff, and the answer back to the approver with the escalation clock restarted."""

from __future__ import annotations

from slack_bolt import App

from handlers.context import meta
from handlers.metadata import StepRef
from handlers.questions import cards as cards
from handlers.questions.ids import Action, Block, Callback, QuestionRef
from handlers.questions.listeners import (
    open_question_form,
    open_reply_form,
    submit_answer,
    submit_question,
)


def register(app: App) -> None:
    app.action(Action.ASK.value, middleware=[meta(StepRef)])(open_question_form)
    app.action(Action.REPLY.value, middleware=[meta(QuestionRef)])(open_reply_form)
    app.view(Callback.ASK.value, middleware=[meta(StepRef, field=Block.QUESTION)])(submit_question)
    app.view(Callback.REPLY.value, middleware=[meta(QuestionRef, field=Block.ANSWER)])(
        submit_answer
    )
