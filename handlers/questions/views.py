"""The question and answer forms and messages (bot/ui/questions.py) rendered for Slack."""

from __future__ import annotations

from slack_sdk.models.views import View

from bot.notifier import Message
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


def question_message(
    *, question_id: int, asker: str, reference: str, what: str, question: str
) -> Message:
    """To the member of staff: the question, with a Reply button."""
    return slack_ui.message(
        ui.question_card(
            question_id=question_id, asker=asker, reference=reference, what=what, question=question
        )
    )


def answered_message(
    *, asker: str, reference: str, what: str, question: str, answer: str
) -> Message:
    """The member of staff's question DM once answered: no button, and what they said."""
    return slack_ui.message(
        ui.answered_card(
            asker=asker, reference=reference, what=what, question=question, answer=answer
        )
    )


def answer_message(
    *, declarant: str, reference: str, what: str, question: str, answer: str
) -> Message:
    """To the approver: the question and its answer."""
    return slack_ui.message(
        ui.answer_card(
            declarant=declarant, reference=reference, what=what, question=question, answer=answer
        )
    )


def reply_modal(*, ref: QuestionRef, asker: str, reference: str, question: str) -> View:
    return slack_ui.modal(
        ui.reply_form(ref=ref, asker=asker, reference=reference, question=question)
    )
