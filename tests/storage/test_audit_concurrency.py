"""Writers at once — threads, and separate processes like the bot and the CLI — never fork the
audit chain: the second waits for the first to commit and chains on from its entry."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from sqlmodel import col, select

from storage import audit
from storage.audit_chain import verify
from storage.db import Database
from storage.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]


def chain(db: Database) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id))))


def assert_transactions_kept_together(rows: list[AuditEntry]) -> None:
    """Each transaction wrote a pair; serialized, each pair is adjacent in the chain."""
    for first, second in zip(rows[::2], rows[1::2], strict=True):
        one, two = json.loads(first.detail), json.loads(second.detail)
        assert (one.pop("part"), two.pop("part")) == (1, 2)
        assert one == two
        assert second.id == (first.id or 0) + 1


def test_a_long_transaction_does_not_hold_the_chain_until_it_commits(db: Database) -> None:
    """The head is held only while entries are written and committed (issue 10): a second
    writer need not wait for a first whose request is still at work."""
    done = threading.Event()
    second: list[AuditEntry] = []

    def write_second() -> None:
        with db.session() as session:
            second.append(audit.record(session, action="second"))
            session.commit()
        done.set()

    with db.session() as session:
        first = audit.record(session, action="first")
        thread = threading.Thread(target=write_second)
        thread.start()
        assert done.wait(10), "the second writer waited for the first's whole transaction"
        session.commit()
    thread.join(10)
    assert first.prev_hash == second[0].hash  # chained on from the one that committed first
    assert verify(db.engine).broken is None


def test_a_writer_that_has_read_the_trail_holds_it_to_commit(db: Database) -> None:
    """Reading the trail writes the transaction's entries first (it sees its own): from then
    on it holds the chain, and a second writer chains on from it."""
    done = threading.Event()
    second: list[AuditEntry] = []

    def write_second() -> None:
        with db.session() as session:
            second.append(audit.record(session, action="second"))
            session.commit()
        done.set()

    with db.session() as session:
        first = audit.record(session, action="first")
        assert session.exec(select(AuditEntry.action)).all() == ["first"]
        thread = threading.Thread(target=write_second)
        thread.start()
        assert not done.wait(0.5)  # it waits on the head we hold (a bounded wait, not a sleep)
        session.commit()
    thread.join(10)
    assert done.is_set()
    assert second[0].prev_hash == first.hash
    assert verify(db.engine).broken is None


def test_threads_writing_at_once_keep_one_chain(db: Database) -> None:
    writers, rounds = 4, 15
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def work(writer: int) -> None:
        try:
            start.wait()
            for n in range(rounds):
                with db.session() as session:
                    # Handlers read before they write: the claim must still come first.
                    session.exec(select(AuditEntry.id).order_by(col(AuditEntry.id))).all()
                    for part in (1, 2):
                        audit.record(session, action="noted", writer=writer, n=n, part=part)
                    session.commit()
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    verdict = verify(db.engine)
    assert verdict.broken is None
    assert verdict.entries == writers * rounds * 2
    assert_transactions_kept_together(chain(db))


WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sqlmodel import select
    from storage import audit
    from storage.db import Database
    from storage.models import AuditEntry

    url, name, rounds, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    db = Database(url)
    (go.parent / f"ready-{name}").touch()
    while not go.exists():
        time.sleep(0.01)
    for n in range(rounds):
        with db.session() as session:
            session.exec(select(AuditEntry.id)).first()
            for part in (1, 2):
                audit.record(session, action="noted", writer=name, n=n, part=part)
            session.commit()
        time.sleep(0.02)  # a pause between requests, so neither holds the lock throughout
    db.dispose()
    """
)


def test_processes_writing_at_once_keep_one_chain(db: Database, tmp_path: Path) -> None:
    rounds, go = 30, tmp_path / "go"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, db.url, name, str(rounds), str(go)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("bot", "cli")
    ]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{n}").exists() for n in ("bot", "cli")):
        assert time.monotonic() < deadline, "the writers did not start"
        assert all(p.poll() is None for p in processes), "a writer stopped early"
        time.sleep(0.05)
    go.touch()  # both at once
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    rows = chain(db)
    verdict = verify(db.engine)
    assert verdict.broken is None
    assert verdict.entries == 2 * rounds * 2
    assert_transactions_kept_together(rows)
    # They did run at once: the two writers' transactions interleave.
    writers = [row.detail for row in rows[::2]]
    switches = sum(('"bot"' in a) != ('"bot"' in b) for a, b in itertools.pairwise(writers))
    assert switches > 1
