"""The /gift modal, built from plain values."""

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
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.rules.gifts import (
    FIELD_LIMITS,
    GiftType,
    OfferKind,
    Response,
    format_pounds,
)
from bot.rules.words import RELATIONSHIP_WORDS
from handlers.gifts.ids import CALLBACK_ID, UNSOLICITED, USE_AT_WORK, Field, action_id
from handlers.manager_picker import picker_block
from handlers.metadata import MessageSource

KIND_LABELS = {
    OfferKind.GIFT: "A gift",
    OfferKind.HOSPITALITY: "Hospitality (a meal, event, travel…)",
}
GIFT_TYPE_LABELS = {
    GiftType.ITEM: "An item (goods, a pen, tickets…)",
    GiftType.MONETARY: "Cash, vouchers or another monetary gift",
    GiftType.LEGACY: "A legacy in a will",
}
RELATIONSHIP_LABELS = RELATIONSHIP_WORDS  # the form offers the words the card shows
RESPONSE_LABELS = {
    Response.DECLINED: "I declined it",
    Response.ACCEPTED: "I accepted it",
    Response.WANTS_TO_ACCEPT: "I would like to accept it",
}


def _options(labels: dict) -> list[Option]:
    return [Option(value=key.value, label=label) for key, label in labels.items()]


def gift_modal(
    *,
    description: str = "",
    ask_for_manager: bool,
    token_threshold_pence: int,
    source: MessageSource | None = None,
) -> View:
    """`source`: the message it was declared from, kept in the record's audit trail."""
    token = format_pounds(token_threshold_pence)
    intro = (
        "Declare *every* offer of a gift or hospitality, whether or not you "
        "accepted it. Cash, vouchers and legacies are always refused."
    )
    if source is not None:
        intro += (
            "\nThe description is the message's text; a link to the message is kept with "
            "your declaration."
        )
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=intro)),
        InputBlock(
            block_id=Field.KIND,
            label="Was it a gift or hospitality?",
            element=RadioButtonsElement(
                action_id=action_id(Field.KIND), options=_options(KIND_LABELS)
            ),
        ),
        InputBlock(
            block_id=Field.GIFT_TYPE,
            label="For a gift: what sort?",
            optional=True,
            element=StaticSelectElement(
                action_id=action_id(Field.GIFT_TYPE),
                placeholder="Choose one (gifts only)",
                options=_options(GIFT_TYPE_LABELS),
                # Most gifts are items; ignored when hospitality is chosen.
                initial_option=Option(
                    value=GiftType.ITEM.value, label=GIFT_TYPE_LABELS[GiftType.ITEM]
                ),
            ),
        ),
        InputBlock(
            block_id=Field.OFFERED_BY,
            label="Who offered it?",
            hint="The person or organisation.",
            element=PlainTextInputElement(
                action_id=action_id(Field.OFFERED_BY), max_length=FIELD_LIMITS["offered_by"]
            ),
        ),
        InputBlock(
            block_id=Field.RELATIONSHIP,
            label="Their relationship to the office",
            hint="Take special care with anyone bidding for a contract.",
            element=StaticSelectElement(
                action_id=action_id(Field.RELATIONSHIP),
                placeholder="Choose one",
                options=_options(RELATIONSHIP_LABELS),
            ),
        ),
        InputBlock(
            block_id=Field.DESCRIPTION,
            label="What was offered?",
            element=PlainTextInputElement(
                action_id=action_id(Field.DESCRIPTION),
                multiline=True,
                max_length=FIELD_LIMITS["description"],
                initial_value=description[: FIELD_LIMITS["description"]] or None,
            ),
        ),
        InputBlock(
            block_id=Field.VALUE,
            label="Estimated value in pounds",
            hint="Your best estimate, e.g. 25 or 12.50. Use 0 if it had no value.",
            element=PlainTextInputElement(
                action_id=action_id(Field.VALUE),
                max_length=FIELD_LIMITS["value"],
                placeholder="e.g. 25",
            ),
        ),
        InputBlock(
            block_id=Field.DATE_OFFERED,
            label="Date offered",
            element=DatePickerElement(action_id=action_id(Field.DATE_OFFERED)),
        ),
        InputBlock(
            block_id=Field.EVENT_DATE,
            label="For hospitality: date of the event",
            hint="Hospitality must be authorised before the event.",
            optional=True,
            element=DatePickerElement(action_id=action_id(Field.EVENT_DATE)),
        ),
        InputBlock(
            block_id=Field.RESPONSE,
            label="What did you do, or want to do?",
            element=RadioButtonsElement(
                action_id=action_id(Field.RESPONSE), options=_options(RESPONSE_LABELS)
            ),
        ),
        InputBlock(
            block_id=Field.REASON,
            label="Why?",
            hint="Needed if you accepted or want to accept: e.g. representing the office.",
            optional=True,
            element=PlainTextInputElement(
                action_id=action_id(Field.REASON),
                multiline=True,
                max_length=FIELD_LIMITS["reason"],
            ),
        ),
        InputBlock(
            block_id=Field.CIRCUMSTANCES,
            label="Anything else that applies?",
            optional=True,
            element=CheckboxesElement(
                action_id=action_id(Field.CIRCUMSTANCES),
                options=[
                    Option(
                        value=USE_AT_WORK,
                        label="It is of use at work (a pen, diary, calendar…)",
                        description=f"Token gifts of use at work, worth {token} or less, "
                        "can be kept.",
                    ),
                    Option(
                        value=UNSOLICITED,
                        label="It arrived without warning and I already have it",
                        description="The monitoring officer will decide what happens to it.",
                    ),
                ],
            ),
        ),
    ]
    if ask_for_manager:
        blocks.append(picker_block(decides="decide"))
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        private_metadata=source.encode() if source else None,
        title=PlainTextObject(text="Gift or hospitality"),
        submit=PlainTextObject(text="Declare"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    )
