"""Scratch databases for the benchmarks, and bulk inserts to seed them."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

from storage.db import Database

CHUNK = 10_000


@contextmanager
def scratch_database(url: str | None, staff: int, threads: int = 8) -> Iterator[Database]:
    """A new, migrated database for one run, removed afterwards; `threads`: the requests it
    serves at once (its pool: storage.db.make_engine)."""
    if url is None or make_url(url).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory(prefix="nolan-bench-") as tmp:
            db = Database(f"sqlite:///{tmp}/bench.db", threads=threads)
            db.migrate()
            try:
                yield db
            finally:
                db.dispose()
        return
    name = f"nolan_bench_{os.getpid()}_{staff}"
    admin = Database(url)
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(
        make_url(url).set(database=name).render_as_string(hide_password=False), threads=threads
    )
    try:
        db.migrate()
        yield db
    finally:
        db.dispose()
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def bulk(db: Database, table: Any, rows: list[dict[str, Any]]) -> None:
    with db.engine.begin() as conn:
        for i in range(0, len(rows), CHUNK):
            conn.execute(insert(table), rows[i : i + CHUNK])
