"""PostgreSQL's connections, as psycopg makes them but for what a rollback forgets (imported
only on PostgreSQL: SQLite's start does not load psycopg)."""

from __future__ import annotations

import select
import time
from typing import Any

import psycopg
from psycopg import pq
from sqlalchemy.exc import DisconnectionError

# What a session that only read leaves: a transaction to end. Outside one, or in a pipeline,
# psycopg's own rollback is used unchanged.
_OPEN = (pq.TransactionStatus.INTRANS, pq.TransactionStatus.INERROR)


class KeepsPrepared(psycopg.Connection[Any]):
    """psycopg prepares a statement on the server once a connection has run it five times,
    and then PostgreSQL plans it once instead of every time. But psycopg's `rollback()`
    forgets every prepared statement (DEALLOCATE ALL) and its counts, and every session that
    only reads ends in a rollback: SQLAlchemy closes it so, and the pool resets a connection
    so. Nolan's connections therefore never kept a statement prepared, and PostgreSQL parsed
    and planned every one: planning took more of its time than running them (issue 10).

    PostgreSQL keeps prepared statements through a rollback (they are not transactional), so
    this rollback sends ROLLBACK itself and keeps them. psycopg forgets them to be safe when a
    rolled-back transaction had dropped or made a table the statements name; Nolan changes
    its schema only in migrations, which commit, and psycopg still forgets its statements on a
    DROP or ALTER it runs. Anything unusual (a pipeline, a broken connection, ROLLBACK failing)
    goes to psycopg's own rollback, which raises as it would."""

    def rollback(self) -> None:
        pgconn = self.pgconn
        if pgconn.transaction_status in _OPEN and pgconn.pipeline_status == pq.PipelineStatus.OFF:
            with self.lock:
                result = pgconn.exec_(b"ROLLBACK")
            if result.status == pq.ExecStatus.COMMAND_OK:
                return
        super().rollback()


# One simple query, so one round trip: psycopg would send its own BEGIN first.
_BEGIN_RELAXED = b"BEGIN; SET LOCAL synchronous_commit TO OFF"


def begin_relaxed(dbapi: Any) -> None:
    """Begin a transaction whose commit does not wait for the disk (`SET LOCAL`: this one
    only; storage.db's `durable=False`) in the round trip that begins it. psycopg begins a
    transaction itself only when libpq says none is open, so the session's statements go
    into this one. Its own BEGIN, then the SET, had been a relaxed transaction's first two
    round trips of about four — the outbox's claims and records, the replay claim (issue 10).
    A transaction open already (a pipeline's, say) is set as before, by a statement."""
    pgconn = dbapi.pgconn
    idle = pgconn.transaction_status == pq.TransactionStatus.IDLE
    if not idle or pgconn.pipeline_status != pq.PipelineStatus.OFF:
        with dbapi.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        return
    with dbapi.lock:
        result = pgconn.exec_(_BEGIN_RELAXED)
        if result.status != pq.ExecStatus.COMMAND_OK and pgconn.transaction_status in _OPEN:
            pgconn.exec_(b"ROLLBACK")
    if result.status != pq.ExecStatus.COMMAND_OK:
        message = result.get_error_message() or "the server did not answer"
        raise psycopg.OperationalError(f"could not begin a transaction: {message}")


def connect(_dialect: Any, _record: Any, cargs: tuple[Any, ...], cparams: dict[str, Any]) -> Any:
    """SQLAlchemy's `do_connect` event: psycopg's connect, making a `KeepsPrepared`.
    DATABASE_URL's query reaches psycopg as text; its `prepare_threshold` is read here."""
    params = dict(cparams)
    if "prepare_threshold" in params:
        params["prepare_threshold"] = prepare_threshold(params["prepare_threshold"])
    return KeepsPrepared.connect(*cargs, **params)


def prepare_threshold(given: Any) -> int | None:
    """`?prepare_threshold=` in DATABASE_URL, psycopg's setting: how many runs of a statement
    on a connection before it is prepared (0: at the first), or `none`: never. `none` is for a
    PgBouncer in transaction mode that cannot carry prepared statements between its server
    connections (before 1.21, or with max_prepared_statements at 0)."""
    text = str(given).strip().lower()
    if text == "none":
        return None
    if text.isdigit():
        return int(text)
    raise ValueError(
        f"DATABASE_URL's prepare_threshold must be a whole number or none, not {given!r}"
    )


# A connection idle longer than this is asked whether it is alive (one round trip) before it
# is handed out: what the socket cannot show (a peer gone without a word, a firewall that
# dropped the idle connection) shows there rather than in the request's first statement.
PING_AFTER = 30.0  # seconds
_PUT_BACK = "nolan_put_back"  # the pool record's note of when the connection was put back


def put_back(_dbapi: Any, record: Any) -> None:
    """The pool's `checkin` event: when, so that `check_out` knows how long it was idle."""
    record.info[_PUT_BACK] = time.monotonic()


def check_out(dbapi: Any, record: Any, _proxy: Any) -> None:
    """The pool's `checkout` event, in place of SQLAlchemy's `pool_pre_ping`, which sent a
    SELECT 1 (a round trip, parsed and run by the server) at every checkout: several an
    action, 3% of the bot's CPU under load (scripts/bench_ack.py). A connection in use
    within PING_AFTER is checked on its socket alone: a server that ended it (restarted,
    `pg_terminate_backend`, idle timeout) has written its goodbye or closed, so the socket
    reads ready while nothing was asked. Such a one, or one idle longer, is pinged with an
    empty query (what else came unasked, a TLS record say, is read and the ping answered).
    DisconnectionError has the pool drop it and hand out a fresh connection instead."""
    pgconn = dbapi.pgconn
    if dbapi.closed or pgconn.status != pq.ConnStatus.OK:
        raise DisconnectionError("the connection is closed")
    put_back_at = record.info.get(_PUT_BACK)  # None: connected just now
    idle = 0.0 if put_back_at is None else time.monotonic() - put_back_at
    if (idle > PING_AFTER or _said_something(pgconn.socket)) and not _answers(dbapi):
        raise DisconnectionError("the server did not answer")


def _answers(dbapi: Any) -> bool:
    """One round trip: an empty query, which the server neither parses nor plans."""
    try:
        with dbapi.lock:
            return bool(dbapi.pgconn.exec_(b"").status == pq.ExecStatus.EMPTY_QUERY)
    except psycopg.Error:
        return False


def _said_something(fd: int) -> bool:
    """The socket of an idle connection reads ready: the server wrote (a FATAL error as it
    ends the session; Nolan never LISTENs) or closed it."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))
