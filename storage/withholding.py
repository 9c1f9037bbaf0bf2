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
    if not _set(session, declaration_id, withheld=False, reason=ground, by_id=actor_id, at=at):
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
    if not _set(session, declaration_id, withheld=True, reason=None, by_id=None, at=None):
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


def _set(
    session: Session,
    declaration_id: int,
    *,
    withheld: bool,
    reason: str | None,
    by_id: int | None,
    at: datetime | None,
) -> bool:
    """Write the withholding only if the declaration is still as the caller saw it
    (`withheld` or not), so that of two officers at once only one succeeds."""
    was = col(Declaration.withheld_at)
    as_seen = was.is_not(None) if withheld else was.is_(None)
    done = session.execute(
        update(Declaration)
        .where(col(Declaration.id) == declaration_id, as_seen)
        .values(withheld_reason=reason, withheld_by_id=by_id, withheld_at=at)
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1
