"""The register export modal (pure: built from plain values)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.export import FORMATS
from bot.registers import REGISTERS
from handlers.register_export.ids import FULL, PUBLIC, Callback, Field, action_id

# What each register is called in the form (the keys are bot.registers.REGISTERS').
REGISTER_NAMES = {
    "gifts": "Gifts and hospitality",
    "interests": "Interests",
    "outside-work": "Outside work",
}
DATE_HINTS = {
    "gifts": "the date offered",
    "interests": "the day declared",
    "outside-work": "the day requested",
}


def _option(value: str, text: str) -> Option:
    return Option(value=value, text=text)


def export_modal() -> View:
    registers = [_option(name, REGISTER_NAMES.get(name, name)) for name in REGISTERS]
    formats = [_option(fmt, fmt.upper()) for fmt in FORMATS]
    content = [
        Option(
            value=PUBLIC,
            text="For publication",
            description="Only the columns and entries that may be published",
        ),
        Option(
            value=FULL,
            text="Full register",
            description="Every column, personal data included: keep it safe",
        ),
    ]
    return View(
        type="modal",
        callback_id=Callback.FORM,
        title="Export a register",
        submit="Export",
        close="Cancel",
        blocks=[
            InputBlock(
                block_id=Field.REGISTER,
                label="Register",
                element=StaticSelectElement(
                    action_id=action_id(Field.REGISTER),
                    options=registers,
                    initial_option=registers[0],
                ),
            ),
            InputBlock(
                block_id=Field.FORMAT,
                label="Format",
                element=RadioButtonsElement(
                    action_id=action_id(Field.FORMAT), options=formats, initial_option=formats[0]
                ),
            ),
            InputBlock(
                block_id=Field.CONTENT,
                label="What to include",
                element=RadioButtonsElement(
                    action_id=action_id(Field.CONTENT), options=content, initial_option=content[0]
                ),
            ),
            InputBlock(
                block_id=Field.DATE_FROM,
                label="From (optional)",
                optional=True,
                element=DatePickerElement(action_id=action_id(Field.DATE_FROM)),
            ),
            InputBlock(
                block_id=Field.DATE_TO,
                label="To (optional)",
                optional=True,
                element=DatePickerElement(action_id=action_id(Field.DATE_TO)),
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Dates are inclusive: "
                        + "; ".join(
                            f"{REGISTER_NAMES[k].lower()} by {v}" for k, v in DATE_HINTS.items()
                        )
                        + ". The file arrives in your DM with Nolan."
                    )
                ]
            ),
        ],
    )


def refusal_modal(text: str) -> View:
    return View(
        type="modal",
        title="Export a register",
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )
