"""The Register of Interests: validating a declaration of interest and deciding where it goes.

Clauses cited are from the codes in ../shared/policies/ (see ../shared/DOMAIN.md, "Interests").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.rules.approvals import Purpose
from bot.rules.chains import Chain, Seat, with_seat
from bot.rules.refusal import Invalid
from bot.rules.roles import ApproverRole


class Category(StrEnum):
    """The kinds of interest the codes ask staff to declare."""

    FINANCIAL = "financial"  # combined-authority §8.2
    NON_FINANCIAL = "non_financial"  # non-financial or voluntary commitment, §8.1
    MEMBERSHIP = "membership"  # not open to the public; allegiance or secrecy, §8.3
    CONTRACTOR = "contractor"  # business or private relationship with a contractor, §5.2
    RELATIONSHIP = "relationship"  # relative / close relationship: recruitment, pay… §6.1, §6.4
    CANVASSED = "canvassed"  # canvassed by or for a candidate in an appointment, §6.3
    POLITICAL = "political"  # derbyshire §7; avon-and-somerset §3.15
    OTHER = "other"


# What the category is called wherever people read it (cards, receipts, the register).
CATEGORY_NAMES = {
    Category.FINANCIAL: "financial interest",
    Category.NON_FINANCIAL: "non-financial or voluntary commitment",
    Category.MEMBERSHIP: "membership of an organisation not open to the public",
    Category.CONTRACTOR: "relationship with a contractor or potential contractor",
    Category.RELATIONSHIP: "relative or close personal relationship",
    Category.CANVASSED: "canvassed by a candidate",
    Category.POLITICAL: "political activity",
    Category.OTHER: "other interest",
}

# Categories where there is no organisation to name, or none always: a relative, a
# candidate, a political activity (the party or council helps but isn't always there).
ORGANISATION_OPTIONAL = frozenset(
    {Category.RELATIONSHIP, Category.CANVASSED, Category.POLITICAL, Category.OTHER}
)

# Published with `register export interests --public`. Memberships, relationships (with a
# contractor or with a colleague), canvassing and "other" are about the person's private
# life or third parties, so they stay in the internal register only (DOMAIN.md,
# Confidentiality; derbyshire §8, cumbria "Disclosure of Information").
PUBLIC_CATEGORIES = frozenset({Category.FINANCIAL, Category.NON_FINANCIAL, Category.POLITICAL})

FIELD_LIMITS = {"organisation": 200, "description": 2000, "conflict": 2000, "proposal": 2000}

# A start date further ahead than this is a typing slip, not an interest declared early.
MAX_START_AHEAD = timedelta(days=366)
EARLIEST_START = date(1900, 1, 1)


@dataclass(frozen=True)
class InterestForm:
    """What the member of staff typed or picked, before any checking. `colleague` is the
    picked person's Slack user id."""

    category: str | None = None
    organisation: str | None = None
    colleague: str | None = None
    description: str | None = None
    started_on: date | None = None
    ended_on: date | None = None
    conflict: str | None = None
    proposal: str | None = None


@dataclass(frozen=True)
class InterestDeclaration:
    """A declaration of interest that passed validation."""

    category: Category
    organisation: str
    colleague: str | None
    description: str
    started_on: date
    ended_on: date | None
    conflict: str
    proposal: str


class InvalidInterest(Invalid):
    """The form's answers failed these rules (refusal.Invalid)."""


def category_of(raw: str | None) -> Category | None:
    try:
        return Category(raw) if raw else None
    except ValueError:
        return None


def category_name(raw: str) -> str:
    found = category_of(raw)
    return CATEGORY_NAMES[found] if found else raw.replace("_", " ")


