"""The vetting queries: each loads what the sweep needs in one query, never one per person
(a sweep covers up to 100,000 staff)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.rules.vetting import Clearance
from storage import staff
from storage.models import Staff


@dataclass(frozen=True)
class Holder:
    """A member of staff with a clearance, as the sweep needs them (outlives the session)."""

    id: int
    name: str
    slack_user_id: str | None
    tz: str | None
    level: str | None
    expires: date
    teams_id: str | None = None

    @property
    def clearance(self) -> Clearance:
        return Clearance(self.id, self.level, self.expires)


def _holder(person: Staff) -> Holder:
    assert person.id is not None and person.vetting_expires is not None
    return Holder(
        id=person.id,
        name=person.display_name,
        slack_user_id=person.slack_user_id,
        tz=person.tz,
        level=person.vetting_level,
        expires=person.vetting_expires,
        teams_id=person.teams_id,
    )


def expiring(session: Session, *, first: date, last: date) -> list[Holder]:
    """Active staff whose clearance expires between `first` and `last` (inclusive)."""
    rows = session.exec(
        select(Staff)
        .where(
            col(Staff.active).is_(True),
            col(Staff.vetting_expires) >= first,
            col(Staff.vetting_expires) <= last,
        )
        .order_by(col(Staff.vetting_expires), col(Staff.id))
    )
    return [_holder(p) for p in rows]


def lapsed(session: Session, *, before: date) -> list[Holder]:
    """Active staff whose clearance expired before `before`, longest lapsed first."""
    rows = session.exec(
        select(Staff)
        .where(col(Staff.active).is_(True), col(Staff.vetting_expires) < before)
        .order_by(col(Staff.vetting_expires), col(Staff.id))
    )
    return [_holder(p) for p in rows]


def set_expiry(
    session: Session, *, staff_id: int, old: date | None, new: date, now: datetime
) -> bool:
    """Move a clearance's expiry, only if it is still `old` (two officers pressing at once,
    or an import in between, must not both apply). The caller commits."""
    same = (
        col(Staff.vetting_expires).is_(None) if old is None else col(Staff.vetting_expires) == old
    )
    result = session.execute(
        update(Staff)
        .where(col(Staff.id) == staff_id, same)
        .values(vetting_expires=new, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def clearances_of(session: Session, *, expiring: dict[int, date]) -> list[Holder]:
    """The active staff among these whose clearance still expires on the day given (those
    renewed since are left out), in the order given."""
    people = staff.by_ids(session, ids=set(expiring))
    return [
        _holder(p)
        for staff_id, expires in expiring.items()
        if (p := people.get(staff_id)) is not None and p.active and p.vetting_expires == expires
    ]
