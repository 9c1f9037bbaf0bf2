"""The officers' register search: every kind of declaration in one query, filtered by what the
viewer may see (storage.access) and paged in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_
from sqlmodel import Session, SQLModel, col, select

from bot.rules.access import Viewer
from storage.access import visible_to
from storage.models import Declaration, Interest, Notice, OutsideWork, Staff
from storage.models import GiftOffer as GiftRow


@dataclass(frozen=True)
class Criteria:
    """What the officer asked for; empty fields match everything. Dates are inclusive: a
    gift's date offered, else the office's day it was declared."""

    person_id: int | None = None
    offeror: str = ""
    kind: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""


@dataclass(frozen=True)
class Hit:
    declaration: Declaration
    declarant: Staff
    detail: SQLModel | None  # the kind's row: GiftOffer, Interest, OutsideWork or Notice
    on: date  # the date the search goes by


@dataclass(frozen=True)
class Page:
    hits: list[Hit]
    total: int
    offset: int


def _contains(column: Any, words: str) -> Any:
    """Case-insensitive substring match; the typed % and _ are matched literally."""
    escaped = words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def _conditions(viewer: Viewer, criteria: Criteria, tz: ZoneInfo) -> list[Any]:
    where: list[Any] = [visible_to(viewer)]
    if criteria.person_id is not None:
        where.append(col(Declaration.declarant_id) == criteria.person_id)
    if criteria.kind:
        where.append(col(Declaration.kind) == criteria.kind)
    if criteria.status:
        where.append(col(Declaration.status) == criteria.status)
    if criteria.offeror.strip():
        where.append(_contains(GiftRow.offered_by, criteria.offeror.strip()))
    if criteria.text.strip():
        words = criteria.text.strip()
        where.append(
            or_(
                _contains(Declaration.reference, words),
                _contains(GiftRow.offered_by, words),
                _contains(GiftRow.description, words),
                _contains(Interest.organisation, words),
                _contains(Interest.description, words),
                _contains(OutsideWork.organisation, words),
                _contains(OutsideWork.role, words),
                _contains(Notice.description, words),
            )
        )
    is_gift = col(Declaration.kind) == "gift"
    if criteria.date_from is not None:
        start = _local_midnight(criteria.date_from, tz)
        where.append(
            or_(
                and_(is_gift, col(GiftRow.date_offered) >= criteria.date_from),
                and_(~is_gift, col(Declaration.created_at) >= start),
            )
        )
    if criteria.date_to is not None:
        end = _local_midnight(criteria.date_to + timedelta(days=1), tz)
        where.append(
            or_(
                and_(is_gift, col(GiftRow.date_offered) <= criteria.date_to),
                and_(~is_gift, col(Declaration.created_at) < end),
            )
        )
    return where


def _joined(query: Any) -> Any:
    return (
        query.join(Staff, col(Staff.id) == col(Declaration.declarant_id))
        .outerjoin(GiftRow, col(GiftRow.declaration_id) == col(Declaration.id))
        .outerjoin(Interest, col(Interest.declaration_id) == col(Declaration.id))
        .outerjoin(OutsideWork, col(OutsideWork.declaration_id) == col(Declaration.id))
        .outerjoin(Notice, col(Notice.declaration_id) == col(Declaration.id))
    )


def search(
    session: Session,
    *,
    viewer: Viewer,
    criteria: Criteria,
    tz: ZoneInfo,
    offset: int = 0,
    limit: int = 10,
) -> Page:
    """One page of what matches, newest declaration first, and how many match in all."""
    where = _conditions(viewer, criteria, tz)
    total = session.exec(_joined(select(func.count(col(Declaration.id)))).where(*where)).one()
    rows = session.exec(
        _joined(select(Declaration, Staff, GiftRow, Interest, OutsideWork, Notice))
        .where(*where)
        .order_by(col(Declaration.id).desc())
        .offset(max(offset, 0))
        .limit(limit)
    ).all()
    hits = []
    for declaration, declarant, gift, interest, work, notice in rows:
        detail = gift or interest or work or notice
        on = gift.date_offered if gift is not None else declaration.created_at.astimezone(tz).date()
        hits.append(Hit(declaration, declarant, detail, on))
    return Page(hits, int(total), max(offset, 0))
