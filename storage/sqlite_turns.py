"""SQLite's writers wait their turn in line, not in SQLite's busy handler.

SQLite lets one connection write at a time. One that finds the lock held naps and tries again
(SQLite's busy handler: naps of 1, 2, 5 … 100 ms), so in a burst a writer can nap through
several other writers' turns: at 10 forms submitted at once a submission's ack took 0.08 s at
the median and 1.2 s at the 99th percentile, most of it napping, and the delivery process's
writes starved behind the HTTP process's (issue 10). Here each connection of an engine takes
the engine's turn before its first write and gives it back as its transaction ends: the
writers of one process queue on a lock, and the processes sharing the database (the delivery
process beside the HTTP process, a command run beside the bot) on a file lock beside it
(`<database>-writers`, flock), so the next writer starts as soon as the last has committed.
Between processes the wait has no limit of its own: a turn ends with its transaction, which
SQLite's timeout bounds when the writer ahead itself waits on a writer outside the line.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import weakref
from typing import Any

# Statements after which pysqlite holds SQLite's write lock (it begins a transaction before
# the first INSERT, UPDATE, DELETE or REPLACE; storage.declarations takes it at BEGIN IMMEDIATE).
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC", "BEGIN ")


class Turn:
    """One engine's writers, one at a time. A thread already writing through another of the
    engine's connections does not wait for itself: SQLite's own lock then answers it.
    `across`: a file whose lock (flock) the processes sharing the database queue on too, so
    that one process's writers taking turns back to back do not starve another's, which
    would otherwise nap in SQLite's busy handler through them."""

    def __init__(self, wait: float, across: str | None = None) -> None:
        self.wait, self.across = wait, across
        self._lock = threading.Lock()
        self._holder: int | None = None
        self._file: int | None = None
        _turns.add(self)

    def _forked(self) -> None:
        """In a forked child no thread of the parent's is writing, whatever the lock says; and
        the file is opened anew (a lock taken on the parent's would be shared with it)."""
        if self._file is not None:
            os.close(self._file)  # the parent's lock stays the parent's
        self._lock, self._holder, self._file = threading.Lock(), None, None

    def take(self) -> bool:
        me = threading.get_ident()
        if self._holder == me:
            return False
        # Past `wait`, SQLite's lock decides as it did without the line (its own timeout).
        if not self._lock.acquire(timeout=self.wait):
            return False
        try:
            if self.across is not None:
                if self._file is None:
                    self._file = os.open(self.across, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._file, fcntl.LOCK_EX)
        except OSError:
            self._lock.release()
            return False  # no file lock to be had here: SQLite's decides between processes
        self._holder = me
        return True

    def give_back(self) -> None:
        self._holder = None
        try:
            if self._file is not None:
                fcntl.flock(self._file, fcntl.LOCK_UN)
        finally:
            self._lock.release()


_turns: weakref.WeakSet[Turn] = weakref.WeakSet()
os.register_at_fork(after_in_child=lambda: [turn._forked() for turn in list(_turns)])


def queued_connection(turn: Turn) -> type[sqlite3.Connection]:
    """A sqlite3 connection class (sqlite3.connect's `factory`) whose writes take `turn`."""

    class Queued(sqlite3.Connection):
        _holding = False

        def cursor(self, factory: Any = None) -> sqlite3.Cursor:  # type: ignore[override]
            return super().cursor(factory or QueuedCursor)

        # sqlite3's shortcuts make their cursor in C, past `cursor`: made here instead.
        def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
            return self.cursor().execute(sql, parameters)

        def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
            return self.cursor().executemany(sql, parameters)

        def before_write(self, sql: str) -> None:
            if self._holding or self.in_transaction:
                return  # its turn taken, or a transaction begun without one (left to SQLite)
            if sql.lstrip()[:6].upper() in _WRITES:
                self._holding = turn.take()

        def after_end(self) -> None:
            if self._holding and not self.in_transaction:
                self._holding = False
                turn.give_back()

        def commit(self) -> None:
            try:
                super().commit()
            finally:
                self.after_end()

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                self.after_end()

        def close(self) -> None:
            try:
                super().close()
            finally:
                if self._holding:
                    self._holding = False
                    turn.give_back()

    class QueuedCursor(sqlite3.Cursor):
        def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
            self.connection.before_write(sql)  # type: ignore[attr-defined]
            return super().execute(sql, parameters)

        def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
            self.connection.before_write(sql)  # type: ignore[attr-defined]
            return super().executemany(sql, parameters)

    return Queued
