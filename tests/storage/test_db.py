"""The schema comes from migrations and matches the models; the audit trail is append-only."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, func, text
from sqlalchemy import select as sa_select
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel, select

from storage import audit
from storage.db import MIGRATIONS, Database, alembic_config, head_revision, run
from storage.models import AuditEntry, Staff
from storage.staff import slack_address


def test_migrations_build_exactly_the_models(fresh_db_url: str) -> None:
    db = Database(fresh_db_url)
    db.migrate()
    db.migrate()  # a second run is a no-op
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    db.dispose()


def test_the_migration_files_names_give_alembics_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    assert scripts.get_current_head() == head_revision()
    for script in scripts.walk_revisions():  # named after its revision, one line of history
        assert Path(script.path).name.startswith(f"{script.revision}_")
        if script.down_revision is not None:
            assert int(script.down_revision) == int(script.revision) - 1


def test_a_schema_behind_is_upgraded_and_one_at_head_is_left_without_loading_alembic(
    fresh_db_url: str,
) -> None:
    from alembic import command

    db = Database(fresh_db_url)
    assert db.revision() is None
    command.upgrade(alembic_config(db.engine), "0011")
    db.migrate()  # behind: upgraded
    assert db.revision() == head_revision()
    db.dispose()
    check = (
        "import sys; from storage.db import Database; db = Database(sys.argv[1]); "
        "db.migrate(); print(db.revision(), 'alembic' in sys.modules)"
    )
    ran = subprocess.run(
        [sys.executable, "-c", check, fresh_db_url], capture_output=True, text=True, timeout=60
    )
    assert ran.stdout.split() == [head_revision(), "False"], ran.stderr


def test_sqlite_runs_in_wal_mode(db: Database) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        # A burst of writers queues for the write lock (tests/e2e/test_concurrent_writes.py)
        # rather than failing "database is locked" after the driver's default 5 s.
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30_000


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entry SET action = 'tampered'",
        "DELETE FROM audit_entry",
    ],
)
def test_audit_trail_refuses_updates_and_deletes(db: Database, statement: str) -> None:
    with db.session() as session:
        audit.record(session, action="submitted", note="first")
        session.commit()
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text(statement))
    with db.session() as session:
        [entry] = session.exec(select(AuditEntry)).all()
    assert entry.action == "submitted"


def _durability(session: object, dialect: str) -> str:
    query = "PRAGMA synchronous" if dialect == "sqlite" else "SHOW synchronous_commit"
    return str(session.execute(text(query)).scalar())  # type: ignore[attr-defined]


def test_a_relaxed_session_skips_the_flush_to_disk_and_leaves_the_others_durable(
    db: Database,
) -> None:
    dialect = db.engine.dialect.name
    with db.session() as session:  # the server's own (the tests' PostgreSQL runs with it off)
        durable = "2" if dialect == "sqlite" else _durability(session, dialect)
    relaxed = "1" if dialect == "sqlite" else "off"
    with db.session(durable=False) as session:
        assert _durability(session, dialect) == relaxed
        raw = session.connection().connection.dbapi_connection
        session.commit()
        assert _durability(session, dialect) == relaxed  # each transaction of it
    with db.session() as session:
        assert _durability(session, dialect) == durable
    if dialect == "sqlite":  # the very connection it used, back in the pool: durable again
        assert raw is not None and raw.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_a_relaxed_session_on_a_connection_shared_mid_write_leaves_it_as_it_is() -> None:
    # An in-memory SQLite database has one connection for the thread: another session's write
    # may be open on it, and SQLite refuses to change its durability inside a transaction.
    db = Database("sqlite://")
    with db.session() as writing:
        writing.execute(text("CREATE TABLE t (a INTEGER)"))
        writing.execute(text("INSERT INTO t VALUES (1)"))
        with db.session(durable=False) as relaxed:
            assert relaxed.execute(text("SELECT count(*) FROM t")).scalar() == 1
        writing.commit()
    db.dispose()


def test_a_core_statement_sees_what_is_pending_and_is_in_the_sessions_transaction(
    db: Database,
) -> None:
    """storage.db.run: a Core statement on the session's connection flushes what the session
    holds first (as Session.execute would) and rolls back with it."""
    count = sa_select(func.count()).select_from(Staff)
    with db.session() as session:
        session.add(Staff(email="pending@x", name="Pending"))
        assert run(session, count).scalar_one() == 1  # flushed before it ran
        run(session, Staff.__table__.delete())  # type: ignore[attr-defined]
        assert session.exec(select(Staff)).all() == []
        session.rollback()
    with db.session() as session:
        assert run(session, count).scalar_one() == 0  # rolled back with the session


@pytest.mark.parametrize("hold", [True, False])
def test_a_holding_session_finds_what_it_loaded_and_let_go_without_a_statement(
    db: Database, hold: bool
) -> None:
    with db.session() as session:
        session.add(Staff(email="held@x", name="Held", slack_user_id="UHELD"))
        session.commit()
    statements: list[str] = []
    with db.session(hold=hold) as session:
        staff_id = session.exec(select(Staff.id)).one()
        session.exec(select(Staff)).one()  # loaded and let go, as a card's drawing does
        gc.collect()
        listen = event.listens_for(db.engine, "before_cursor_execute")
        counted = listen(lambda _c, _cur, statement, *_: statements.append(statement))
        try:
            assert slack_address(session, staff_id=staff_id) == ("UHELD", None)
            assert session.get(Staff, staff_id) is not None
        finally:
            event.remove(db.engine, "before_cursor_execute", counted)
    assert len(statements) == (0 if hold else 2)
