"""The registers an officer can export, each described as a list of columns.

A register is a loader (its rows, oldest first, between two dates, streamed in batches) and
its columns (a name, how to read the value from a row, whether it may be published, and its
type). The writers in bot/export.py know nothing else, so the interests and outside-work
registers plug in by adding a `Register` to `REGISTERS`, not a writer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session, col

from bot.rules.interests import PUBLIC_CATEGORIES, category_name, category_of
from bot.rules.outside_work import split_notes
from bot.rules.status import UNDECIDED, DeclarationStatus, StepStatus
from bot.settings import Policy
from storage.declarations import GiftRecord, Record
from storage.models import ApprovalStep, Declaration, Interest, OutsideWork
from storage.register_stream import stream_gifts, stream_register

R = TypeVar("R")

Value = str | date | datetime | int | float | bool | None


class ColumnType(StrEnum):
    """How a writer renders a value; each type keeps its own cell type in a spreadsheet."""

    TEXT = "text"  # may be a person's free text: guarded against formula injection
    DATE = "date"
    DATETIME = "datetime"  # timezone-aware; written in UTC
    MONEY = "money"  # whole pence; written as pounds
    BOOL = "bool"
    NUMBER = "number"  # a plain number (hours a week), left as a number in spreadsheets


@dataclass(frozen=True)
class Column(Generic[R]):
    name: str
    get: Callable[[R], Value]
    type: ColumnType = ColumnType.TEXT
    # Private unless someone decided otherwise: a column added later never leaks by default.
    public: bool = False
    width: int = 14  # characters, for spreadsheets


Loader = Callable[[Session, date | None, date | None], Iterable[R]]


@dataclass(frozen=True)
class Register(Generic[R]):
    name: str
    title: str  # the spreadsheet's sheet name (at most 31 characters)
    columns: tuple[Column[R], ...]
    load: Loader[R]
    # Which rows may be published at all (None: every row); a register of private matters
    # leaves some out of the public export entirely, not just some of their columns.
    publishable: Callable[[R], bool] | None = None

    def columns_for(self, *, public: bool) -> tuple[Column[R], ...]:
        """All columns, or for publication only the public ones, in register order."""
        return tuple(c for c in self.columns if c.public or not public)

    def rows_for(
        self, records: Iterable[R], *, public: bool, withheld: Counter[str] | None = None
    ) -> Iterable[R]:
        """All rows, or for publication only the publishable ones that no officer withheld
        (still streamed). Rows withheld are counted by reason into `withheld`, if given, so a
        published page can say how many were left out and why, never which."""
        if not public:
            return records
        return (r for r in records if self._published(r, withheld))

    def _published(self, record: R, withheld: Counter[str] | None) -> bool:
        # A row never publishable is not "withheld": counting it would reveal it exists.
        if self.publishable is not None and not self.publishable(record):
            return False
        reason = record.declaration.withheld_reason  # type: ignore[attr-defined]
        if reason:
            if withheld is not None:
                withheld[reason] += 1
            return False
        return True


# --- Register of Hospitality and Gifts -------------------------------------------------------


def _decision(record: GiftRecord) -> ApprovalStep | None:
    # While a chain is still pending an earlier step's decision is not the decision.
    return None if record.declaration.status == DeclarationStatus.PENDING else record.decisive_step


def _asked(record: GiftRecord) -> ApprovalStep | None:
    """The step that decided, or else the one still waiting for an answer."""
    decision = _decision(record)
    if decision is not None:
        return decision
    return next((s for s in record.steps if s.status == StepStatus.PENDING), None)


def _name(record: GiftRecord, staff_id: int | None) -> str | None:
    person = record.people.get(staff_id) if staff_id is not None else None
    return person.display_name if person else None


def _of_step(
    pick: Callable[[Any], ApprovalStep | None], read: Callable[[Any, ApprovalStep], Any]
) -> Callable[[Any], Any]:
    """A column's value read from the step `pick` chooses, blank while there is none."""

    def value(record: Any) -> Any:
        step = pick(record)
        return read(record, step) if step else None

    return value


