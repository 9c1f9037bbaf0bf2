"""storage.touched: who a committed audit entry concerns, told after commit only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event

from storage import audit, reminders, touched
from storage.db import Database
from storage.models import ApprovalStep, Declaration, Staff
from storage.touched import Touched


class Recorder:
    def __init__(self) -> None:
        self.seen: list[Touched] = []
        self.settled = 0

    def touched(self, touched: Touched) -> None:
        self.seen.append(touched)

    def settle(self) -> None:
        self.settled += 1


def test_committed_entries_name_their_declaration_actor_and_people(db: Database) -> None:
    watcher = Recorder()
    touched.subscribe(db, watcher)
    with db.session() as session:
        audit.record(session, action="delegated", actor_id=None, delegator_id=4, deputy_id=5)
        audit.record(session, action="vetting_renewed", actor_id=None, staff_id=6, years=3)
        session.commit()
    assert len(watcher.seen) == 1
    assert watcher.seen[0].staff_ids == {4, 5, 6}  # `years` is not a person
    touched.settle(db)
    assert watcher.settled == 1


def test_a_rolled_back_change_concerns_nobody(db: Database) -> None:
    watcher = Recorder()
    touched.subscribe(db, watcher)
    with db.session() as session:
        audit.record(session, action="delegated", delegator_id=4, deputy_id=5)
        session.flush()
        session.rollback()
        session.commit()
    assert watcher.seen == []


def test_a_failing_watcher_never_breaks_the_work(db: Database) -> None:
    class Broken(Recorder):
        def settle(self) -> None:
            raise RuntimeError("Slack is down")

    watcher = Broken()
    touched.subscribe(db, watcher)
    touched.settle(db)  # logged, not raised


def test_looks_and_messages_change_no_ones_home(db: Database) -> None:
    """An officer opening a record, or a reminder going out, re-publishes nobody's Home."""
    watcher = Recorder()
    touched.subscribe(db, watcher)
    with db.session() as session:
        audit.record(session, action="viewed", actor_id=None, staff_id=7, why="officer")
        audit.record(session, action="reminded", actor_id=None, approver_id=8)
        session.commit()
    assert watcher.seen == []
    with db.session() as session:
        audit.record(session, action="reminded", actor_id=None, approver_id=8)
        audit.record(session, action="escalated", actor_id=None, from_id=8, to_id=9)
        session.commit()
    assert [t.staff_ids for t in watcher.seen] == [{8, 9}]


def test_a_forgotten_database_tells_its_old_watchers_nothing(db: Database) -> None:
    """What the tests' kept engine relies on: a stopped app's watchers, not yet collected,
    hear nothing of the next test's commits."""
    old, new = Recorder(), Recorder()
    touched.subscribe(db, old)
    touched.forget(db)
    touched.subscribe(db, new)
    with db.session() as session:
        audit.record(session, action="vetting_renewed", actor_id=None, staff_id=6, years=3)
        session.commit()
    touched.settle(db)
    assert (len(old.seen), old.settled) == (0, 0)
    assert (len(new.seen), new.settled) == (1, 1)


def test_a_reminder_owed_by_a_sweep_wakes_the_outbox_worker(db: Database) -> None:
    """reminders.queue_once inserts without the ORM: it says a message was queued, so the
    worker sends it at once rather than at its next 30-second pass; a key already owed, or a
    list's line (no message of its own), queues nothing."""
    watcher = Recorder()
    touched.subscribe(db, watcher)
    key = reminders.Key("vetting_renewal", "staff:1", "staff:1", date(2027, 1, 4))
    now = datetime(2027, 1, 4, 9, tzinfo=UTC)
    for payload in ({"card": "vetting_renewal"}, {"card": "vetting_renewal"}, None):
        with db.session() as session:
            line = reminders.Key("line", "staff:2", "staff:1", date(2027, 1, 4))
            reminders.queue_once(session, key=key if payload else line, payload=payload, now=now)
            session.commit()
    assert [t.queued for t in watcher.seen] == [True]


def test_concerned_reads_every_chunk_of_people_and_declarations(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More ids than one statement takes (CHUNK, made 2 here): each chunk of each list read,
    in as many statements as the longer list has chunks; those named and those of each
    declaration (its declarant, approvers and the principals they stand in for) alike."""
    with db.session() as session:
        people = [Staff(email=f"p{i}@opcc.example", name=f"P{i}") for i in range(9)]
        people.append(Staff(email="gone@opcc.example", name="Gone", active=False))
        session.add_all(people)
        session.flush()
        ids = [p.id or 0 for p in people]
        declarations = [
            Declaration(kind="gift", declarant_id=ids[i], status="pending") for i in (0, 1, 2)
        ]
        session.add_all(declarations)
        session.flush()
        session.add(
            ApprovalStep(
                declaration_id=declarations[2].id or 0,
                approver_id=ids[3],
                delegated_from_id=ids[4],
                role="line_manager",
                purpose="authorise",
            )
        )
        session.commit()
    monkeypatch.setattr(touched, "CHUNK", 2)
    change = Touched(
        declaration_ids={d.id or 0 for d in declarations}, staff_ids={ids[5], ids[6], ids[9]}
    )
    statements: list[str] = []

    def sent(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", sent)
    try:
        with db.session() as session:
            found = touched.concerned(session, change)
    finally:
        event.remove(db.engine, "before_cursor_execute", sent)
    assert found == sorted(ids[:7])  # not the inactive one, nor those untouched
    assert len(statements) == 2  # three of each: chunks of two
