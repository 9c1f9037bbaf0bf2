"""The registers an officer can export, each described as a list of columns.

A register is a loader (its rows, oldest first, between two dates) and its columns (a name,
how to read the value from a row, whether it may be published, and its type). The writers in
bot/export.py know nothing else, so the interests and outside-work registers plug in by
adding a `Register` to `REGISTERS`, not a writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlmodel import Session

from storage.declarations import GiftRecord, gift_register
from storage.models import ApprovalStep

R = TypeVar("R")

Value = str | date | datetime | int | bool | None


class ColumnType(StrEnum):
    """How a writer renders a value; each type keeps its own cell type in a spreadsheet."""

    TEXT = "text"  # may be a person's free text: guarded against formula injection
    DATE = "date"
    DATETIME = "datetime"  # timezone-aware; written in UTC
    MONEY = "money"  # whole pence; written as pounds
    BOOL = "bool"


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

    def columns_for(self, *, public: bool) -> tuple[Column[R], ...]:
        """All columns, or for publication only the public ones, in register order."""
        return tuple(c for c in self.columns if c.public or not public)


# --- Register of Hospitality and Gifts -------------------------------------------------------


def _decision(record: GiftRecord) -> ApprovalStep | None:
    # While a chain is still pending an earlier step's decision is not the decision.
    return None if record.declaration.status == "pending" else record.decisive_step


def _asked(record: GiftRecord) -> ApprovalStep | None:
    """The step that decided, or else the one still waiting for an answer."""
    decision = _decision(record)
    if decision is not None:
        return decision
    return next((s for s in record.steps if s.status == "pending"), None)


def _name(record: GiftRecord, staff_id: int | None) -> str | None:
    person = record.people.get(staff_id) if staff_id is not None else None
    return person.display_name if person else None


def _decided_by(record: GiftRecord) -> str | None:
    step = _decision(record)
    return _name(record, step.decided_by_id) if step else None


def _decided_at(record: GiftRecord) -> datetime | None:
    step = _decision(record)
    return step.decided_at if step else None


def _approver(record: GiftRecord) -> str | None:
    step = _asked(record)
    return _name(record, step.approver_id) if step else None


def _approver_role(record: GiftRecord) -> str | None:
    step = _asked(record)
    return step.role.replace("_", " ") if step else None


def _decision_reason(record: GiftRecord) -> str | None:
    step = _decision(record)
    return step.reason if step else None


def _load_gifts(session: Session, date_from: date | None, date_to: date | None) -> list[GiftRecord]:
    return gift_register(session, date_from=date_from, date_to=date_to)


T, D, DT, M, B = (
    ColumnType.TEXT,
    ColumnType.DATE,
    ColumnType.DATETIME,
    ColumnType.MONEY,
    ColumnType.BOOL,
)

GIFT_COLUMNS: tuple[Column[GiftRecord], ...] = (
    # The contract's columns, in its order. Public ones are what the Elected Local Policing
    # Bodies (Specified Information) Order 2011 asks to publish: each offer of a gift or
    # hospitality to a member of staff, and whether it was accepted or refused.
    Column("reference", lambda r: r.declaration.reference, T, public=True, width=11),
    Column("date_offered", lambda r: r.offer.date_offered, D, public=True, width=12),
    # No fallback to the email, which would reach the public export through the name.
    Column("staff_name", lambda r: r.declarant.name, T, public=True, width=22),
    Column("staff_email", lambda r: r.declarant.email, T, width=28),
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
    Column("approver", _approver, T, width=22),
    Column("approver_role", _approver_role, T, width=18),
    Column("decision_reason", _decision_reason, T, width=40),
    Column("declared_at", lambda r: r.declaration.created_at, DT, width=19),
)

GIFTS: Register[GiftRecord] = Register(
    name="gifts",
    title="Gifts and hospitality",
    columns=GIFT_COLUMNS,
    load=_load_gifts,
)

REGISTERS: dict[str, Register[Any]] = {GIFTS.name: GIFTS}
