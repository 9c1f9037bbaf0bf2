"""What a person's Home shows, as plain data (bot.usecases.home fills
it in; bot.ui.home makes it the neutral screen every platform draws), and the ids and payloads
of the Home's buttons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Generic, TypeVar

from bot.ui.payload import BadPayload, BareNumber, Payload, decode

T = TypeVar("T")


class Action(StrEnum):
    DECLARE_GIFT = "home_declare_gift"
    DECLARE_INTEREST = "home_declare_interest"
    ASK_OUTSIDE_WORK = "home_ask_outside_work"
    NOTIFY = "home_notify"
    SET_DELEGATION = "home_set_delegation"
    END_DELEGATION = "home_end_delegation"
    # Paging a list: the payload is Pages, the pages to show once pressed.
    MORE = "home_more"
    PREVIOUS = "home_previous"


class Elsewhere(StrEnum):
    """Buttons on the Home that other features answer (the registers' search, record and
    export); nothing in the Home handles them."""

    RECORD = "registers_record"  # payload: RecordRef
    SEARCH = "registers_search"
    EXPORT = "registers_export"


# The buttons that open a form (Slack: a modal; Teams: a dialog) rather than act at once.
OPENS_FORM = frozenset(
    {
        Action.DECLARE_GIFT,
        Action.DECLARE_INTEREST,
        Action.ASK_OUTSIDE_WORK,
        Action.NOTIFY,
        Action.SET_DELEGATION,
        Elsewhere.RECORD,
        Elsewhere.SEARCH,
        Elsewhere.EXPORT,
    }
)


class Pages(Payload):
    """Which page of each long list the Home shows (Slack: the view's private_metadata), and a
    paging button's payload."""

    mine: int = 0
    waiting: int = 0
    longest: int = 0
    flags: int = 0

    @classmethod
    def read(cls, raw: str | None) -> Pages:
        """The pages a paging button asks for; the first pages when the value is not ours."""
        try:
            return decode(cls, raw)
        except BadPayload:
            return cls()


class RecordRef(BareNumber):
    """A "View" button's declaration. On the wire it is the bare id ("42"), as the registers'
    record listener has always read it."""

    declaration_id: int


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    page: int  # 0-based
    size: int
    total: int

    @property
    def has_more(self) -> bool:
        return (self.page + 1) * self.size < self.total

    @property
    def first(self) -> int:
        """1-based position of the first item shown."""
        return self.page * self.size + 1


@dataclass(frozen=True)
class OwnItem:
    """One of the person's own declarations."""

    declaration_id: int
    reference: str
    kind: str  # in words: "Gift or hospitality"
    what: str
    declared_on: date
    status: str  # in words: "Waiting for a decision"
    waiting_on: tuple[str, ...] = ()
    decided_by: str | None = None
    decided_at: datetime | None = None
    withdrawable: bool = False  # still waiting, and not a confidential notification


@dataclass(frozen=True)
class WaitingItem:
    """A step waiting for this approver's decision."""

    step_id: int
    reference: str
    purpose: str  # bot.rules.approvals.Purpose: which buttons
    what: str
    declarant: str
    since: date
    working_days: int
    deputy_for: str | None = None


@dataclass(frozen=True)
class LongWait:
    """A step across the office, for the officers' longest-waiting list."""

    reference: str
    kind: str
    declarant: str
    approver: str
    since: date
    working_days: int


@dataclass(frozen=True)
class Delegation:
    deputy: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Vetting:
    level: str | None
    expires: date
    days_left: int  # negative once lapsed
    soon_days: int  # "soon" within this many days (the earliest renewal reminder)


@dataclass(frozen=True)
class Annual:
    due: bool
    answer_by: date | None = None  # when due
    answered: str | None = None  # "confirmed" | "updated", for this year's
    next_on: date | None = None  # when it is next asked, when not due


@dataclass(frozen=True)
class Counts:
    """Declarations made this financial year: {kind in words: {status in words: n}}."""

    year: str  # "2026/27"
    by_kind: dict[str, dict[str, int]]


@dataclass(frozen=True)
class FlaggedItem:
    """A declaration carrying risk flags, for the officers' list."""

    declaration_id: int
    reference: str
    kind: str
    declarant: str
    declared_on: date
    flags: Sequence[tuple[str, str]]  # (label, explanation)


@dataclass(frozen=True)
class Officer:
    counts: Counts
    longest: Page[LongWait]
    flagged: Page[FlaggedItem] = field(default_factory=lambda: Page((), 0, 10, 0))
    window_days: int = 365


@dataclass(frozen=True)
class Home:
    name: str
    today: date
    mine: Page[OwnItem]
    code_url: str = ""
    code_title: str = "the code of conduct"
    vetting: Vetting | None = None
    annual: Annual | None = None
    approver: bool = False  # show the approvals section (and delegation)
    waiting: Page[WaitingItem] | None = None
    delegation: Delegation | None = None
    officer: Officer | None = None
    pages: Pages = field(default_factory=Pages)
