"""Ending what was declared — an interest, an outside-work permission — once: a conditional
update (two presses or submissions end it once), with its "ended" entry in the trail."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Update, or_, update
from sqlmodel import Session, col

from storage import audit
from storage.models import Interest, OutsideWork


def end_interest(session: Session, *, declaration_id: int, on: date, actor_id: int) -> bool:
    """Set the interest's end date unless it has one already. The caller commits."""
    ending = update(Interest).where(
        col(Interest.declaration_id) == declaration_id, col(Interest.ended_on).is_(None)
    )
    return _ended(session, ending, declaration_id=declaration_id, on=on, actor_id=actor_id)


def end_permission(
    session: Session, *, declaration_id: int, on: date, actor_id: int, **detail: Any
) -> bool:
    """End an outside-work permission on `on`, unless it has ended by then already. The
    caller commits."""
    ending = update(OutsideWork).where(
        col(OutsideWork.declaration_id) == declaration_id,
        or_(col(OutsideWork.ended_on).is_(None), col(OutsideWork.ended_on) > on),
    )
    return _ended(
        session, ending, declaration_id=declaration_id, on=on, actor_id=actor_id, **detail
    )


def _ended(
    session: Session, ending: Update, *, declaration_id: int, on: date, **detail: Any
) -> bool:
    done = session.execute(ending.values(ended_on=on).execution_options(synchronize_session=False))
    if getattr(done, "rowcount", 0) != 1:
        return False
    audit.record(session, action="ended", declaration_id=declaration_id, ended_on=on, **detail)
    return True
