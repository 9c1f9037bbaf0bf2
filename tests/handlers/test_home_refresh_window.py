"""A Home refresh is due a moment after it is owed (HOME_REFRESH_SECONDS), so that the changes
of that moment make one publish even when the worker is idle and would otherwise send each at
once; the outbox's idle barrier does not wait the moment out. A refresh draws the person it
names by staff id without reading them again by their Slack id."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from bot.outbox import Worker
from bot.settings import Settings
from bot.usecases.homes import HomeRefresher
from handlers.home.publish import SlackHomes
from handlers.outgoing import SlackSender
from storage.db import Database
from tests.bot.test_outbox import Clock
from tests.handlers.test_home_refresh import Published, Rig, gift, person

WINDOW = timedelta(seconds=2)


@pytest.fixture
def rig(db: Database) -> Rig:
    published, clock = Published(), Clock()
    homes = SlackHomes(db, published, Settings()).attach()  # type: ignore[arg-type]
    sender = SlackSender(db, published)  # type: ignore[arg-type]
    worker = Worker(db, sender, now=clock, merging=WINDOW)
    refresher = HomeRefresher(db, delay=WINDOW, now=clock).watch()
    return Rig(db, published, refresher, homes, worker, clock)


def test_ten_changes_in_the_window_make_one_publish_of_the_latest_state(rig: Rig) -> None:
    alice = person(rig.db, "UALICE", "Alice")
    references = []
    for n in range(10):  # ten listeners, the worker idle between them
        references.append(gift(rig.db, alice, f"Giver {n}"))
        rig.refresher.settle()
        assert rig.worker.run_once() == 0  # not yet due: nothing published
        rig.clock.now += timedelta(milliseconds=100)
    assert rig.published.views == []
    assert [r.kind for r in rig.rows()] == ["home"]  # one refresh owed for all ten

    rig.clock.now += WINDOW
    assert rig.worker.run_once() == 1
    (only,) = rig.homes_of("UALICE")
    assert all(reference in only for reference in references)


def test_a_change_after_the_publish_is_owed_its_own_refresh_a_moment_later(rig: Rig) -> None:
    alice = person(rig.db, "UALICE", "Alice")
    gift(rig.db, alice, "Acme")
    rig.refresher.settle()
    rig.clock.now += WINDOW
    assert rig.worker.run_once() == 1
    later = gift(rig.db, alice, "Globex")
    rig.refresher.settle()
    assert rig.worker.run_once() == 0
    rig.clock.now += WINDOW
    assert rig.worker.run_once() == 1
    first, second = rig.homes_of("UALICE")
    assert later not in first and later in second


def test_the_idle_barrier_sends_the_refresh_without_waiting_out_the_window(rig: Rig) -> None:
    alice = person(rig.db, "UALICE", "Alice")
    reference = gift(rig.db, alice, "Acme")
    rig.refresher.settle()
    rig.worker.start()  # the worker's clock stands still: only the barrier can make it due
    try:
        assert rig.worker.wait_idle(timeout=10)
    finally:
        rig.worker.stop()
    (only,) = rig.homes_of("UALICE")
    assert reference in only
    assert [r.status for r in rig.rows()] == ["sent"]


def test_a_refresh_reads_the_person_once(rig: Rig) -> None:
    """Named by staff id: not looked up again by their Slack id to draw the Home."""
    alice = person(rig.db, "UALICE", "Alice")
    gift(rig.db, alice, "Acme")
    rig.refresher.settle()
    rig.clock.now += WINDOW
    statements: list[str] = []

    def seen(_c: object, _cur: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(rig.db.engine, "before_cursor_execute", seen)
    try:
        assert rig.worker.run_once() == 1
    finally:
        event.remove(rig.db.engine, "before_cursor_execute", seen)
    assert rig.homes_of("UALICE")
    assert [s for s in statements if "FROM staff" in s and "staff.slack_user_id =" in s] == []
