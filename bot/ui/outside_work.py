"""The /outside-work form, described once, and its answers read into the rule's plain form.
Field ids are the rule's field names, so a validation error from bot.rules.outside_work lands
on its own field."""

from __future__ import annotations

from enum import StrEnum

from bot.rules.outside_work import FIELD_LIMITS, OfficeUse, OutsideWorkForm, Pay, When
from bot.ui.forms import Answers, Choice, Field, Form, Kind, Note, ShownWhen
from bot.ui.manager import FIELD_ID as MANAGER_FIELD_ID
from bot.ui.manager import manager_field
from bot.ui.text import escape

FORM_ID = "outside_work_request"


class OutsideWorkField(StrEnum):
    ORGANISATION = "organisation"
    ROLE = "role"
    PAY = "pay"
    HOURS = "hours"
    WHEN = "when"
    START_DATE = "start_date"
    INVOLVES_PARTNER = "involves_partner"
    PARTNER = "partner"
    USES_OFFICE = "uses_office"
    NOTES = "notes"
    LINE_MANAGER = MANAGER_FIELD_ID


YES = "yes"
NO = "no"

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


def outside_work_form(
    *, organisation: str = "", notes: str = "", ask_for_manager: bool, head_title: str
) -> Form:
    """`organisation` and `notes` pre-fill it (a review asking again, the annual answer)."""
    f = OutsideWorkField
    head = escape(head_title)
    parts: list[Field | Note] = [
        Note(
            f"You need the {head}'s permission *before* you take up any other "
            "business, appointment, employment or voluntary work. Your line manager "
            f"recommends, then the {head} decides. Permission will not be unreasonably "
            "withheld."
        ),
        Field.limited_text(
            f.ORGANISATION,
            "Employer or organisation",
            Kind.SHORT_TEXT,
            limit=FIELD_LIMITS["organisation"],
            prefill=organisation,
        ),
        Field(
            f.ROLE,
            "Your role there",
            Kind.SHORT_TEXT,
            hint="e.g. trustee, relief bar staff, youth football coach.",
            max_length=FIELD_LIMITS["role"],
        ),
        Field(f.PAY, "Paid or voluntary?", Kind.CHOICE, choices=Choice.all_of(PAY_LABELS)),
        Field(
            f.HOURS,
            "Expected hours a week",
            Kind.SHORT_TEXT,  # "7.5" or "about 8": the rule reads the number
            hint="A number, e.g. 7.5. Your best estimate of an average week.",
            max_length=FIELD_LIMITS["hours"],
            placeholder="e.g. 7.5",
        ),
        Field(f.WHEN, "When would you do it?", Kind.CHOICE, choices=Choice.all_of(WHEN_LABELS)),
        Field(
            f.START_DATE,
            "Start date",
            Kind.DATE,
            hint="Ask before you start: permission is needed first.",
        ),
        Field(
            f.INVOLVES_PARTNER,
            "Does it involve a contractor, supplier or partner of the office?",
            Kind.CHOICE,
            choices=Choice.all_of(PARTNER_LABELS),
        ),
        Field(
            f.PARTNER,
            "If yes, which?",
            Kind.SHORT_TEXT,
            max_length=FIELD_LIMITS["partner"],
            shown_when=ShownWhen(f.INVOLVES_PARTNER, frozenset({YES})),
        ),
        Field(
            f.USES_OFFICE,
            "Would it use anything from your job?",
            Kind.CHOICES,
            choices=Choice.all_of(USE_LABELS),
        ),
        Field.limited_text(
            f.NOTES,
            f"Anything else the {head_title} should know?",
            Kind.LONG_TEXT,
            hint="e.g. how you will avoid any conflict with your work here.",
            required=False,
            limit=FIELD_LIMITS["notes"],
            prefill=notes,
        ),
    ]
    if ask_for_manager:
        parts.append(manager_field(decides="recommend"))
    return Form(id=FORM_ID, title="Outside work", submit="Ask permission", parts=tuple(parts))


def read_outside_work(answers: Answers) -> tuple[OutsideWorkForm, str | None]:
    """The rule's plain form and, when the manager field was shown, the chosen person's id."""
    f = OutsideWorkField
    form = OutsideWorkForm(
        organisation=answers.text(f.ORGANISATION),
        role=answers.text(f.ROLE),
        pay=answers.choice(f.PAY),
        hours=answers.text(f.HOURS),
        when=answers.choice(f.WHEN),
        start_date=answers.date(f.START_DATE),
        involves_partner=answers.choice(f.INVOLVES_PARTNER),
        partner=answers.text(f.PARTNER),
        uses_office=answers.choices(f.USES_OFFICE),
        notes=answers.text(f.NOTES),
    )
    return form, answers.person(f.LINE_MANAGER)