def _decider(record: Any, step: ApprovalStep) -> str | None:
    return _name(record, step.decided_by_id)


def _approver_name(record: Any, step: ApprovalStep) -> str | None:
    return _name(record, step.approver_id)


def _role(_record: Any, step: ApprovalStep) -> str:
    return step.role.replace("_", " ")


_decided_by = _of_step(_decision, _decider)
_decided_at = _of_step(_decision, lambda _r, step: step.decided_at)
_approver = _of_step(_asked, _approver_name)
_approver_role = _of_step(_asked, _role)
_decision_reason = _of_step(_decision, lambda _r, step: step.reason)


T, D, DT, M, B = (
    ColumnType.TEXT,
    ColumnType.DATE,
    ColumnType.DATETIME,
    ColumnType.MONEY,
    ColumnType.BOOL,
)

# Columns every register has (_ASKED and _DECLARED_AT: those whose chain has no special steps).
_REFERENCE: Column[Any] = Column(
    "reference", lambda r: r.declaration.reference, T, public=True, width=11
)
# No fallback to the email, which would reach the public export through the name.
_STAFF: tuple[Column[Any], ...] = (
    Column("staff_name", lambda r: r.declarant.name, T, public=True, width=22),
    Column("staff_email", lambda r: r.declarant.email, T, width=28),
)
_ASKED: tuple[Column[Any], ...] = (
    Column("approver", _approver, T, width=22),
    Column("approver_role", _approver_role, T, width=18),
)
_DECLARED_AT: Column[Any] = Column("declared_at", lambda r: r.declaration.created_at, DT, width=19)

GIFT_COLUMNS: tuple[Column[GiftRecord], ...] = (
    # The contract's columns, in its order. Public ones are what the Elected Local Policing
    # Bodies (Specified Information) Order 2011 asks to publish: each offer of a gift or
    # hospitality to a member of staff, and whether it was accepted or refused.
    _REFERENCE,
    Column("date_offered", lambda r: r.offer.date_offered, D, public=True, width=12),
    *_STAFF,
    Column("kind", lambda r: r.offer.kind, T, public=True, width=12),
    Column("offered_by", lambda r: r.offer.offered_by, T, public=True, width=24),
    Column("relationship", lambda r: r.offer.relationship, T, public=True, width=12),
    Column("description", lambda r: r.offer.description, T, public=True, width=40),
    Column("value_gbp", lambda r: r.offer.value_pence, M, public=True, width=11),
    Column("response", lambda r: r.offer.response.replace("_", " "), T, public=True),
    Column("status", lambda r: r.declaration.status, T, public=True, width=11),
    Column("decided_by", _decided_by, T, width=22),
    Column("decided_at", _decided_at, DT, public=True, width=19),
    Column("flags", lambda r: r.offer.flags, T, width=20),
    # Further detail, after the contract's columns.
    Column("gift_type", lambda r: r.offer.gift_type, T, public=True, width=10),
    Column("event_date", lambda r: r.offer.event_date, D, public=True, width=12),
    Column("unsolicited", lambda r: r.offer.unsolicited, B, public=True, width=11),
    Column("use_at_work", lambda r: r.offer.use_at_work, B, public=True, width=11),
    Column("disposal", lambda r: r.offer.disposal, T, public=True, width=11),
    Column("reason", lambda r: r.offer.reason, T, width=40),
    *_ASKED,
    Column("decision_reason", _decision_reason, T, width=40),
    _DECLARED_AT,
)

GIFTS: Register[GiftRecord] = Register(
    name="gifts",
    title="Gifts and hospitality",
    columns=GIFT_COLUMNS,
    load=lambda session, start, end: stream_gifts(session, date_from=start, date_to=end),
)

# --- Register of outside work (permissions and requests) ------------------------------------

# The office's time zone, for registers dated by a moment rather than a day: a request made at
# 00:30 on 1 April in London was made on 1 April, whatever the UTC date. The CLI sets it from
# TIMEZONE for the length of an export (`office_timezone`); else the default time zone.
OFFICE_TZ: ContextVar[tzinfo | None] = ContextVar("office_tz", default=None)


