"""The /interest modal and the end-an-interest form, built from plain values."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.rules.interests import FIELD_LIMITS, Category
from handlers.interests.ids import CALLBACK_ID, END_CALLBACK_ID, END_DATE, Field, action_id
from handlers.metadata import DeclarationRef
from handlers.text import clip, escape

# (label, description): option labels and descriptions are at most 75 characters.
CATEGORY_OPTIONS: dict[Category, tuple[str, str]] = {
    Category.FINANCIAL: (
        "A financial interest",
        "Shares, a business, property… that could conflict with the office (§8.2)",
    ),
    Category.NON_FINANCIAL: (
        "A non-financial or voluntary commitment",
        "A trusteeship, a charity or community role, a committee… (§8.1)",
    ),
    Category.MEMBERSHIP: (
        "Membership of an organisation not open to the public",
        "One that asks allegiance, or secrecy about its rules or members (§8.3)",
    ),
    Category.CONTRACTOR: (
        "A relationship with a contractor",
        "Business or private, with a contractor or potential contractor (§5.2)",
    ),
    Category.RELATIONSHIP: (
        "A relative or close personal relationship",
        "Touching recruitment, promotion, pay or discipline (§6)",
    ),
    Category.CANVASSED: (
        "Canvassed by a candidate",
        "Approached by, or for, a candidate in an appointment (§6.3)",
    ),
    Category.POLITICAL: (
        "Political activity",
        "A council seat, party office, canvassing… (Derbyshire §7, A&S §3.15)",
    ),
    Category.OTHER: ("Something else", "Any other interest that could conflict with your work"),
}


def interest_modal(*, description: str = "") -> View:
    """The declaration form; `description` pre-fills from `/interest <text>`."""
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text="Declare any interest that could conflict, or be seen to conflict, with "
                "your work for the office. It goes to your line manager and onto the "
                "*Register of Interests*, which only they and the register keepers see."
            )
        ),
        InputBlock(
            block_id=Field.CATEGORY,
            label="What kind of interest is it?",
            element=RadioButtonsElement(
                action_id=action_id(Field.CATEGORY),
                options=[
                    Option(value=c.value, label=label, description=hint)
                    for c, (label, hint) in CATEGORY_OPTIONS.items()
                ],
            ),
        ),
        InputBlock(
            block_id=Field.ORGANISATION,
            label="The organisation concerned",
            hint="The company, charity, club, party or council. Not needed for a relative "
            "or close relationship.",
            optional=True,
            element=PlainTextInputElement(
                action_id=action_id(Field.ORGANISATION),
                max_length=FIELD_LIMITS["organisation"],
            ),
        ),
        InputBlock(
            block_id=Field.COLLEAGUE,
            label="The colleague concerned, if any",
            hint="For a relative or close relationship: the colleague in the recruitment, "
            "promotion, pay or discipline matter. They won't be asked to decide this "
            "(combined-authority §6).",
            optional=True,
            element=UserSelectElement(
                action_id=action_id(Field.COLLEAGUE), placeholder="Choose a person"
            ),
        ),
        InputBlock(
            block_id=Field.DESCRIPTION,
            label="Describe the interest",
            hint="E.g. 'I own 5% of the shares', 'I am a trustee', 'my brother applied for "
            "the analyst post'.",
            element=PlainTextInputElement(
                action_id=action_id(Field.DESCRIPTION),
                multiline=True,
                max_length=FIELD_LIMITS["description"],
                initial_value=clip(description, FIELD_LIMITS["description"]) or None,
            ),
        ),
        InputBlock(
            block_id=Field.STARTED_ON,
            label="Since when?",
            hint="Your best estimate will do.",
            element=DatePickerElement(action_id=action_id(Field.STARTED_ON)),
        ),
        InputBlock(
            block_id=Field.ENDED_ON,
            label="Until when?",
            hint="Leave blank if it is ongoing. You can end it later from /conduct mine.",
            optional=True,
            element=DatePickerElement(action_id=action_id(Field.ENDED_ON)),
        ),
        InputBlock(
            block_id=Field.CONFLICT,
            label="How could it conflict with the office's interests?",
            hint="E.g. 'the company bids for our cleaning contract'. If you think it can't, "
            "say why.",
            element=PlainTextInputElement(
                action_id=action_id(Field.CONFLICT),
                multiline=True,
                max_length=FIELD_LIMITS["conflict"],
            ),
        ),
        InputBlock(
            block_id=Field.PROPOSAL,
            label="What do you propose?",
            hint="E.g. 'to take no part in the cleaning contract award'. Needed for a "
            "relative or close relationship: you take no part (§6).",
            optional=True,
            element=PlainTextInputElement(
                action_id=action_id(Field.PROPOSAL),
                multiline=True,
                max_length=FIELD_LIMITS["proposal"],
            ),
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="The code asks you to declare interests that could conflict with "
                    "your duties (combined-authority §5.2, §6, §8); staff in politically "
                    "restricted posts may not take part in formal political activity "
                    "(Derbyshire §7; Avon and Somerset §3.15); and you keep the register "
                    "up to date when things change (Cumbria undertaking)."
                )
            ]
        ),
    ]
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=PlainTextObject(text="Declare an interest"),
        submit=PlainTextObject(text="Declare"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    )


def end_modal(*, declaration_id: int, reference: str, what: str, today: date) -> View:
    """Asks when an interest ended; the record stays on the register."""
    return View(
        type="modal",
        callback_id=END_CALLBACK_ID,
        private_metadata=DeclarationRef(declaration_id=declaration_id).encode(),
        title=PlainTextObject(text="End an interest"),
        submit=PlainTextObject(text="End it"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(f"*{reference}*: {escape(what)}", 3000),
                )
            ),
            InputBlock(
                block_id=END_DATE,
                label="When did it end (or when will it end)?",
                hint="It stays on the Register of Interests with this end date: the "
                "register keeps its history. Your line manager will be told.",
                element=DatePickerElement(
                    action_id=action_id(END_DATE), initial_date=today.isoformat()
                ),
            ),
        ],
    )
