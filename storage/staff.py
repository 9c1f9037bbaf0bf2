"""Repository functions for the org chart."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.rules.roles import Role
from bot.rules.routing import OfficeHolders, Person
from storage.models import Staff


def by_slack_id(session: Session, *, slack_user_id: str) -> Staff | None:
    return session.exec(
        select(Staff).where(Staff.slack_user_id == slack_user_id, col(Staff.active).is_(True))
    ).first()


def by_id(session: Session, *, staff_id: int) -> Staff | None:
    return session.get(Staff, staff_id)


def by_ids(session: Session, *, ids: set[int]) -> dict[int, Staff]:
    if not ids:
        return {}
    return {s.id: s for s in session.exec(select(Staff).where(col(Staff.id).in_(ids))) if s.id}


def holders_of(session: Session, *, role: Role) -> list[Staff]:
    """Active staff holding `role`, oldest record first (a stable choice if there are two)."""
    rows = session.exec(
        select(Staff)
        .where(col(Staff.active).is_(True), col(Staff.roles).contains(role.value))
        .order_by(col(Staff.id))
    )
    return [s for s in rows if role.value in s.role_set]


def office_holders(session: Session) -> OfficeHolders:
    head = holders_of(session, role=Role.HEAD_OF_OFFICE)
    monitoring = holders_of(session, role=Role.MONITORING_OFFICER)
    return OfficeHolders(
        head_of_office_id=head[0].id if head else None,
        monitoring_officer_id=monitoring[0].id if monitoring else None,
    )


def as_person(staff: Staff) -> Person:
    assert staff.id is not None
    return Person(id=staff.id, roles=staff.role_set, line_manager_id=staff.line_manager_id)
