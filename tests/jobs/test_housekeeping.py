"""The daily sweep removes the Home refreshes done with more than a week ago from the outbox,
keeping what anything still reads: the newest Home card with a place (Teams updates it), a
message another updates, what has yet to go, and every other kind of message."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.jobs.housekeeping import HOME_REFRESHES_KEPT, JOBS
from bot.settings import Settings
from bot.sweep import run_sweep
from bot.usecases import homes
from storage import outbox_prune
from storage.db import Database
from storage.models import OutboxMessage
from storage.outbox_prune import prune_homes
from tests.e2e.plans import captured, full_scans

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
OLD = NOW - HOME_REFRESHES_KEPT - timedelta(minutes=1)
RECENT = NOW - HOME_REFRESHES_KEPT + timedelta(minutes=1)


def add(db: Database, label: str, *, kind: str = "home", subject: str = "home:1",
        status: str = "sent", at: datetime = OLD, ts: str | None = None,
        updates: str | None = None, made: dict[str, int] | None = None) -> None:
    """An outbox row made at `at`; its id kept under `label` in `made`."""
    assert made is not None
    with db.session() as session:
        row = OutboxMessage(
            kind=kind, subject=subject, recipient="staff:1", status=status, attempts=1,
            payload="{}", created_at=at, ts=ts, channel="a:chat" if ts else None,
            updates_id=made[updates] if updates else None,
        )
        session.add(row)
        session.commit()
        assert row.id is not None
        made[label] = row.id


def left(db: Database, made: dict[str, int]) -> set[str]:
    with db.session() as session:
        ids = set(session.exec(select(OutboxMessage.id)))
    return {label for label, row_id in made.items() if row_id in ids}


@pytest.fixture
def made(db: Database) -> dict[str, int]:
    made: dict[str, int] = {}
    for label, more in [
        ("slack sent", {}),
        ("skipped", {"status": "skipped"}),
        ("given up", {"status": "dead"}),
        ("failed, to be tried again", {"status": "failed"}),
        ("queued", {"status": "queued"}),
        ("teams card replaced since", {"subject": "home:2", "ts": "1"}),
        ("teams card now shown", {"subject": "home:2", "ts": "2"}),
        ("card another updates", {"subject": "home:3", "status": "sent"}),
        ("teams card of someone quiet", {"subject": "home:4", "ts": "3"}),
        ("a declaration's card", {"kind": "approval", "subject": "step:1"}),
        ("recent", {"at": RECENT}),
    ]:
        add(db, label, made=made, **more)
    add(db, "the update", kind="approval", subject="step:9", updates="card another updates",
        made=made)
    return made


KEPT = {
    "failed, to be tried again", "queued", "teams card now shown", "card another updates",
    "teams card of someone quiet", "a declaration's card", "recent", "the update",
}


def test_the_sweep_removes_the_home_refreshes_done_with_and_keeps_what_is_read(
    db: Database, made: dict[str, int]
) -> None:
    report = run_sweep(db, Settings(), TODAY, NOW, jobs=JOBS)
    assert left(db, made) == KEPT
    assert report.failures == []
    assert report.summary() == "Removed 4 old Home refreshes from the outbox."
    again = run_sweep(db, Settings(), TODAY, NOW, jobs=JOBS)  # nothing more to remove
    assert left(db, made) == KEPT and again.summary() == "Nothing to do."


@pytest.mark.parametrize("batch", [1, 2, 3, 100])
def test_batches_go_on_from_where_the_last_ended_and_stop_at_the_first_recent_row(
    db: Database, made: dict[str, int], batch: int
) -> None:
    after: int | None = 0
    batches = 0
    while after is not None:
        with db.session() as session:
            pruned = prune_homes(session, before=NOW - HOME_REFRESHES_KEPT, after=after,
                                 batch=batch)
            session.commit()
        after, batches = pruned.after, batches + 1
        assert batches < 20, "the walk did not end"
    assert left(db, made) == KEPT
    refreshes = sum(1 for label in made if label not in ("a declaration's card", "the update"))
    assert batches <= refreshes // batch + 1  # no batch read twice


def test_no_statement_reads_the_whole_outbox(db: Database, made: dict[str, int]) -> None:
    with captured(db, own=True) as statements:
        run_sweep(db, Settings(), TODAY, NOW, jobs=JOBS)
    scans = full_scans(db, statements)
    assert statements and scans == [], "\n".join(scans)


def test_on_sqlite_the_refreshes_are_read_from_where_the_last_batch_ended(
    db: Database, made: dict[str, int]
) -> None:
    """By the index over the Home refreshes alone (0015), from the id on: a batch reads its
    own rows, not every refresh ever made, to sort them."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's planner chooses by the table's statistics")
    with captured(db, own=True) as statements, db.session() as session:
        prune_homes(session, before=NOW, after=made["slack sent"], batch=2)
    statement, parameters = statements[0]
    with db.engine.connect() as conn:
        plan = [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                         parameters)]
    assert any("ix_outbox_home_id (id>?)" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan  # no sort


def test_the_kind_pruned_is_the_homes() -> None:
    assert outbox_prune.HOME == homes.HOME
