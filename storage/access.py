"""bot.rules.access as SQL: lists and searches select only what the viewer may see, so a
declaration they may not see is never loaded. tests/storage/test_access_sql.py holds the filter
to the pure rule."""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, or_, true
from sqlmodel import Session, col, select

from bot.rules.access import (
    CONFIDENTIAL_KINDS,
    Access,
    Subject,
    Viewer,
    is_officer,
    may_see,
    officer_sees,
)
from storage.declarations import Record
from storage.models import ApprovalStep, Declaration, Staff


def viewer_of(person: Staff) -> Viewer:
    assert person.id is not None
    return Viewer(person.id, person.role_set)


def routed_ids(steps: list[ApprovalStep]) -> frozenset[int]:
    ids: set[int] = set()
    for step in steps:
        ids |= {step.approver_id, step.delegated_from_id or 0, step.decided_by_id or 0}
    return frozenset(ids - {0})


def subject_of(record: Record) -> Subject:
    return Subject(
        declarant_id=record.declaration.declarant_id,
        kind=record.declaration.kind,
        routed_ids=routed_ids(record.steps),
    )


def access_to(viewer: Viewer, record: Record) -> Access:
    return may_see(viewer, subject_of(record))


def visible_to(viewer: Viewer) -> Any:
    """A WHERE clause on `declaration` true for the rows `may_see` allows."""
    mine = col(ApprovalStep.approver_id) == viewer.staff_id
    routed = select(ApprovalStep.declaration_id).where(
        or_(
            mine,
            col(ApprovalStep.delegated_from_id) == viewer.staff_id,
            col(ApprovalStep.decided_by_id) == viewer.staff_id,
        )
    )
    confidential = sorted(CONFIDENTIAL_KINDS)
    office: Any = false()
    if is_officer(viewer.roles):
        hidden = [k for k in confidential if not officer_sees(viewer.roles, k)]
        office = col(Declaration.kind).not_in(hidden) if hidden else true()
    return or_(
        col(Declaration.declarant_id) == viewer.staff_id,
        col(Declaration.id).in_(routed),
        office,
    )


def may_view(session: Session, viewer: Viewer, declaration_id: int) -> bool:
    """One declaration, by the SQL filter (for a caller that has not loaded it)."""
    found = session.exec(
        select(Declaration.id).where(col(Declaration.id) == declaration_id, visible_to(viewer))
    ).first()
    return found is not None
