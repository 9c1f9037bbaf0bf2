"""The /gift form, described once, and its answers read into the rule's plain form. Field ids
are the rule's field names, so a validation error from bot.rules.gifts lands on its own field."""

from __future__ import annotations

from enum import StrEnum

from bot.rules.gifts import (
    FIELD_LIMITS,
    GiftForm,
    GiftType,
    OfferKind,
    Response,
    format_pounds,
)
from bot.rules.words import RELATIONSHIP_WORDS
from bot.ui.forms import Answers, Choice, Field, Form, Kind, Note, ShownWhen
from bot.ui.manager import FIELD_ID as MANAGER_FIELD_ID
from bot.ui.manager import manager_field
from bot.ui.payload import MessageSource

FORM_ID = "gift_declare"


class GiftField(StrEnum):
    KIND = "kind"
    GIFT_TYPE = "gift_type"
    OFFERED_BY = "offered_by"
    RELATIONSHIP = "relationship"
    DESCRIPTION = "description"
    VALUE = "value"
    DATE_OFFERED = "date_offered"
    EVENT_DATE = "event_date"
    RESPONSE = "response"
    REASON = "reason"
    CIRCUMSTANCES = "circumstances"
    LINE_MANAGER = MANAGER_FIELD_ID


USE_AT_WORK = "use_at_work"
UNSOLICITED = "unsolicited"

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


def gift_form(
    *,
    description: str = "",
    ask_for_manager: bool,
    token_threshold_pence: int,
    source: MessageSource | None = None,
) -> Form:
    """`description`: what was offered, if already known (typed after /gift, or the message
    the form was opened from); `source`: that message, kept in the record's audit trail."""
    token = format_pounds(token_threshold_pence)
    f = GiftField
    intro = (
        "Declare *every* offer of a gift or hospitality, whether or not you "
        "accepted it. Cash, vouchers and legacies are always refused."
    )
    if source is not None:
        intro += (
            "\nThe description is the message's text; a link to the message is kept with "
            "your declaration."
        )
    parts: list[Field | Note] = [
        Note(intro),
        Field(
            f.KIND, "Was it a gift or hospitality?", Kind.CHOICE, choices=Choice.all_of(KIND_LABELS)
        ),
        Field(
            f.GIFT_TYPE,
            "For a gift: what sort?",
            Kind.CHOICE,
            menu=True,
            placeholder="Choose one (gifts only)",
            choices=Choice.all_of(GIFT_TYPE_LABELS),
            initial=GiftType.ITEM.value,  # most gifts are items; ignored for hospitality
            shown_when=ShownWhen(f.KIND, frozenset({OfferKind.GIFT.value})),
        ),
        Field(
            f.OFFERED_BY,
            "Who offered it?",
            Kind.SHORT_TEXT,
            hint="The person or organisation.",
            max_length=FIELD_LIMITS["offered_by"],
        ),
        Field(
            f.RELATIONSHIP,
            "Their relationship to the office",
            Kind.CHOICE,
            hint="Take special care with anyone bidding for a contract.",
            menu=True,
            placeholder="Choose one",
            choices=Choice.all_of(RELATIONSHIP_LABELS),
        ),
        Field.limited_text(
            f.DESCRIPTION,
            "What was offered?",
            Kind.LONG_TEXT,
            limit=FIELD_LIMITS["description"],
            prefill=description,
        ),
        Field(
            f.VALUE,
            "Estimated value in pounds",
            Kind.MONEY,
            hint="Your best estimate, e.g. 25 or 12.50. Use 0 if it had no value.",
            max_length=FIELD_LIMITS["value"],
            placeholder="e.g. 25",
        ),
        Field(f.DATE_OFFERED, "Date offered", Kind.DATE),
        Field(
            f.EVENT_DATE,
            "For hospitality: date of the event",
            Kind.DATE,
            hint="Hospitality must be authorised before the event.",
            shown_when=ShownWhen(f.KIND, frozenset({OfferKind.HOSPITALITY.value})),
        ),
        Field(
            f.RESPONSE,
            "What did you do, or want to do?",
            Kind.CHOICE,
            choices=Choice.all_of(RESPONSE_LABELS),
        ),
        Field(
            f.REASON,
            "Why?",
            Kind.LONG_TEXT,
            hint="Needed if you accepted or want to accept: e.g. representing the office.",
            max_length=FIELD_LIMITS["reason"],
            shown_when=ShownWhen(
                f.RESPONSE,
                frozenset({Response.ACCEPTED.value, Response.WANTS_TO_ACCEPT.value}),
            ),
        ),
        Field(
            f.CIRCUMSTANCES,
            "Anything else that applies?",
            Kind.CHOICES,
            required=False,
            choices=(
                Choice(
                    USE_AT_WORK,
                    "It is of use at work (a pen, diary, calendar…)",
                    f"Token gifts of use at work, worth {token} or less, can be kept.",
                ),
                Choice(
                    UNSOLICITED,
                    "It arrived without warning and I already have it",
                    "The monitoring officer will decide what happens to it.",
                ),
            ),
        ),
    ]
    if ask_for_manager:
        parts.append(manager_field(decides="decide"))
    return Form(
        id=FORM_ID,
        title="Gift or hospitality",
        submit="Declare",
        parts=tuple(parts),
        payload=source,
    )


def read_gift(answers: Answers) -> tuple[GiftForm, str | None]:
    """The rule's plain form and, when the manager field was shown, the chosen person's id."""
    f = GiftField
    ticked = answers.choices(f.CIRCUMSTANCES)
    form = GiftForm(
        kind=answers.choice(f.KIND),
        gift_type=answers.choice(f.GIFT_TYPE),
        offered_by=answers.text(f.OFFERED_BY),
        relationship=answers.choice(f.RELATIONSHIP),
        description=answers.text(f.DESCRIPTION),
        value=answers.text(f.VALUE),
        date_offered=answers.date(f.DATE_OFFERED),
        event_date=answers.date(f.EVENT_DATE),
        response=answers.choice(f.RESPONSE),
        reason=answers.text(f.REASON),
        use_at_work=USE_AT_WORK in ticked,
        unsolicited=UNSOLICITED in ticked,
    )
    return form, answers.person(f.LINE_MANAGER)
