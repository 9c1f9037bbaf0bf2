"""The question and answer forms (bot/ui/questions.py) rendered for Slack; their messages are
drawn from the same cards in handlers.questions.cards."""

from __future__ import annotations

from slack_sdk.models.views import View

from bot.ui import questions as ui
from bot.ui.questions import QuestionRef
from handlers import slack_ui


def ask_modal(*, step_id: int, reference: str, declarant: str, what: str) -> View:
    return slack_ui.modal(
        ui.ask_form(step_id=step_id, reference=reference, declarant=declarant, what=what)
    )


def asked_view(declarant: str) -> View:
    """The form, once sent: it says what happens next rather than just vanishing."""
    return slack_ui.modal(ui.asked_form(declarant))


def reply_modal(*, ref: QuestionRef, asker: str, reference: str, question: str) -> View:
    return slack_ui.modal(
        ui.reply_form(ref=ref, asker=asker, reference=reference, question=question)
    )
