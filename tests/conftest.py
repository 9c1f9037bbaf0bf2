"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set).

`make test` runs the suite on SQLite files, then the tests that reach a database again against
a real PostgreSQL server that scripts/with-postgres.sh starts. On PostgreSQL each xdist worker
gets its own database, migrated once and truncated between tests.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

import handlers
from bot import slack_client
from handlers import notifier
from handlers.home import publish
from storage import touched
from storage.db import Database
from tests.block_kit import checked_plain

PG_URL = os.environ.get("TEST_DATABASE_URL")

# Property tests check what a function answers, not how fast: hypothesis's 200 ms deadline
# only fails them on a busy machine (speed is the benchmarks' business).
settings.register_profile("nolan", deadline=None)
settings.load_profile("nolan")


def _worker(request: pytest.FixtureRequest) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session")
def _template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database for this worker: a SQLite file to copy, or a PostgreSQL database."""
    if PG_URL:
        name = f"nolan_test_{_worker(request)}"
        admin = Database(PG_URL)
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template')}/template.db"
    db = Database(url)
    db.migrate()
    db.dispose()
    return url


@pytest.fixture(scope="session")
def _emptying(_template: str) -> Iterator[Callable[[], None]]:
    """Empties the worker's PostgreSQL database between tests, ids starting again at 1.

    DELETE, with the foreign keys' triggers off for the transaction, and the sequences set
    back: a TRUNCATE of every table took 50 ms a test (it makes new files for each), these
    statements in one round trip take one. Turning the triggers off needs a superuser (as
    scripts/with-postgres.sh connects); for any other role, TRUNCATE."""
    db = Database(_template)
    with db.engine.begin() as conn:
        tables = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        sequences = (
            conn.execute(text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"))
            .scalars()
            .all()
        )
        superuser = conn.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        ).scalar()
    if superuser:
        statements = "SET LOCAL session_replication_role = replica;" + "".join(
            [f'DELETE FROM "{t}";' for t in tables]
            + [f"SELECT setval('\"{s}\"', 1, false);" for s in sequences]
        )
    else:
        statements = f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"

    def empty() -> None:
        try:
            with db.engine.begin() as conn:
                conn.exec_driver_sql(statements)
        except OperationalError:  # a test ended the pooled connection's backend: afresh
            db.engine.dispose()
            with db.engine.begin() as conn:
                conn.exec_driver_sql(statements)

    yield empty
    db.dispose()


@pytest.fixture(scope="session")
def _kept_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The worker's SQLite test database: one path, its contents the template's at each test."""
    return tmp_path_factory.mktemp("db") / "nolan.db"


def _restore(template: str, target: Path) -> None:
    """The template's contents into `target` through SQLite's backup API: under SQLite's own
    locking, whatever the last test left in the file (its WAL included) is replaced."""
    source = sqlite3.connect(make_url(template).database or "")
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


@pytest.fixture
def db_url(_template: str, request: pytest.FixtureRequest) -> str:
    if PG_URL:
        request.getfixturevalue("_emptying")()
        return _template
    path: Path = request.getfixturevalue("_kept_path")
    _restore(_template, path)
    return f"sqlite:///{path}"


# The worker's Database, kept from test to test while its engine is as it was made: SQLAlchemy
# compiles a statement once an engine, so a new engine a test compiled every statement of
# every test anew (a tenth of a database test's time), and on PostgreSQL opened new
# connections. An engine a test added a listener to (or to its pool) is left to no other.
_KEPT: dict[str, tuple[Database, tuple[int, ...]]] = {}


def _listening(database: Database) -> tuple[int, ...]:
    engine = database.engine
    return tuple(
        len(getattr(dispatch, name))
        for dispatch in (engine.dispatch, engine.pool.dispatch)
        for name in dispatch._event_names
    )


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database, listening = _KEPT.pop(db_url, None) or (None, ())
    if database is None:
        database = Database(db_url)
        listening = _listening(database)
    yield database
    # What the test's apps hung on the engine goes with them (they are stopped by now).
    touched.forget(database)
    publish.detach(database)
    if not PG_URL:
        database.dispose()  # SQLite: no connection held over the next test's restore
    if _listening(database) == listening:
        _KEPT[db_url] = (database, listening)
    else:
        database.dispose()


@pytest.fixture
def fresh_db_url(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database with no schema at all (for testing migrations and first runs)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path}/fresh.db"
        return
    name = f"nolan_fresh_{_worker(request)}"
    admin = Database(PG_URL)
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def _kinds() -> None:
    """The kinds of declaration the features add, as the composition root installs them
    (bot.runtime.Runtime.build), for tests that call the approval engine's Slack side directly."""
    handlers.install_kinds()


@pytest.fixture(autouse=True)
def _block_kit_as_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every message and view the Notifier sends, and every form opened or updated, in a test
    is also serialised by slack_sdk's validating `to_dict()`, and must come out the same as the
    unvalidated JSON sent (bot.block_kit)."""
    monkeypatch.setattr(notifier, "plain", checked_plain)
    monkeypatch.setattr(slack_client, "plain", checked_plain)


DATABASE_FIXTURES = frozenset({"_template", "fresh_db_url"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "database: reads TEST_DATABASE_URL itself (runs in the PostgreSQL pass too)"
    )


# Modules whose tests take seconds each (subprocesses, servers, PDFs, 50,000 staff): run
# first, so that the xdist workers do not finish on one of them while the others sit idle.
FIRST = tuple(
    f"tests/{module}.py"
    for module in (
        "bot/test_bench_scripts",
        "e2e/test_kill_flow",
        "e2e/test_fuzz",
        "bot/test_exactly_once",
        "bot/test_startup_imports",
        "e2e/test_processes",
        "e2e/test_action_cost",
        "e2e/teams/test_action_cost",
        "e2e/test_entry_point",
        "e2e/test_startup",
        "report/test_annual_report",
        "e2e/teams/test_files",
        "rules/test_org_chart",
        "e2e/teams/test_dialogs",
        "e2e/teams/test_yearly_sweep",
        "e2e/teams/test_teams_processes",
    )
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slow modules first (FIRST). The PostgreSQL pass runs only the tests that reach a
    database: the others (rules, cards, forms, fakes) ran in the SQLite pass and would give
    the same answer again."""
    items.sort(key=lambda item: not item.nodeid.startswith(FIRST))  # stable: order kept else
    if not PG_URL:
        return
    keep, skip = [], []
    for item in items:
        uses = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        (keep if uses or item.get_closest_marker("database") else skip).append(item)
    if skip:
        config.hook.pytest_deselected(items=skip)
        items[:] = keep
