"""Outside work: checking a request for permission and what its approvers should weigh.

Permission of the head of office is needed *before* taking up any other business,
appointment, employment or voluntary work, and "will not be unreasonably withheld"
(warwickshire "Commitments Outside of Work"; derbyshire §12; avon-and-somerset §3.14).
Clauses cited are from the codes in ../shared/policies/ (see ../shared/DOMAIN.md). Pure: no
Slack, no SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

from bot.rules.refusal import Invalid

E = TypeVar("E", bound=StrEnum)

WARWICKSHIRE = 'warwickshire "Commitments Outside of Work"'


class Pay(StrEnum):
    PAID = "paid"
    VOLUNTARY = "voluntary"


class When(StrEnum):
    """When in the week the work is done, against the office's hours."""

    OUTSIDE_HOURS = "outside_hours"
    IN_HOURS = "in_hours"
    BOTH = "both"


class OfficeUse(StrEnum):
    """What from the job the work would use."""

    SKILLS = "skills"
    INFORMATION = "information"
    EQUIPMENT = "equipment"  # equipment or premises: the office's assets
    NONE = "none"


class Flag(StrEnum):
    RETROSPECTIVE = "retrospective"
    IN_OFFICE_HOURS = "in_office_hours"
    PARTNER = "partner"
    USES_INFORMATION = "uses_information"
    USES_ASSETS = "uses_assets"
    PAID_FROM_SKILLS = "paid_from_skills"


FIELD_LIMITS = {"organisation": 200, "role": 200, "hours": 20, "partner": 200, "notes": 2000}
MAX_HOURS = 80
# A start date further ahead than this is almost certainly a slip of the year.
MAX_LEAD = timedelta(days=5 * 366)

WHEN_WORDS = {
    When.OUTSIDE_HOURS: "outside office hours",
    When.IN_HOURS: "in office hours",
    When.BOTH: "in and outside office hours",
}
USE_WORDS = {
    OfficeUse.SKILLS: "skills",
    OfficeUse.INFORMATION: "information",
    OfficeUse.EQUIPMENT: "equipment or premises",
}


@dataclass(frozen=True)
class OutsideWorkForm:
    """What the member of staff typed or picked, before any checking."""

    organisation: str | None = None
    role: str | None = None
    pay: str | None = None
    hours: str | None = None
    when: str | None = None
    start_date: date | None = None
    involves_partner: str | None = None  # "yes" | "no"
    partner: str | None = None
    uses_office: tuple[str, ...] = ()
    notes: str | None = None


@dataclass(frozen=True)
class OutsideWorkRequest:
    """A request that passed validation."""

    organisation: str
    role: str
    paid: bool
    hours_per_week: float
    when: When
    start_date: date
    involves_partner: bool
    partner: str  # which contractor, supplier or partner ("" if none)
    uses_office: frozenset[OfficeUse]  # empty when it uses nothing from the job
    notes: str = ""


class InvalidOutsideWork(Invalid):
    """The form's answers failed these rules (refusal.Invalid)."""


# "7.5", "7.5 hours", "8 hrs a week", "10h per week", ".5"
_HOURS = re.compile(
    r"^(?P<number>[0-9]{1,6}(?:\.[0-9]*)?|\.[0-9]+)\s*"
    r"(?:h|hrs?|hours?)?\.?\s*(?:(?:a|per|/|each)\s*(?:week|wk))?$",
    re.IGNORECASE | re.ASCII,
)


def parse_hours(raw: str) -> float:
    """Parse the hours a week as typed ("7.5", "8 hours") into a number of hours.

    Raises ValueError with a message fit for the member of staff (at most 150 characters).
    """
    text = raw.strip()
    if not text:
        raise ValueError("Please give the hours a week, for example 7.5.")
    if text.startswith("-"):
        raise ValueError("The hours a week must be more than 0.")
    match = _HOURS.match(text)
    if not match:
        raise ValueError("Give the hours a week as a number, for example 7.5.")
    number = match.group("number")
    decimals = number.partition(".")[2]
    if len(decimals) > 2:
        raise ValueError("Give the hours with at most two decimal places, for example 7.25.")
    hours = float(number)
    if hours <= 0:
        raise ValueError("The hours a week must be more than 0.")
    if hours > MAX_HOURS:
        raise ValueError(
            f"That is more than {MAX_HOURS} hours a week. Check the figure: it is the hours "
            "of the outside work alone."
        )
    return round(hours, 2)


