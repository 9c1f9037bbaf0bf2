"""More information: "Ask a question…" on an approver's card, "Reply…" for the member of
staff, and the answer back to the approver with the escalation clock restarted."""

from __future__ import annotations

from slack_bolt import App

from handlers.questions.ids import Action, Callback
from handlers.questions.listeners import (
    open_question_form,
    open_reply_form,
    submit_answer,
    submit_question,
)


def register(app: App) -> None:
    app.action(Action.ASK.value)(open_question_form)
    app.action(Action.REPLY.value)(open_reply_form)
    app.view(Callback.ASK.value)(submit_question)
    app.view(Callback.REPLY.value)(submit_answer)
