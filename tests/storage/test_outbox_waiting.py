"""storage.outbox.queue_unless_waiting: one message waiting per subject, whatever the changes;
a message already in a worker's hands, or done, does not count. One due a moment later covers
the changes of that moment; `hurry` makes it due at once, and leaves messages held for hours."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, update
from sqlmodel import col, select

from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage


def owe(db: Database, subject: str = "home:1", not_before: datetime | None = None) -> bool:
    with db.session() as session:
        queued = outbox.queue_unless_waiting(
            session,
            kind="home",
            subject=subject,
            recipient="staff:1",
            payload={"card": "home", "staff_id": 1},
            not_before=not_before,
        )
        session.commit()
    return queued


def set_status(db: Database, status: str) -> None:
    with db.session() as session:
        session.execute(update(OutboxMessage).values(status=status))
        session.commit()


def rows(db: Database) -> list[OutboxMessage]:
    with db.session() as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def test_a_waiting_message_covers_the_next_change(db: Database) -> None:
    assert owe(db) and not owe(db)
    (row,) = rows(db)
    assert (row.kind, row.subject, row.recipient, row.status) == (
        "home",
        "home:1",
        "staff:1",
        "queued",
    )
    assert json.loads(row.payload or "") == {"card": "home", "staff_id": 1}
    assert row.claimed_at is None and row.attempts == 0 and row.created_at is not None
    assert owe(db, "home:2")  # another person's Home is another subject


@pytest.mark.parametrize(
    ("status", "covers"),
    [
        ("failed", True),  # in back-off: drawn afresh when tried again
        ("parked", True),  # Teams: Nolan not installed for them; drawn afresh once it is
        ("claimed", False),  # in a worker's hands: perhaps drawn before the change
        ("sent", False),
        ("skipped", False),
        ("dead", False),
    ],
)
def test_what_counts_as_waiting(db: Database, status: str, covers: bool) -> None:
    assert owe(db)
    set_status(db, status)
    assert owe(db) is not covers
    assert len(rows(db)) == (1 if covers else 2)


def test_the_waiting_message_is_found_by_index(db: Database) -> None:
    """The look-up is the (kind, subject, …) unique index's, not a scan of the outbox."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan")
    statements: list[str] = []

    def seen(_c: object, _cur: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        owe(db)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    (insert,) = [s for s in statements if s.startswith("INSERT INTO outbox")]
    with db.engine.connect() as conn:
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + insert,
            (
                "home",
                "home:1",
                "staff:1",
                "queued",
                0,
                "{}",
                None,
                None,
                None,
                "home",
                "home:1",
                *(status.value for status in outbox.WAITING),
            ),
        ).all()
    assert any("USING INDEX" in str(step) and "kind=? AND subject=?" in str(step) for step in plan)


def test_the_latest_sent_is_where_a_card_to_update_went(db: Database) -> None:
    """A platform that updates its Home card in place (Teams) finds the last one it sent,
    not the refresh it is sending."""
    assert owe(db)
    with db.session() as session:
        session.execute(
            update(OutboxMessage).values(status="sent", channel="staff:1", ts="activity-1")
        )
        session.commit()
    assert owe(db)
    set_status_of_newest(db, "claimed")
    with db.session() as session:
        newest = outbox.latest(session, kind="home", subject="home:1")
        posted = outbox.latest(session, kind="home", subject="home:1", sent=True)
        assert newest is not None and newest.status == "claimed"
        assert posted is not None and (posted.channel, posted.ts) == ("staff:1", "activity-1")
        assert outbox.latest(session, kind="home", subject="home:2", sent=True) is None


def set_status_of_newest(db: Database, status: str) -> None:
    with db.session() as session:
        newest = max(r.id or 0 for r in session.exec(select(OutboxMessage)).all())
        session.execute(
            update(OutboxMessage).where(col(OutboxMessage.id) == newest).values(status=status)
        )
        session.commit()


NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def test_one_due_a_moment_later_covers_the_changes_meanwhile(db: Database) -> None:
    assert owe(db, not_before=NOW + timedelta(seconds=2))
    assert not owe(db, not_before=NOW + timedelta(seconds=3))
    (row,) = rows(db)
    assert row.not_before == NOW + timedelta(seconds=2)
    with db.session() as session:
        assert outbox.waiting(session, now=NOW) == 0  # not yet due
        assert outbox.waiting(session, now=NOW + timedelta(seconds=2)) == 1


def test_hurry_brings_the_moment_forward_and_leaves_held_messages(db: Database) -> None:
    owe(db, "home:1", not_before=NOW + timedelta(seconds=2))
    owe(db, "home:2", not_before=NOW + timedelta(hours=10))  # held until the morning
    with db.session() as session:
        assert outbox.hurry(session, now=NOW, within=timedelta(seconds=2)) == 1
        session.commit()
    soon, held = rows(db)
    assert soon.not_before is None
    assert held.not_before == NOW + timedelta(hours=10)