def format_hours(hours: float) -> str:
    """7.5 -> "7.5", 8.0 -> "8"."""
    return f"{hours:.2f}".rstrip("0").rstrip(".")


def _choice(enum: type[E], raw: str | None) -> E | None:
    try:
        return enum(raw) if raw else None
    except ValueError:
        return None


def validate(form: OutsideWorkForm, today: date) -> OutsideWorkRequest:
    """Check a request field by field; raise InvalidOutsideWork naming every bad field.

    A start date already passed is accepted: the request is still recorded, and flagged
    (see `flags_for`).
    """
    errors: dict[str, str] = {}

    def text(name: str, raw: str | None, *, required: bool, label: str) -> str:
        value = (raw or "").strip()
        if required and not value:
            errors[name] = f"Please give {label}."
        elif len(value) > FIELD_LIMITS[name]:
            errors[name] = f"Please keep this to {FIELD_LIMITS[name]} characters or fewer."
        return value

    organisation = text(
        "organisation", form.organisation, required=True, label="the employer or organisation"
    )
    role = text("role", form.role, required=True, label="the role you would take")
    pay = _choice(Pay, form.pay)
    if pay is None:
        errors["pay"] = "Please say whether the work is paid or voluntary."

    hours = 0.0
    raw_hours = form.hours or ""
    if len(raw_hours) > FIELD_LIMITS["hours"]:
        errors["hours"] = "Give the hours a week as a number, for example 7.5."
    else:
        try:
            hours = parse_hours(raw_hours)
        except ValueError as exc:
            errors["hours"] = str(exc)
    when = _choice(When, form.when)
    if when is None:
        errors["when"] = "Please say whether the work is in or outside office hours."

    if form.start_date is None:
        errors["start_date"] = "Please give the date you would start."
    elif form.start_date > today + MAX_LEAD:
        errors["start_date"] = "That start date is more than five years away: check the year."

    involves = {"yes": True, "no": False}.get(form.involves_partner or "")
    if involves is None:
        errors["involves_partner"] = (
            "Please say whether it involves a contractor, supplier or partner of the office."
        )
    partner = text(
        "partner",
        form.partner,
        required=bool(involves),
        label="the contractor, supplier or partner it involves",
    )
    # One line: it is shown as a fact and stored at the head of the notes.
    partner = " ".join(partner.split()) if involves else ""

    chosen = [_choice(OfficeUse, raw) for raw in form.uses_office]
    uses = frozenset(u for u in chosen if u is not None)
    if None in chosen:
        errors["uses_office"] = "Please tick from the list."
    elif not uses:
        errors["uses_office"] = "Please tick what it uses from your job, or “None of these”."
    elif OfficeUse.NONE in uses and len(uses) > 1:
        errors["uses_office"] = "Tick “None of these” or the things it uses, not both."

    notes = text("notes", form.notes, required=False, label="")

    if errors:
        raise InvalidOutsideWork(errors)
    assert pay is not None and when is not None and form.start_date is not None
    assert involves is not None
    return OutsideWorkRequest(
        organisation=organisation,
        role=role,
        paid=pay is Pay.PAID,
        hours_per_week=hours,
        when=when,
        start_date=form.start_date,
        involves_partner=involves,
        partner=partner,
        uses_office=uses - {OfficeUse.NONE},
        notes=notes,
    )


