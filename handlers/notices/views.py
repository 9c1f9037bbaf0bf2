"""The /conduct notify modal, built from plain values."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.rules.notices import CATEGORY_LABELS, DESCRIPTION_MAX
from handlers.notices.ids import CALLBACK_ID, Field, action_id
from handlers.text import clip, escape


def notice_modal(*, audience: str) -> View:
    """`audience`: who it goes to, in words ("the Chief Executive and the Vetting Officer")."""
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=PlainTextObject(text="Confidential notice"),
        submit=PlainTextObject(text="Send in confidence"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(
                        ":lock: *Confidential.* Tell the office without delay about a criminal "
                        "charge, legal proceedings, or anything that could affect your vetting. "
                        f"This goes only to {escape(audience)}, in a direct message. It is "
                        "never posted in a channel and never published.",
                        3000,
                    )
                )
            ),
            InputBlock(
                block_id=Field.CATEGORY,
                label="What are you notifying?",
                element=RadioButtonsElement(
                    action_id=action_id(Field.CATEGORY),
                    options=[
                        Option(value=key.value, label=label)
                        for key, label in CATEGORY_LABELS.items()
                    ],
                ),
            ),
            InputBlock(
                block_id=Field.DESCRIPTION,
                label="What happened?",
                hint="The facts, briefly: e.g. the charge or claim, the court, what changed.",
                element=PlainTextInputElement(
                    action_id=action_id(Field.DESCRIPTION),
                    multiline=True,
                    max_length=DESCRIPTION_MAX,
                ),
            ),
            InputBlock(
                block_id=Field.OCCURRED_ON,
                label="When did it happen?",
                hint="Leave blank if you are not sure.",
                optional=True,
                element=DatePickerElement(action_id=action_id(Field.OCCURRED_ON)),
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Each of them will acknowledge it, and you'll be told when they do."
                    )
                ]
            ),
        ],
    )
