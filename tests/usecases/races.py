"""Two people acting on one declaration at the same moment, on PostgreSQL: the machinery the
race tests share (tests/usecases/test_*_races.py). Driven, not timed: the first runs to its
commit and holds there until the second has finished or is seen waiting for a lock
(PostgreSQL's pg_stat_activity), then both run to the end. SQLite has one writer at a time
and shows no wait to watch for: there the tests are skipped."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlmodel import Session

from bot.usecases import decide
from bot.usecases.gifts import declare_gift
from storage import declarations
from storage.db import Database
from storage.models import Declaration, Staff
from tests.e2e.harness import seed_org
from tests.usecases.world import NOW, hospitality, settings

# However slow the machine, a turn is never this long: past it the test fails, never hangs.
PATIENCE_SECONDS = 20


def a_gift(db: Database, org: dict[str, Staff]) -> tuple[int, int]:
    """Alice's gift, waiting for her manager alone: the declaration and its step."""
    done = declare_gift(
        db, declarant=org["alice"], offer=hospitality(), settings=settings(), now=NOW
    )
    [step_id] = done.steps
    return done.declaration_id, step_id


def postgres_org(db: Database) -> dict[str, Staff]:
    """The org chart of tests/e2e/harness.py, on PostgreSQL only (the test skipped else)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the wait for the other's lock is seen in PostgreSQL's pg_stat_activity")
    return seed_org(db)


def patient(db: Database) -> Iterator[Database]:
    """The test's database, its sessions giving up on a lock (an error, not a hang) after
    PATIENCE_SECONDS: a deadlock between the two fails the test. (A fixture's body.)"""
    patient_db = Database(db.url)

    @event.listens_for(patient_db.engine, "connect")
    def _patience(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = '{PATIENCE_SECONDS}s'")
        dbapi_connection.commit()

    yield patient_db
    patient_db.dispose()


def _someone_waits_for_a_lock(db: Database) -> bool:
    with db.engine.connect() as conn:
        waiting = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
        ).scalar()
    return bool(waiting)


def at_once(db: Database, first: Callable[[], Any], second: Callable[[], Any]) -> list[Any]:
    """Run `first` up to its commit; there, run `second` until it has finished or waits for a
    lock `first` holds; then let both finish. What each returned or raised, in that order."""
    results: list[Any] = [None, None]
    threads: list[threading.Thread] = []
    held: list[str] = []

    def running(index: int, action: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            try:
                results[index] = action()
            except Exception as exc:  # what it raised is the result
                results[index] = exc

        return run

    def before_commit(_session: Session) -> None:
        if threads[0] is not threading.current_thread() or held:
            return
        held.append("first, at its commit")
        threads[1].start()
        deadline = time.monotonic() + PATIENCE_SECONDS
        while threads[1].is_alive() and not _someone_waits_for_a_lock(db):
            if time.monotonic() > deadline:
                raise AssertionError("the second neither finished nor waited for a lock")
            time.sleep(0.01)

    threads[:] = [
        threading.Thread(target=running(0, first), daemon=True),
        threading.Thread(target=running(1, second), daemon=True),
    ]
    event.listen(Session, "before_commit", before_commit)
    try:
        threads[0].start()
        threads[0].join(2 * PATIENCE_SECONDS)
        assert held, "the first never came to its commit"
        threads[1].join(2 * PATIENCE_SECONDS)
    finally:
        event.remove(Session, "before_commit", before_commit)
    assert not any(t.is_alive() for t in threads), "still running: a deadlock"
    return results


def deciding(
    db: Database, person: Staff, step_id: int, outcome: str, reason: str | None = None
) -> Callable[[], decide.Outcome]:
    return lambda: decide.decide(
        db, actor=person, step_id=step_id, outcome=outcome, reason=reason, now=NOW
    )


def steps_of(db: Database, declaration_id: int) -> dict[int, str]:
    """Each step's approver and status."""
    return {approver: status for _step, approver, status in _steps(db, declaration_id)}


def step_of(db: Database, declaration_id: int) -> dict[int, int]:
    """Each step's approver and its id."""
    return {approver: step for step, approver, _status in _steps(db, declaration_id)}


def _steps(db: Database, declaration_id: int) -> list[tuple[int, int, str]]:
    with db.session() as session:
        steps = declarations.steps_for(session, declaration_id=declaration_id)
        return [(s.id or 0, s.approver_id, s.status) for s in steps]


def status_of(db: Database, declaration_id: int) -> str:
    with db.session() as session:
        declaration = session.get(Declaration, declaration_id)
        assert declaration is not None
        return declaration.status
