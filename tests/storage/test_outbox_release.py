"""storage.outbox.release: a delivery process started in place of one that died puts back the
claims taken before it died — due at once, not after STALE_CLAIM — and no other message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage

DIED = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
STATES = [  # (status, claimed_at)
    ("claimed", DIED - timedelta(seconds=5)),  # the dead process's
    ("claimed", DIED + timedelta(seconds=1)),  # another worker's, claimed since
    ("sent", DIED - timedelta(seconds=5)),
    ("failed", DIED - timedelta(seconds=5)),
]


def test_the_claims_taken_before_the_death_are_due_again_at_once(db: Database) -> None:
    with db.session() as session:
        for n, (status, claimed_at) in enumerate(STATES):
            session.add(
                OutboxMessage(
                    kind="notice", subject=f"s:{n}", recipient="staff:1", payload="{}",
                    status=status, claimed_at=claimed_at,
                )
            )
        session.commit()
    with db.session() as session:
        assert outbox.release(session, claimed_before=DIED) == 1
        session.commit()
    with db.session() as session:
        statuses = session.exec(select(OutboxMessage.status).order_by(col(OutboxMessage.id)))
        assert list(statuses) == ["queued", "claimed", "sent", "failed"]
        due = outbox.due(session, now=DIED, stale_after=timedelta(minutes=10), limit=10)
        assert len(due) == 2  # the one put back, and the one in back-off with no not_before
