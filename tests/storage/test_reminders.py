"""The reminder ledger: once per key, across reruns, failures, dead sweeps and processes."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.ledger import send_once
from bot.outbox import Posted
from storage.db import Database
from storage.models import Reminder
from storage.reminders import STALE_CLAIM, Key, claim

NOW = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
KEY = Key("vetting_renewal", "staff:1", "UALICE", date(2026, 12, 1))


def test_send_once_sends_once(db: Database) -> None:
    sent: list[str] = []

    def send() -> Posted:
        sent.append("x")
        return Posted("DUALICE", "1.0")

    assert send_once(db, KEY, send, now=NOW).sent
    assert not send_once(db, KEY, send, now=NOW).sent
    assert not send_once(db, KEY, send, now=NOW + timedelta(days=1)).sent
    assert sent == ["x"]


def test_a_failed_send_is_retried_by_the_next_run(db: Database) -> None:
    def broken() -> Posted:
        raise ConnectionError("Slack is down")

    failed = send_once(db, KEY, broken, now=NOW)
    assert not failed.sent and "Slack is down" in (failed.error or "")
    assert send_once(db, KEY, lambda: Posted("D", "1"), now=NOW + timedelta(hours=1)).sent


def test_a_claim_left_by_a_dead_sweep_is_taken_again_only_when_stale(db: Database) -> None:
    with db.session() as session:
        assert claim(session, key=KEY, now=NOW) is not None
        session.commit()
    assert not send_once(db, KEY, lambda: Posted("D", "1"), now=NOW + timedelta(minutes=1)).sent
    later = NOW + STALE_CLAIM + timedelta(seconds=1)
    assert send_once(db, KEY, lambda: Posted("D", "1"), now=later).sent


@pytest.mark.parametrize("fails", [False, True])
def test_a_send_taken_over_by_another_sweep_records_nothing_when_it_ends(
    db: Database, fails: bool
) -> None:
    later = NOW + STALE_CLAIM + timedelta(minutes=1)

    def slow() -> Posted:  # outlasts the lease: another sweep takes the key over and sends it
        assert send_once(db, KEY, lambda: Posted("D", "theirs"), now=later).sent
        if fails:
            raise ConnectionError("timed out")
        return Posted("D", "mine")

    send_once(db, KEY, slow, now=NOW)
    with db.session() as session:
        row = session.exec(select(Reminder)).one()
    assert (row.status, row.ts, row.sent_at, row.last_error) == ("sent", "theirs", later, None)


def test_sweeps_racing_for_one_key_send_it_once(db: Database) -> None:
    sent: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def sweep(n: int) -> None:
        barrier.wait()

        def send() -> Posted:
            with lock:
                sent.append(n)
            return Posted("D", str(n))

        send_once(db, KEY, send, now=NOW)

    threads = [threading.Thread(target=sweep, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sent) == 1