def office_tz() -> tzinfo:
    return OFFICE_TZ.get() or ZoneInfo(Policy.timezone)


@contextmanager
def office_timezone(tz: tzinfo) -> Iterator[None]:
    token = OFFICE_TZ.set(tz)
    try:
        yield
    finally:
        OFFICE_TZ.reset(token)


def local_day_bounds(
    date_from: date | None, date_to: date | None, tz: tzinfo
) -> tuple[datetime | None, datetime | None]:
    """The first and last moments (aware, UTC) of an inclusive range of the office's days."""
    start = end = None
    if date_from is not None:
        start = datetime.combine(date_from, time(), tz).astimezone(UTC)
    if date_to is not None and date_to < date.max:
        next_day = datetime.combine(date_to + timedelta(days=1), time(), tz).astimezone(UTC)
        end = next_day - timedelta(microseconds=1)
    return start, end


def _work(record: Record) -> OutsideWork:
    assert isinstance(record.detail, OutsideWork)
    return record.detail


def _created_on(record: Record) -> date:
    """The office's day the declaration was made (requested, or declared)."""
    return record.declaration.created_at.astimezone(office_tz()).date()


def _permission(record: Record) -> ApprovalStep | None:
    """The head of office's decision (granted or refused), once there is one."""
    if record.declaration.status in UNDECIDED:
        return None
    granting = [s for s in record.steps if s.purpose == "grant" and s.decided_at is not None]
    return granting[-1] if granting else record.decisive_step


def _recommended(record: Record) -> ApprovalStep | None:
    steps = [s for s in record.steps if s.purpose == "recommend" and s.decided_at is not None]
    return steps[-1] if steps else None


def _waiting_or_decided(record: Record) -> ApprovalStep | None:
    pending = [s for s in record.steps if s.status == StepStatus.PENDING]
    return pending[0] if pending else _permission(record)


def _hours(record: Record) -> float | int:
    hours = _work(record).hours_per_week
    return int(hours) if float(hours).is_integer() else hours


def _partner_and_notes(record: Record) -> tuple[str, str]:
    work = _work(record)
    return split_notes(work.notes, involves_partner=work.involves_partner)


def _declared_between(kind: str) -> Loader[Record]:
    """A register's loader: its kind's declarations made on the office's days from/to."""

    def load(session: Session, date_from: date | None, date_to: date | None) -> Iterator[Record]:
        start, end = local_day_bounds(date_from, date_to, office_tz())
        return stream_register(
            session,
            kind=kind,
            date_column=col(Declaration.created_at),
            date_from=start,
            date_to=end,
        )

    return load


N = ColumnType.NUMBER

OUTSIDE_WORK_COLUMNS: tuple[Column[Record], ...] = (
    # The contract's columns, in its order. Derbyshire §12 keeps "a record of approval"; a
    # published register leaves out the email, the reasons and notes, and the approvers'
    # views (the recommendation), which are internal.
    _REFERENCE,
    Column("requested_on", _created_on, D, public=True, width=12),
    *_STAFF,
    Column("organisation", lambda r: _work(r).organisation, T, public=True, width=26),
    Column("role", lambda r: _work(r).role, T, public=True, width=22),
    Column("paid", lambda r: _work(r).paid, B, public=True, width=7),
    Column("hours_per_week", _hours, N, public=True, width=9),
    Column("start_date", lambda r: _work(r).start_date, D, public=True, width=12),
    Column("recommendation", lambda r: _work(r).recommendation, T, width=15),
    Column("status", lambda r: r.declaration.status, T, public=True, width=11),
    Column("decided_by", _of_step(_permission, _decider), T),
    Column("decided_at", _of_step(_permission, lambda _r, s: s.decided_at), DT, public=True),
    # Conditions are the head of office's free text, which may touch private circumstances.
    Column("conditions", lambda r: _work(r).conditions, T, width=40),
    Column("reason", lambda r: _work(r).reason, T, width=40),
    # Further detail, after the contract's columns.
    Column("when", lambda r: _work(r).when.replace("_", " "), T, public=True, width=14),
    Column("involves_partner", lambda r: _work(r).involves_partner, B, public=True, width=9),
    Column("partner", lambda r: _partner_and_notes(r)[0] or None, T, width=24),
    Column("uses_office", lambda r: _work(r).uses_office or "none", T, width=18),
    Column("retrospective", lambda r: _work(r).start_date < _created_on(r), B, width=9),
    Column("notes", lambda r: _partner_and_notes(r)[1], T, width=40),
    Column("recommended_by", _of_step(_recommended, _decider), T),
    Column("recommendation_note", _of_step(_recommended, lambda _r, s: s.reason), T, width=40),
    Column("approver", _of_step(_waiting_or_decided, _approver_name), T),
    Column("approver_role", _of_step(_waiting_or_decided, _role), T, width=18),
    Column("ended_on", lambda r: _work(r).ended_on, D, public=True, width=12),
    Column("requested_at", lambda r: r.declaration.created_at, DT, width=19),
)

