"""The question and answer forms, and the messages that carry them. Pure: plain values in."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.notifier import Message
from handlers.metadata import StepRef
from handlers.questions.ids import (
    ANSWER_MAX,
    QUESTION_MAX,
    Action,
    Callback,
    Input,
    QuestionRef,
)
from handlers.questions.ids import (
    Block as BlockId,
)
from handlers.text import clip, escape


def _quote(text: str, limit: int = 2500) -> str:
    return "\n".join(f">{line}" for line in clip(escape(text), limit).splitlines() or [""])


def ask_modal(*, step_id: int, reference: str, declarant: str, what: str) -> View:
    return View(
        type="modal",
        callback_id=Callback.ASK,
        private_metadata=StepRef(step_id=step_id).encode(),
        title=PlainTextObject(text="Ask a question"),
        submit=PlainTextObject(text="Send question"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(f"*{reference}* · {escape(declarant)}\n{escape(what)}", 3000)
                )
            ),
            InputBlock(
                block_id=BlockId.QUESTION,
                label=f"What would you like to ask {clip(declarant, 100)}?",
                hint="They answer in Nolan; the answer comes back to you here, and the "
                "reminder clock starts again.",
                element=PlainTextInputElement(
                    action_id=Input.QUESTION, multiline=True, max_length=QUESTION_MAX
                ),
            ),
        ],
    )


def asked_view(declarant: str) -> View:
    """The form, once sent: it says what happens next rather than just vanishing."""
    return View(
        type="modal",
        title=PlainTextObject(text="Question sent"),
        close=PlainTextObject(text="Done"),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(
                        f":speech_balloon: Your question has gone to {escape(declarant)}. "
                        "Nolan will send you their answer in a direct message. The decision "
                        "buttons on your message still work in the meantime.",
                        3000,
                    )
                )
            )
        ],
    )


def question_message(
    *, question_id: int, asker: str, reference: str, what: str, question: str
) -> Message:
    """To the member of staff: the question, with a Reply button."""
    intro = f":speech_balloon: {escape(asker)} has a question about {escape(what)} ({reference}):"
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=clip(f"{intro}\n{_quote(question)}", 3000))),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Reply…",
                    action_id=Action.REPLY,
                    value=QuestionRef(question_id=question_id).encode(),
                    style="primary",
                )
            ]
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Reference {reference} · only {escape(asker)} will see your answer"
                )
            ]
        ),
    ]
    return Message(text=clip(f"{asker} has a question about {reference}", 3000), blocks=blocks)


def answered_message(
    *, asker: str, reference: str, what: str, question: str, answer: str
) -> Message:
    """The member of staff's question DM once answered: no button, and what they said."""
    text = (
        f":speech_balloon: {escape(asker)} asked about {escape(what)} ({reference}):\n"
        f"{_quote(question, 1200)}\n*Your answer:*\n{_quote(answer, 1500)}"
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=clip(text, 3000))),
        ContextBlock(
            elements=[MarkdownTextObject(text=f":white_check_mark: Answered · {reference}")]
        ),
    ]
    return Message(
        text=clip(f"You answered {asker}'s question about {reference}", 3000), blocks=blocks
    )


def answer_message(
    *, declarant: str, reference: str, what: str, question: str, answer: str
) -> Message:
    """To the approver: the question and its answer."""
    text = (
        f":speech_balloon: {escape(declarant)} answered your question about {reference} "
        f"({escape(what)}).\n*You asked:*\n{_quote(question, 1200)}\n*Their answer:*\n"
        f"{_quote(answer, 1500)}"
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=clip(text, 3000))),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Decide from the original message. The reminder clock has started again."
                )
            ]
        ),
    ]
    return Message(
        text=clip(f"{declarant} answered your question about {reference}", 3000), blocks=blocks
    )


def reply_modal(*, ref: QuestionRef, asker: str, reference: str, question: str) -> View:
    return View(
        type="modal",
        callback_id=Callback.REPLY,
        private_metadata=ref.encode(),
        title=PlainTextObject(text="Reply"),
        submit=PlainTextObject(text="Send answer"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(f"*{escape(asker)} asked* ({reference}):\n{_quote(question)}", 3000)
                )
            ),
            InputBlock(
                block_id=BlockId.ANSWER,
                label="Your answer",
                hint=f"Only {clip(asker, 100)} will see it.",
                element=PlainTextInputElement(
                    action_id=Input.ANSWER, multiline=True, max_length=ANSWER_MAX
                ),
            ),
        ],
    )