def validate(form: InterestForm, today: date, *, declarant: str) -> InterestDeclaration:
    """Check a declaration of interest field by field; raise InvalidInterest naming every bad
    field, so the modal shows each message on its own field.

    - The organisation is needed for financial interests, commitments, memberships and
      contractor relationships (combined-authority §8.1-8.3, §5.2).
    - A relative or close personal relationship names the colleague concerned, who then
      takes no part in deciding it (§6.1, §6.4); nobody names themselves.
    - Saying how it could conflict is the point of the declaration (§8.1-8.2); for a
      relationship, the proposal is how they take no part (§6).
    - Since when: not years ahead (a slip); until when: blank while ongoing, never before
      it started.
    """
    errors: dict[str, str] = {}

    def text(name: str, *, required: bool, message: str) -> str:
        value = (getattr(form, name) or "").strip()
        if required and not value:
            errors[name] = message
        elif len(value) > FIELD_LIMITS[name]:
            errors[name] = f"Please keep this to {FIELD_LIMITS[name]} characters or fewer."
        return value

    category = category_of(form.category)
    if category is None:
        errors["category"] = "Please choose the kind of interest."
    organisation = text(
        "organisation",
        required=category is not None and category not in ORGANISATION_OPTIONAL,
        message="Please name the organisation concerned.",
    )
    description = text("description", required=True, message="Please describe the interest.")
    conflict = text(
        "conflict",
        required=True,
        message="Please say how it could conflict with the office's interests "
        "(or why you think it can't).",
    )
    proposal = text(
        "proposal",
        required=category is Category.RELATIONSHIP,
        message="Please say how you will take no part in decisions about this person "
        "(e.g. the interview panel for the post).",
    )

    colleague = (form.colleague or "").strip() or None
    if category is Category.RELATIONSHIP and colleague is None:
        errors["colleague"] = "Please choose the colleague concerned: they won't decide this."
    elif colleague is not None and colleague == declarant:
        errors["colleague"] = "You can't name yourself: choose the colleague concerned."

    if form.started_on is None:
        errors["started_on"] = "Please say since when (your best estimate will do)."
    elif form.started_on > today + MAX_START_AHEAD:
        errors["started_on"] = "That is more than a year ahead: please check the date."
    elif form.started_on < EARLIEST_START:
        errors["started_on"] = "Please check the date: it is too far in the past."
    if (
        form.ended_on is not None
        and form.started_on is not None
        and form.ended_on < form.started_on
    ):
        errors["ended_on"] = "The end can't be before the start. Leave it blank if ongoing."

    if errors:
        raise InvalidInterest(errors)
    assert category is not None and form.started_on is not None
    return InterestDeclaration(
        category=category,
        organisation=organisation,
        colleague=colleague,
        description=description,
        started_on=form.started_on,
        ended_on=form.ended_on,
        conflict=conflict,
        proposal=proposal,
    )


@dataclass(frozen=True)
class Assessment:
    """Where a declaration of interest goes, and what the member of staff is told."""

    restricted_post: bool
    explanation: str


RESTRICTED_WARNING = (
    "Your post is politically restricted. Staff in politically restricted posts may not take "
    "part in formal political activity: standing for any political office, canvassing, or "
    "speaking publicly to advocate support for a political party (derbyshire §7; "
    "avon-and-somerset §3.15). Please don't go ahead until the monitoring officer has "
    "been in touch."
)


def assess(category: Category, *, politically_restricted: bool) -> Assessment:
    """Every declaration goes to the line manager to note (combined-authority §8).

    Political activity by someone whose post is politically restricted is not an ordinary
    declaration: such posts may not take part in formal political activity (derbyshire §7;
    avon-and-somerset §3.15), so the member of staff is told at once and the monitoring
    officer sees it as well. Other staff may serve on county, borough or parish councils
    provided any resulting conflict is declared (derbyshire §7), which this is.
    """
    if category is Category.POLITICAL and politically_restricted:
        return Assessment(True, RESTRICTED_WARNING)
    if category is Category.POLITICAL:
        return Assessment(
            False,
            "Your post isn't politically restricted: you may take part in county, borough or "
            "parish council activities provided any conflict is declared, as you have; staff "
            "may not stand for Parliament (derbyshire §7; avon-and-somerset §3.15).",
        )
    if category is Category.RELATIONSHIP:
        return Assessment(
            False,
            "Take no part in any recruitment, promotion, pay or discipline decision about the "
            "person concerned (combined-authority §6).",
        )
    if category is Category.CANVASSED:
        return Assessment(
            False,
            "Your manager will agree with the head of office what should happen about the "
            "approach (combined-authority §6.3).",
        )
    return Assessment(False, "")


MONITORING_OFFICER_SEAT = Seat(ApproverRole.MONITORING_OFFICER, Purpose.NOTE)


def chain_for(chain: Chain, assessment: Assessment) -> Chain:
    """The office's interest chain, with the monitoring officer noting it alongside the
    first stage for political activity in a restricted post."""
    if assessment.restricted_post:
        return with_seat(chain, 0, MONITORING_OFFICER_SEAT)
    return chain


def end_date_problem(ended_on: date | None, *, started_on: date, today: date) -> str | None:
    """An interest ends on a date: not before it started, and not more than a year ahead
    (a slip). Ending keeps the record: the register keeps its history (cumbria undertaking:
    keep the monitoring officer updated on changes)."""
    if ended_on is None:
        return "Please give the date the interest ended (or will end)."
    if ended_on < started_on:
        return f"It started on {started_on:%d %b %Y}: the end can't be before that."
    if ended_on > today + MAX_START_AHEAD:
        return "That is more than a year ahead: please check the date."
    return None
