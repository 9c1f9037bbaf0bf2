"""PostgreSQL's connections, as psycopg makes them but for what a rollback forgets (imported
only on PostgreSQL: SQLite's start does not load psycopg)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import pq

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
