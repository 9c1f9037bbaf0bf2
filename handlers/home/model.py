"""What a person's Home shows, as plain data (handlers.home.store fills it in,
handlers.home.views draws it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

from handlers.home.ids import Pages

T = TypeVar("T")


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
