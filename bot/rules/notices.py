"""Notifications that cannot wait: criminal charges, civil or legal proceedings, and changes of
circumstance that could affect vetting. Pure: no Slack, no SQL.

- "Should a member of staff find themselves subject to any criminal charges they should
  notify the Chief Operating Officer ... at the earliest possible opportunity" (derbyshire §11);
  "notify the Chief of Staff without delay of any charges which have been brought or may be
  brought against them" (avon-and-somerset §3.11).
- "If staff or representatives are involved in any civil or legal proceedings these should be
  reported to the Chief of Staff as soon as the situation occurs" (avon-and-somerset §3.16).
- "If a circumstance arises which could impact upon the current vetting confirmation, this
  must be notified to the Chief of Staff and the Vetting Office immediately"
  (avon-and-somerset §3.16; warwickshire "Vetting").

They are confidential (cumbria "Disclosure of Information"; derbyshire §8): they go to the
officers the notice chain names (APPROVAL_CHAIN_NOTICE), never to a channel, never into a
register export, and they cannot be withdrawn — the officers have been told.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.rules.chains import Chain
from bot.rules.refusal import Invalid
from bot.rules.roles import ApproverRole, Role


class Category(StrEnum):
    CRIMINAL_CHARGE = "criminal_charge"  # brought, or which may be brought
    CIVIL_PROCEEDINGS = "civil_proceedings"  # civil or other legal proceedings
    VETTING = "vetting"  # any other change that could affect vetting


CATEGORY_LABELS = {
    Category.CRIMINAL_CHARGE: "A criminal charge brought against me, or which may be",
    Category.CIVIL_PROCEEDINGS: "Civil or other legal proceedings I am involved in",
    Category.VETTING: "A change of circumstances that could affect my vetting",
}
# Short words for a category, in "your notification (criminal charge)".
CATEGORY_WORDS = {
    Category.CRIMINAL_CHARGE: "criminal charge",
    Category.CIVIL_PROCEEDINGS: "civil or legal proceedings",
    Category.VETTING: "change affecting vetting",
}

DESCRIPTION_MAX = 3000


@dataclass(frozen=True)
class NoticeForm:
    """What the member of staff typed or picked, before any checking."""

    category: str | None = None
    description: str | None = None
    occurred_on: date | None = None


@dataclass(frozen=True)
class NoticeDetails:
    """A notification that passed validation."""

    category: Category
    description: str
    occurred_on: date | None


class InvalidNotice(Invalid):
    """The form's answers failed these rules (refusal.Invalid)."""


def validate(form: NoticeForm, today: date) -> NoticeDetails:
    """Check the form field by field; raise InvalidNotice naming every bad field.

    The date is when it happened (a charge, a summons, the change itself) and is optional:
    "without delay" matters more than a date the person may not know. A date still to come
    (a hearing, say) belongs in the description, so a future date is a typing slip.
    """
    errors: dict[str, str] = {}
    try:
        category = Category(form.category or "")
    except ValueError:
        category = None
        errors["category"] = "Please say what you are notifying."
    description = (form.description or "").strip()
    if not description:
        errors["description"] = "Please say briefly what happened."
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = f"Please keep this to {DESCRIPTION_MAX} characters or fewer."
    if form.occurred_on is not None and form.occurred_on > today:
        errors["occurred_on"] = (
            "This can't be in the future: put dates still to come (a hearing, say) in the "
            "description."
        )
    if errors:
        raise InvalidNotice(errors)
    assert category is not None
    return NoticeDetails(category, description, form.occurred_on)


@dataclass(frozen=True)
class Titles:
    """The office's titles for its officers (HEAD_OF_OFFICE_TITLE and so on)."""

    head_of_office: str = "Chief Executive"
    vetting_officer: str = "Vetting Officer"
    monitoring_officer: str = "Monitoring Officer"


def seat_words(role: ApproverRole, titles: Titles) -> str:
    """A seat of the chain as the member of staff knows it."""
    return {
        ApproverRole.LINE_MANAGER: "your line manager",
        ApproverRole.HEAD_OF_OFFICE: f"the {titles.head_of_office}",
        ApproverRole.VETTING_OFFICER: f"the {titles.vetting_officer}",
        ApproverRole.MONITORING_OFFICER: f"the {titles.monitoring_officer}",
    }[role]


def audience(chain: Chain, titles: Titles) -> str:
    """Who a notice goes to, from the chain setting: "the Chief Executive and the Vetting
    Officer". Told before the person writes anything, so they know who will read it."""
    words: list[str] = []
    for stage in chain:
        for seat in stage:
            said = seat_words(seat.role, titles)
            if said not in words:
                words.append(said)
    return join_words(words)


def title_of(roles: Iterable[str], titles: Titles) -> str | None:
    """The office an officer holds, to say who a notice reached ("Harriet Head (Chief
    Executive)"). By the person's roles, not the seat: the head of office's own notice sits
    in the head's seat but reaches the monitoring officer."""
    held = set(roles)
    if Role.HEAD_OF_OFFICE in held:
        return titles.head_of_office
    if Role.VETTING_OFFICER in held:
        return titles.vetting_officer
    if Role.MONITORING_OFFICER in held:
        return titles.monitoring_officer
    return None


def join_words(words: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"
