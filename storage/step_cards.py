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

from sqlalchemy import bindparam, update
from sqlmodel import Session, col

from storage.db import run
from storage.models import ApprovalStep

# Built once each (building a statement and its cache key cost more than running it, at every
# card sent): the step's row still the approver's, where the card went set on it — or, where
# no place is kept (Teams), its approver set to itself, to take the lock and count the row.
_HELD = update(ApprovalStep).where(
    col(ApprovalStep.id) == bindparam("held_step"),
    col(ApprovalStep.approver_id) == bindparam("held_by"),
)
_PLACED = _HELD.values(
    dm_channel=bindparam("card_channel"), dm_ts=bindparam("card_ts")
).execution_options(synchronize_session=False)
_LOCKED = _HELD.values(approver_id=col(ApprovalStep.approver_id)).execution_options(
    synchronize_session=False
)


def still_with(
    session: Session,
    *,
    step_id: int,
    approver_id: int,
    dm_channel: str | None = None,
    dm_ts: str | None = None,
) -> bool:
    """Is the step still `approver_id`'s? Locks its row for the caller's transaction, setting
    where the card went (Slack's `dm_channel` and `dm_ts`) if so. False when it moved on, or
    is gone."""
    held = {"held_step": step_id, "held_by": approver_id}
    if dm_channel is None and dm_ts is None:
        statement = _LOCKED
    else:
        statement, held = _PLACED, {**held, "card_channel": dm_channel, "card_ts": dm_ts}
    return bool(run(session, statement, held).rowcount == 1)
