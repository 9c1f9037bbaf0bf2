"""Withholding a declaration from the published register, and publishing it again: each a
conditional update and its audit entry, committed together by the caller."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from storage import audit
from storage.models import Declaration


def withhold(
    session: Session,
    *,
    declaration_id: int,
    ground: str,
    note: str,
    actor_id: int,
    at: datetime,
) -> bool:
    """Withhold it unless it already is (two officers at once: one wins, the other is told)."""
    done = session.execute(
        update(Declaration)
        .where(col(Declaration.id) == declaration_id, col(Declaration.withheld_at).is_(None))
        .values(withheld_reason=ground, withheld_by_id=actor_id, withheld_at=at)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return False
    audit.record(
        session,
        action="withheld",
        actor_id=actor_id,
        declaration_id=declaration_id,
        ground=ground,
        note=note,
    )
    return True


def publish_again(
    session: Session, *, declaration_id: int, reason: str, actor_id: int, ground: str | None
) -> bool:
    """Clear the withholding if it is still there; the audit keeps the ground it had."""
    done = session.execute(
        update(Declaration)
        .where(col(Declaration.id) == declaration_id, col(Declaration.withheld_at).is_not(None))
        .values(withheld_reason=None, withheld_by_id=None, withheld_at=None)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return False
    audit.record(
        session,
        action="published_again",
        actor_id=actor_id,
        declaration_id=declaration_id,
        reason=reason,
        ground=ground,
    )
    return True
