"""SQLite's writers in one process queue for their turn (storage.sqlite_turns): a writer that
finds another writing waits on the line, not in SQLite's busy handler, and starts as soon as
the other's transaction ends, however it ends."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import Database
from storage.sqlite_turns import Turn, queued_connection


class WatchedTurn(Turn):
    """A Turn that says when a writer comes to the line."""

    def __init__(self, wait: float, across: str | None = None) -> None:
        super().__init__(wait, across)
        self.queuing = threading.Event()

    def take(self) -> bool:
        self.queuing.set()
        return super().take()


@pytest.fixture
def connect(tmp_path: Path) -> Callable[[Turn], sqlite3.Connection]:
    path = tmp_path / "turns.db"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (n INTEGER)")

    def open_one(turn: Turn) -> sqlite3.Connection:
        # No busy handler at all: a writer that met SQLite's lock would fail at once.
        return sqlite3.connect(
            path, timeout=0, check_same_thread=False, factory=queued_connection(turn)
        )

    return open_one


def _write_in_thread(conn: sqlite3.Connection, n: int) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def write() -> None:
        try:
            conn.execute("INSERT INTO t VALUES (?)", (n,))
            conn.commit()
            outcome.append("written")
        except sqlite3.Error as exc:
            outcome.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    return thread, outcome


@pytest.mark.parametrize("ending", ["commit", "rollback", "close"])
def test_a_second_writer_waits_its_turn_and_writes_when_the_first_transaction_ends(
    connect: Callable[[Turn], sqlite3.Connection], ending: str
) -> None:
    turn = WatchedTurn(wait=30)
    first, second = connect(turn), connect(turn)
    first.execute("INSERT INTO t VALUES (1)")  # holds SQLite's write lock and the turn
    turn.queuing.clear()
    thread, outcome = _write_in_thread(second, 2)
    assert turn.queuing.wait(10)  # the second is in line
    assert outcome == []  # and has not met SQLite's lock (it would have failed: timeout=0)
    getattr(first, ending)()
    thread.join(10)
    assert outcome == ["written"]
    kept = {row[0] for row in second.execute("SELECT n FROM t")}
    assert kept == ({1, 2} if ending == "commit" else {2})
    second.close()


def test_without_the_line_the_same_second_writer_meets_sqlites_lock(tmp_path: Path) -> None:
    """What the line saves: with no busy handler, the second plain connection fails at once."""
    path = tmp_path / "plain.db"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (n INTEGER)")
    first = sqlite3.connect(path, timeout=0, check_same_thread=False)
    second = sqlite3.connect(path, timeout=0, check_same_thread=False)
    first.execute("INSERT INTO t VALUES (1)")
    thread, outcome = _write_in_thread(second, 2)
    thread.join(10)
    assert isinstance(outcome[0], sqlite3.OperationalError)
    assert "locked" in str(outcome[0])
    first.close()
    second.close()


def test_reads_take_no_turn(connect: Callable[[Turn], sqlite3.Connection]) -> None:
    turn = WatchedTurn(wait=30)
    writer, reader = connect(turn), connect(turn)
    writer.execute("INSERT INTO t VALUES (1)")
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)  # WAL: the last commit
    writer.commit()
    turn.queuing.clear()
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (1,)
    assert not turn.queuing.is_set()


def test_a_thread_writing_through_two_connections_is_answered_by_sqlite_not_left_waiting(
    connect: Callable[[Turn], sqlite3.Connection],
) -> None:
    turn = Turn(wait=30)
    first, second = connect(turn), connect(turn)
    first.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.execute("INSERT INTO t VALUES (2)")  # at once: SQLite's answer, no 30 s wait
    first.commit()
    second.rollback()
    second.execute("INSERT INTO t VALUES (2)")
    second.commit()


def test_past_its_wait_a_writer_is_left_to_sqlites_own_lock(
    connect: Callable[[Turn], sqlite3.Connection],
) -> None:
    turn = Turn(wait=0.01)
    first, second = connect(turn), connect(turn)
    first.execute("INSERT INTO t VALUES (1)")
    thread, outcome = _write_in_thread(second, 2)
    thread.join(10)
    assert isinstance(outcome[0], sqlite3.OperationalError)  # timeout=0: at once, as before
    first.commit()
    thread, outcome = _write_in_thread(second, 3)
    thread.join(10)
    assert outcome == ["written"]  # the line was left as it was found


def test_the_engines_sessions_give_the_turn_back_after_a_commit_and_after_a_failure(
    db: Database,
) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    raw = db.engine.raw_connection()
    turn_class = type(raw.dbapi_connection)
    raw.close()
    assert issubclass(turn_class, sqlite3.Connection) and turn_class is not sqlite3.Connection

    def writes(n: int) -> None:
        with db.session() as session:
            session.execute(text("INSERT INTO staff_missing_table VALUES (:n)"), {"n": n})

    with pytest.raises(Exception, match="no such table"):
        writes(1)  # failed in its transaction: rolled back, turn given back
    done = threading.Event()

    def other_thread_writes() -> None:
        with db.session() as session:
            session.execute(text("UPDATE staff SET name = name WHERE id = -1"))
            session.commit()
        done.set()

    threading.Thread(target=other_thread_writes).start()
    assert done.wait(10)  # not left waiting for a turn never given back


def test_writers_of_two_processes_queue_on_the_file_lock(
    tmp_path: Path, connect: Callable[[Turn], sqlite3.Connection]
) -> None:
    """Two engines on one file (two processes: flock's locks are per open file, so two
    Turns in one process exclude each other as two processes do)."""
    across = str(tmp_path / "turns.db-writers")
    mine, theirs = Turn(30, across=across), WatchedTurn(30, across=across)
    first, second = connect(mine), connect(theirs)
    first.execute("INSERT INTO t VALUES (1)")
    thread, outcome = _write_in_thread(second, 2)
    assert theirs.queuing.wait(10)
    first.commit()
    thread.join(10)
    assert outcome == ["written"]  # it waited on the file lock: SQLite's (timeout=0) would fail


def test_a_forked_child_takes_its_turn_on_a_file_of_its_own(
    tmp_path: Path, connect: Callable[[Turn], sqlite3.Connection]
) -> None:
    """The bot's processes are forked from one parent, which may have written (its file then
    open): a lock taken through the file the parent opened would be shared with the parent
    and with every other child, so a child opens it anew."""
    turn = Turn(30, across=str(tmp_path / "turns.db-writers"))
    parent = connect(turn)
    parent.execute("INSERT INTO t VALUES (1)")
    parent.commit()  # the file is open here, its lock given back
    inherited = turn._file
    assert inherited is not None
    told, tell = os.pipe()
    go_on, went_on = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        try:
            os.write(tell, b"t" if turn.take() else b"n")
            os.read(go_on, 1)
            turn.give_back()
        finally:
            os._exit(0)
    os.close(tell)
    try:
        assert os.read(told, 1) == b"t"  # the child holds the turn
        with pytest.raises(BlockingIOError):  # on the parent's file too: they are two
            fcntl.flock(inherited, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.write(went_on, b"g")
        os.waitpid(child, 0)
    fcntl.flock(inherited, fcntl.LOCK_EX | fcntl.LOCK_NB)  # given back: free again
    fcntl.flock(inherited, fcntl.LOCK_UN)
    for end in (told, go_on, went_on):
        os.close(end)
