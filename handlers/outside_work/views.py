"""The /outside-work modal, built from plain values."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    CheckboxesElement,
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

from bot.rules.outside_work import FIELD_LIMITS, OfficeUse, Pay, When
from handlers.manager_picker import picker_block
from handlers.outside_work.ids import CALLBACK_ID, NO, YES, Field, action_id
from handlers.text import escape

PAY_LABELS = {Pay.PAID: "Paid", Pay.VOLUNTARY: "Voluntary (unpaid)"}
WHEN_LABELS = {
    When.OUTSIDE_HOURS: "Outside office hours",
    When.IN_HOURS: "In office hours",
    When.BOTH: "Both",
}
PARTNER_LABELS = {NO: "No", YES: "Yes"}
USE_LABELS = {
    OfficeUse.SKILLS: "Skills or expertise from my job",
    OfficeUse.INFORMATION: "Information I have because of my job",
    OfficeUse.EQUIPMENT: "The office's equipment or premises",
    OfficeUse.NONE: "None of these",
}


def _options(labels: dict[str, str]) -> list[Option]:
    return [Option(value=str(key), label=label) for key, label in labels.items()]


def outside_work_modal(
    *, organisation: str = "", notes: str = "", ask_for_manager: bool, head_title: str
) -> View:
    head = escape(head_title)
    blocks = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"You need the {head}'s permission *before* you take up any other "
                "business, appointment, employment or voluntary work. Your line manager "
                f"recommends, then the {head} decides. Permission will not be unreasonably "
                "withheld."
            )
        ),
        InputBlock(
            block_id=Field.ORGANISATION,
            label="Employer or organisation",
            element=PlainTextInputElement(
                action_id=action_id(Field.ORGANISATION),
                max_length=FIELD_LIMITS["organisation"],
                initial_value=organisation[: FIELD_LIMITS["organisation"]] or None,
            ),
        ),
        InputBlock(
            block_id=Field.ROLE,
            label="Your role there",
            hint="e.g. trustee, relief bar staff, youth football coach.",
            element=PlainTextInputElement(
                action_id=action_id(Field.ROLE), max_length=FIELD_LIMITS["role"]
            ),
        ),
        InputBlock(
            block_id=Field.PAY,
            label="Paid or voluntary?",
            element=RadioButtonsElement(
                action_id=action_id(Field.PAY), options=_options(PAY_LABELS)
            ),
        ),
        InputBlock(
            block_id=Field.HOURS,
            label="Expected hours a week",
            hint="A number, e.g. 7.5. Your best estimate of an average week.",
            element=PlainTextInputElement(
                action_id=action_id(Field.HOURS),
                max_length=FIELD_LIMITS["hours"],
                placeholder="e.g. 7.5",
            ),
        ),
        InputBlock(
            block_id=Field.WHEN,
            label="When would you do it?",
            element=RadioButtonsElement(
                action_id=action_id(Field.WHEN), options=_options(WHEN_LABELS)
            ),
        ),
        InputBlock(
            block_id=Field.START_DATE,
            label="Start date",
            hint="Ask before you start: permission is needed first.",
            element=DatePickerElement(action_id=action_id(Field.START_DATE)),
        ),
        InputBlock(
            block_id=Field.INVOLVES_PARTNER,
            label="Does it involve a contractor, supplier or partner of the office?",
            element=RadioButtonsElement(
                action_id=action_id(Field.INVOLVES_PARTNER), options=_options(PARTNER_LABELS)
            ),
        ),
        InputBlock(
            block_id=Field.PARTNER,
            label="If yes, which?",
            optional=True,
            element=PlainTextInputElement(
                action_id=action_id(Field.PARTNER), max_length=FIELD_LIMITS["partner"]
            ),
        ),
        InputBlock(
            block_id=Field.USES_OFFICE,
            label="Would it use anything from your job?",
            element=CheckboxesElement(
                action_id=action_id(Field.USES_OFFICE), options=_options(USE_LABELS)
            ),
        ),
        InputBlock(
            block_id=Field.NOTES,
            label=f"Anything else the {head_title} should know?",
            hint="e.g. how you will avoid any conflict with your work here.",
            optional=True,
            element=PlainTextInputElement(
                action_id=action_id(Field.NOTES),
                multiline=True,
                max_length=FIELD_LIMITS["notes"],
                initial_value=notes[: FIELD_LIMITS["notes"]] or None,
            ),
        ),
    ]
    if ask_for_manager:
        blocks.append(picker_block(decides="recommend"))
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=PlainTextObject(text="Outside work"),
        submit=PlainTextObject(text="Ask permission"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    )