def flags_for(request: OutsideWorkRequest, requested_on: date) -> frozenset[Flag]:
    """What the approvers must weigh.

    - retrospective: permission is needed *before* taking up the work (derbyshire §12;
      warwickshire "Commitments Outside of Work"); a start date already passed is recorded
      and flagged;
    - in office hours: the work must not affect the performance of their duties
      (derbyshire §12);
    - partner: a contractor, supplier or partner of the office risks a conflict of interests
      (warwickshire "Commitments Outside of Work"; avon-and-somerset §3.14);
    - uses information: work that uses information gained from the post is not allowed
      (warwickshire "Commitments Outside of Work"; avon-and-somerset §3.14);
    - uses assets: nor work that uses the office's assets or premises (DOMAIN.md "Outside
      work"; avon-and-somerset §3.14);
    - paid from skills: paid work arising from work-related skills may use no office assets
      or information without the head of office's prior permission, and the person must make
      clear they act privately (avon-and-somerset §3.14).
    """
    flags: set[Flag] = set()
    if request.start_date < requested_on:
        flags.add(Flag.RETROSPECTIVE)
    if request.when in (When.IN_HOURS, When.BOTH):
        flags.add(Flag.IN_OFFICE_HOURS)
    if request.involves_partner:
        flags.add(Flag.PARTNER)
    if OfficeUse.INFORMATION in request.uses_office:
        flags.add(Flag.USES_INFORMATION)
    if OfficeUse.EQUIPMENT in request.uses_office:
        flags.add(Flag.USES_ASSETS)
    if request.paid and OfficeUse.SKILLS in request.uses_office:
        flags.add(Flag.PAID_FROM_SKILLS)
    return frozenset(flags)


def warnings(
    request: OutsideWorkRequest, flags: Iterable[Flag], *, head: str = "the head of office"
) -> list[str]:
    """The flags in words for the approvers, each citing its clause, in a stable order."""
    flags = frozenset(flags)
    said: list[str] = []
    if Flag.RETROSPECTIVE in flags:
        said.append(
            f"Retrospective: the start date ({request.start_date:%d %b %Y}) had passed when "
            "permission was asked. Permission is needed before taking up other work "
            f"(derbyshire §12; {WARWICKSHIRE})."
        )
    if Flag.IN_OFFICE_HOURS in flags:
        said.append(
            f"Work {WHEN_WORDS[request.when]}: it must not affect the performance of their "
            "duties (derbyshire §12)."
        )
    if Flag.PARTNER in flags:
        which = f" ({request.partner})" if request.partner else ""
        said.append(
            f"It involves a contractor, supplier or partner of the office{which}: work that "
            "could conflict with their responsibilities to the office is not allowed "
            f"({WARWICKSHIRE}; avon-and-somerset §3.14)."
        )
    if Flag.USES_INFORMATION in flags:
        said.append(
            "It would use information from the job: work that makes use of information they "
            "have because of their post is not allowed "
            f"({WARWICKSHIRE}; avon-and-somerset §3.14)."
        )
    if Flag.USES_ASSETS in flags:
        said.append(
            "It would use the office's equipment or premises: outside work may not use the "
            "office's assets or premises (avon-and-somerset §3.14)."
        )
    if Flag.PAID_FROM_SKILLS in flags:
        said.append(
            "Paid work arising from work-related skills: no office assets or information may "
            f"be used without {head}'s prior permission, and they must make clear they act "
            "privately (avon-and-somerset §3.14)."
        )
    return said


def prefill(text: str) -> tuple[str, str]:
    """What `/outside-work <text>` fills in: a short name is the organisation ("/outside-work
    Riverside Rugby Club"), anything longer the notes."""
    text = text.strip()
    if not text:
        return "", ""
    if len(text) <= 80 and "\n" not in text and len(text.split()) <= 8:
        return text, ""
    return "", text[: FIELD_LIMITS["notes"]]


# The table has a flag for a contractor, supplier or partner but no column for which one: it
# is kept as the first line of the stored notes, written and read only here.
PARTNER_LINE = "Contractor, supplier or partner: "


def stored_notes(request: OutsideWorkRequest) -> str:
    if not request.involves_partner:
        return request.notes
    head = PARTNER_LINE + request.partner
    return f"{head}\n{request.notes}" if request.notes else head


def split_notes(notes: str, *, involves_partner: bool) -> tuple[str, str]:
    """(partner, the member of staff's own notes) from what `stored_notes` wrote."""
    if not involves_partner or not notes.startswith(PARTNER_LINE):
        return "", notes
    first, _, rest = notes.partition("\n")
    return first.removeprefix(PARTNER_LINE).strip(), rest
