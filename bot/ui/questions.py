"""An approver's question to the member of staff and the answer: the forms and the messages
that carry them, described once."""

from __future__ import annotations

from enum import StrEnum

from bot.ui.approval import Action as ApprovalAction
from bot.ui.cards import Button, Card, Style
from bot.ui.forms import Field, Form, Kind, Note
from bot.ui.payload import Payload, StepRef
from bot.ui.text import clip, escape

# "Ask a question…" on an approver's card, beside the decision buttons; payload: StepRef.
ASK = ApprovalAction.ASK.value


class Action(StrEnum):
    ASK = ASK
    REPLY = "question_reply"  # on the member of staff's DM; payload: QuestionRef


class Callback(StrEnum):
    ASK = "question_ask"  # payload: StepRef
    REPLY = "question_answer"  # payload: QuestionRef, with where the question is


class Block(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"


QUESTION_MAX = 1000
ANSWER_MAX = 2000


class QuestionRef(Payload):
    """Which question a Reply button or the answer form is about; the form also carries the
    message the question was posted in, so answering can update it."""

    question_id: int
    channel: str | None = None
    ts: str | None = None


def _quote(text: str, limit: int = 2500) -> str:
    return "\n".join(f">{line}" for line in clip(escape(text), limit).splitlines() or [""])


def ask_form(*, step_id: int, reference: str, declarant: str, what: str) -> Form:
    return Form(
        id=Callback.ASK,
        title="Ask a question",
        submit="Send question",
        payload=StepRef(step_id=step_id),
        parts=(
            Note(f"*{reference}* · {escape(declarant)}\n{escape(what)}"),
            Field(
                Block.QUESTION,
                f"What would you like to ask {clip(declarant, 100)}?",
                Kind.LONG_TEXT,
                hint="They answer in Nolan; the answer comes back to you here, and the "
                "reminder clock starts again.",
                max_length=QUESTION_MAX,
            ),
        ),
    )


def asked_form(declarant: str) -> Form:
    """The form, once sent: it says what happens next rather than just vanishing."""
    return Form(
        id="",
        title="Question sent",
        submit="",
        close="Done",
        parts=(
            Note(
                f":speech_balloon: Your question has gone to {escape(declarant)}. "
                "Nolan will send you their answer in a direct message. The decision "
                "buttons on your message still work in the meantime."
            ),
        ),
    )


def reply_form(*, ref: QuestionRef, asker: str, reference: str, question: str) -> Form:
    return Form(
        id=Callback.REPLY,
        title="Reply",
        submit="Send answer",
        payload=ref,
        parts=(
            Note(f"*{escape(asker)} asked* ({reference}):\n{_quote(question)}"),
            Field(
                Block.ANSWER,
                "Your answer",
                Kind.LONG_TEXT,
                hint=f"Only {clip(asker, 100)} will see it.",
                max_length=ANSWER_MAX,
            ),
        ),
    )


def question_card(
    *, question_id: int, asker: str, reference: str, what: str, question: str
) -> Card:
    """To the member of staff: the question, with a Reply button."""
    intro = f":speech_balloon: {escape(asker)} has a question about {escape(what)} ({reference}):"
    return Card(
        title="",
        summary=f"{asker} has a question about {reference}",
        intro=f"{intro}\n{_quote(question)}",
        actions=(
            Button(
                id=Action.REPLY,
                label="Reply…",
                payload=QuestionRef(question_id=question_id),
                style=Style.PRIMARY,
            ),
        ),
        footnotes=(f"Reference {reference} · only {escape(asker)} will see your answer",),
    )


def answered_card(*, asker: str, reference: str, what: str, question: str, answer: str) -> Card:
    """The member of staff's question once answered: no button, and what they said."""
    return Card(
        title="",
        summary=f"You answered {asker}'s question about {reference}",
        intro=(
            f":speech_balloon: {escape(asker)} asked about {escape(what)} ({reference}):\n"
            f"{_quote(question, 1200)}\n*Your answer:*\n{_quote(answer, 1500)}"
        ),
        footnotes=(f":white_check_mark: Answered · {reference}",),
    )


def answer_card(*, declarant: str, reference: str, what: str, question: str, answer: str) -> Card:
    """To the approver: the question and its answer."""
    return Card(
        title="",
        summary=f"{declarant} answered your question about {reference}",
        intro=(
            f":speech_balloon: {escape(declarant)} answered your question about {reference} "
            f"({escape(what)}).\n*You asked:*\n{_quote(question, 1200)}\n*Their answer:*\n"
            f"{_quote(answer, 1500)}"
        ),
        footnotes=("Decide from the original message. The reminder clock has started again.",),
    )
