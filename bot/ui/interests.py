"""The /interest form and the end-an-interest form, described once, and their answers read
into the rule's plain form. Field ids are the rule's field names, so a validation error from
bot.rules.interests lands on its own field."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from bot.rules.interests import FIELD_LIMITS, Category, InterestForm
from bot.ui.forms import Answers, Choice, Field, Form, Kind, Note
from bot.ui.payload import DeclarationRef
from bot.ui.text import escape

FORM_ID = "interest_declare"
END_FORM_ID = "interest_end"


class InterestField(StrEnum):
    CATEGORY = "category"
    ORGANISATION = "organisation"
    COLLEAGUE = "colleague"
    DESCRIPTION = "description"
    STARTED_ON = "started_on"
    ENDED_ON = "ended_on"
    CONFLICT = "conflict"
    PROPOSAL = "proposal"


# The end-an-interest form's one field.
END_DATE = "end_date"

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


def interest_form(*, description: str = "") -> Form:
    """The declaration form; `description` pre-fills from `/interest <text>`."""
    f = InterestField
    return Form(
        id=FORM_ID,
        title="Declare an interest",
        submit="Declare",
        parts=(
            Note(
                "Declare any interest that could conflict, or be seen to conflict, with "
                "your work for the office. It goes to your line manager and onto the "
                "*Register of Interests*, which only they and the register keepers see."
            ),
            Field(
                f.CATEGORY,
                "What kind of interest is it?",
                Kind.CHOICE,
                choices=tuple(
                    Choice(c.value, lab, hint) for c, (lab, hint) in CATEGORY_OPTIONS.items()
                ),
            ),
            Field(
                f.ORGANISATION,
                "The organisation concerned",
                Kind.SHORT_TEXT,
                hint="The company, charity, club, party or council. Not needed for a relative "
                "or close relationship.",
                required=False,
                max_length=FIELD_LIMITS["organisation"],
            ),
            Field(
                f.COLLEAGUE,
                "The colleague concerned, if any",
                Kind.PERSON,
                hint="For a relative or close relationship: the colleague in the recruitment, "
                "promotion, pay or discipline matter. They won't be asked to decide this "
                "(combined-authority §6).",
                required=False,
                placeholder="Choose a person",
            ),
            Field(
                f.DESCRIPTION,
                "Describe the interest",
                Kind.LONG_TEXT,
                hint="E.g. 'I own 5% of the shares', 'I am a trustee', 'my brother applied for "
                "the analyst post'.",
                max_length=FIELD_LIMITS["description"],
                initial=description or None,
            ),
            Field(f.STARTED_ON, "Since when?", Kind.DATE, hint="Your best estimate will do."),
            Field(
                f.ENDED_ON,
                "Until when?",
                Kind.DATE,
                hint="Leave blank if it is ongoing. You can end it later from /conduct mine.",
                required=False,
            ),
            Field(
                f.CONFLICT,
                "How could it conflict with the office's interests?",
                Kind.LONG_TEXT,
                hint="E.g. 'the company bids for our cleaning contract'. If you think it can't, "
                "say why.",
                max_length=FIELD_LIMITS["conflict"],
            ),
            Field(
                f.PROPOSAL,
                "What do you propose?",
                Kind.LONG_TEXT,
                hint="E.g. 'to take no part in the cleaning contract award'. Needed for a "
                "relative or close relationship: you take no part (§6).",
                required=False,
                max_length=FIELD_LIMITS["proposal"],
            ),
            Note(
                "The code asks you to declare interests that could conflict with "
                "your duties (combined-authority §5.2, §6, §8); staff in politically "
                "restricted posts may not take part in formal political activity "
                "(Derbyshire §7; Avon and Somerset §3.15); and you keep the register "
                "up to date when things change (Cumbria undertaking).",
                small=True,
            ),
        ),
    )


def end_form(*, declaration_id: int, reference: str, what: str, today: date) -> Form:
    """Asks when an interest ended; the record stays on the register."""
    return Form(
        id=END_FORM_ID,
        title="End an interest",
        submit="End it",
        payload=DeclarationRef(declaration_id=declaration_id),
        parts=(
            Note(f"*{reference}*: {escape(what)}"),
            Field(
                END_DATE,
                "When did it end (or when will it end)?",
                Kind.DATE,
                hint="It stays on the Register of Interests with this end date: the "
                "register keeps its history. Your line manager will be told.",
                initial=today,
            ),
        ),
    )


def read_interest(answers: Answers) -> InterestForm:
    f = InterestField
    return InterestForm(
        category=answers.choice(f.CATEGORY),
        organisation=answers.text(f.ORGANISATION),
        colleague=answers.person(f.COLLEAGUE),
        description=answers.text(f.DESCRIPTION),
        started_on=answers.date(f.STARTED_ON),
        ended_on=answers.date(f.ENDED_ON),
        conflict=answers.text(f.CONFLICT),
        proposal=answers.text(f.PROPOSAL),
    )
