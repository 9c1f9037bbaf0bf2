"""Withholding a declaration from the published register, and publishing it again: each a
conditional update and its audit entry, committed together by the caller."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
    to = (ground, actor_id, at)
    return _change(session, declaration_id, actor_id, "withheld", to, ground=ground, note=note)


def publish_again(
    session: Session, *, declaration_id: int, reason: str, actor_id: int, ground: str | None
) -> bool:
    """Clear the withholding if it is still there; the audit keeps the ground it had."""
    nothing = (None, None, None)
    return _change(
        session, declaration_id, actor_id, "published_again", nothing, reason=reason, ground=ground
    )


def _change(
    session: Session,
    declaration_id: int,
    actor_id: int,
    action: str,
    to: tuple[str | None, int | None, datetime | None],
    **detail: Any,
) -> bool:
    """Set the withholding to (reason, by whom, when), or clear it, and audit that: only if
    the declaration is still as the caller saw it (withheld to clear, not to set), so that of
    two officers at once only one succeeds."""
    reason, by_id, at = to
    was = col(Declaration.withheld_at)
    as_seen = was.is_not(None) if at is None else was.is_(None)
    done = session.execute(
        update(Declaration)
        .where(col(Declaration.id) == declaration_id, as_seen)
        .values(withheld_reason=reason, withheld_by_id=by_id, withheld_at=at)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return False
    audit.record(session, action=action, actor_id=actor_id, declaration_id=declaration_id, **detail)
    return True
