"""The /conduct reassign modal and its confirmation, built from plain values."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from handlers.reassign.ids import CALLBACK_ID, REASON_MAX, Field, action_id
from handlers.text import clip, escape


def reassign_modal(*, reference: str = "") -> View:
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=PlainTextObject(text="Reassign an approval"),
        submit=PlainTextObject(text="Reassign"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text="Move a declaration that is waiting for a decision to someone else. "
                    "The person it was with, the new approver and the member of staff are told."
                )
            ),
            InputBlock(
                block_id=Field.REFERENCE,
                label="Reference",
                hint="As in the messages, e.g. GH-00001.",
                element=PlainTextInputElement(
                    action_id=action_id(Field.REFERENCE),
                    max_length=32,
                    placeholder="GH-00001",
                    initial_value=reference[:32] or None,
                ),
            ),
            InputBlock(
                block_id=Field.CURRENT,
                label="Whose step moves",
                hint="Only needed when several people are deciding it at once.",
                optional=True,
                element=UserSelectElement(
                    action_id=action_id(Field.CURRENT), placeholder="Choose a person"
                ),
            ),
            InputBlock(
                block_id=Field.APPROVER,
                label="New approver",
                element=UserSelectElement(
                    action_id=action_id(Field.APPROVER), placeholder="Choose a person"
                ),
            ),
            InputBlock(
                block_id=Field.REASON,
                label="Why?",
                hint="Kept in the audit trail, and shown to the person it was with.",
                element=PlainTextInputElement(
                    action_id=action_id(Field.REASON), multiline=True, max_length=REASON_MAX
                ),
            ),
        ],
    )


def done_view(text: str) -> View:
    return View(
        type="modal",
        title=PlainTextObject(text="Reassigned"),
        close=PlainTextObject(text="Done"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=clip(escape(text), 3000)))],
    )
