"""Whether the statements an action ran read whole tables: their query plans, asked of the
database they ran on. SQLite's EXPLAIN QUERY PLAN says SCAN for a table (or an index) read from
end to end and SEARCH for rows found by a key; PostgreSQL's EXPLAIN is asked with sequential
scans switched off, so that a plan still reading a whole table has no index it could use."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, event, text

from storage.db import Database

# A handful of rows whatever the size of the office: the policies, the audit chain's head.
SMALL = frozenset({"policy", "audit_head", "alembic_version"})

Captured = tuple[str, Any]  # a statement and its parameters, as the driver was given them

_SQLITE_SCAN = re.compile(r"^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?")
_ALIAS = re.compile(r"\b(\w+) AS (\w+)\b")
_PLANNED = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


@contextmanager
def captured(db: Database, *, own: bool = False) -> Iterator[list[Captured]]:
    """The statements the bot's threads send to `db` meanwhile (the caller's own too, with
    `own`: a repository function called directly)."""
    seen: list[Captured] = []
    caller = threading.get_ident()

    def capture(
        _conn: object, _cursor: object, statement: str, parameters: Any, *_: object
    ) -> None:
        if own or threading.get_ident() != caller:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)


def full_scans(db: Database, captured: Iterable[Captured]) -> list[str]:
    """ "<how> <table>: <statement>" for each whole table (other than SMALL) a statement's plan
    reads: a scan of the table, or of an index over all its rows with no key to seek by. A
    partial index (over the few rows with a role, say) read whole is reading only those.

    On PostgreSQL only the tables the test made big count: its planner costs a plan by the
    table's statistics, and for a table of a few rows (the outbox, the declarations, while the
    staff are 50,000) reading it in key order is the cheapest plan — chosen or not depending on
    whether autovacuum has analysed it yet. SQLite plans by rule, not by size: its check keeps
    every table."""
    found: list[str] = []
    done: set[str] = set()
    with db.engine.connect() as conn:
        partial = _partial_indexes(conn)
        small = SMALL | (_few_rows(conn) if conn.dialect.name != "sqlite" else frozenset())
        for statement, parameters in captured:
            if statement in done or not statement.lstrip().upper().startswith(_PLANNED):
                continue
            done.add(statement)
            if isinstance(parameters, list):  # executemany: one row's are enough to plan
                parameters = parameters[0] if parameters else ()
            scans = _sqlite if conn.dialect.name == "sqlite" else _postgresql
            for how, table in scans(conn, statement, parameters, partial):
                if table not in small:
                    found.append(f"{how} {table}: {' '.join(statement.split())}")
    return found


def _few_rows(conn: Connection, below: int = 1000) -> frozenset[str]:
    """The tables of the current schema holding fewer than `below` rows."""
    tables = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    ).scalars()
    return frozenset(
        table
        for table in list(tables)
        if conn.exec_driver_sql(
            f'SELECT count(*) FROM (SELECT 1 FROM "{table}" LIMIT {below}) t'
        ).scalar_one()
        < below
    )


def _partial_indexes(conn: Connection) -> set[str]:
    if conn.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '% WHERE %'"
    return {name for (name,) in conn.execute(text(query))}


def _sqlite(
    conn: Connection, statement: str, parameters: Any, partial: set[str]
) -> Iterator[tuple[str, str]]:
    tables = {alias: table for table, alias in _ALIAS.findall(statement)}
    for *_, detail in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters):
        scan = _SQLITE_SCAN.match(detail)
        if scan and scan[1] != "CONSTANT" and scan[2] not in partial:
            yield (
                ("scan" if scan[2] is None else f"whole index {scan[2]} of"),
                tables.get(scan[1], scan[1]),
            )


def _postgresql(
    conn: Connection, statement: str, parameters: Any, partial: set[str]
) -> Iterator[tuple[str, str]]:
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # until the rollback
    (plan,) = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).one()
    conn.rollback()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    yield from _pg_nodes(plan[0]["Plan"], partial, limited=False)


def _pg_nodes(node: dict[str, Any], partial: set[str], limited: bool) -> Iterator[tuple[str, str]]:
    kind, table = node["Node Type"], node.get("Relation Name", "")
    if kind == "Seq Scan":
        yield "scan", table
    elif kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node:
        # An index read in order with nothing to seek by: whole, unless a limit stops it
        # before a filter has to pass over the rest (the latest row, the highest id).
        index = node.get("Index Name", "")
        if index not in partial and ("Filter" in node or not limited):
            yield f"whole index {index} of", table
    for child in node.get("Plans", []):
        yield from _pg_nodes(child, partial, limited or kind == "Limit")