OUTSIDE_WORK: Register[Record] = Register(
    name="outside-work",
    title="Outside work",
    columns=OUTSIDE_WORK_COLUMNS,
    load=_declared_between("outside_work"),
)


# --- Register of Interests -------------------------------------------------------------------
#
# Rows are the declarations of interest in the order declared; --from/--to are the dates
# declared on, inclusive, in the office's time zone (office_tz). For publication (--public)
# only financial interests, non-financial or voluntary commitments and political activity are
# listed (bot.rules.interests.PUBLIC_CATEGORIES), and not ones withdrawn before they were
# noted; memberships, relationships (with a contractor or a colleague), canvassing and
# "other" stay internal. Published columns leave out the email, who decided, the colleague
# concerned, how it could conflict, the proposal and the action required.


def _interest(record: Record) -> Interest:
    assert isinstance(record.detail, Interest)
    return record.detail


def _publishable_interest(record: Record) -> bool:
    category = category_of(_interest(record).category)
    return (
        category in PUBLIC_CATEGORIES and record.declaration.status != DeclarationStatus.WITHDRAWN
    )


INTEREST_COLUMNS: tuple[Column[Record], ...] = (
    # The contract's columns, in its order.
    _REFERENCE,
    Column("declared_on", _created_on, D, public=True, width=12),
    *_STAFF,
    Column("category", lambda r: category_name(_interest(r).category), T, public=True, width=24),
    Column("organisation", lambda r: _interest(r).organisation, T, public=True, width=24),
    Column("description", lambda r: _interest(r).description, T, public=True, width=40),
    Column("started_on", lambda r: _interest(r).started_on, D, public=True, width=12),
    Column("ended_on", lambda r: _interest(r).ended_on, D, public=True, width=12),
    Column("status", lambda r: r.declaration.status, T, public=True, width=15),
    Column("decided_by", _decided_by, T, width=22),
    Column("decided_at", _decided_at, DT, public=True, width=19),
    Column("action", lambda r: _interest(r).action, T, width=40),
    # Further detail, after the contract's columns.
    Column("colleague_concerned", lambda r: r.name_of(r.declaration.named_staff_id), T, width=22),
    Column("conflict", lambda r: _interest(r).conflict, T, width=40),
    Column("proposal", lambda r: _interest(r).proposal, T, width=40),
    Column("restricted_post", lambda r: _interest(r).restricted_post, B, width=11),
    *_ASKED,
    _DECLARED_AT,
)

INTERESTS: Register[Record] = Register(
    name="interests",
    title="Register of Interests",
    columns=INTEREST_COLUMNS,
    load=_declared_between("interest"),
    publishable=_publishable_interest,
)


REGISTERS: dict[str, Register[Any]] = {
    GIFTS.name: GIFTS,
    OUTSIDE_WORK.name: OUTSIDE_WORK,
    INTERESTS.name: INTERESTS,
}
