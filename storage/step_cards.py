"""Where an approver's card went, judged against the step under its row's lock.

A card reaches its approver while the step may be moving to someone else (a delegation, an
escalation) in another transaction. Read without a lock, the step could still show the old
approver while the move commits beside it, and the move could not see the card, not yet
recorded as sent: the old approver's card would keep its buttons. A conditional UPDATE of the
step's row takes the row's lock instead: a move under way is waited for and then seen
(PostgreSQL re-reads the row; SQLite has one writer, and this is the transaction's first
write), and a move that comes after waits for the caller's commit, which records the card.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from storage.db import run
from storage.models import ApprovalStep


def still_with(session: Session, *, step_id: int, approver_id: int, **place: object) -> bool:
    """Is the step still `approver_id`'s? Locks its row for the caller's transaction, setting
    `place` (Slack's dm_channel and dm_ts: where the card went) if so. False when it moved on,
    or is gone."""
    values: dict[str, object] = dict(place) or {"approver_id": col(ApprovalStep.approver_id)}
    held = run(
        session,
        update(ApprovalStep)
        .where(col(ApprovalStep.id) == step_id, col(ApprovalStep.approver_id) == approver_id)
        .values(values)
        .execution_options(synchronize_session=False)
    )
    return held.rowcount == 1
