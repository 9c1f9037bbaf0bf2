"""The engine, sessions and schema upgrades: the one place a connection is opened."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.sql import Executable
from sqlmodel import Session, create_engine

from storage.sqlite_turns import Turn, queued_connection

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# SQLite has one write lock: a writer that finds it held waits this long, then fails with
# "database is locked". Long enough that a burst of writers (everyone pressing "Nothing has
# changed" at once) queues rather than loses a declaration; each write transaction is short,
# so the queue moves. pysqlite begins a transaction only at its first write, which takes the
# lock with a fresh snapshot, so a waiting writer never fails its upgrade from reader.
SQLITE_BUSY_SECONDS = 30


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the scheduler read while a listener writes; busy_timeout waits out a writer.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
    # Each commit on disk before it returns (SQLite's default, said here: `_relax` lowers it
    # for the sessions that may lose their last commits to a power cut, and restores this).
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


_RELAXED = "nolan_relaxed_synchronous"  # a pooled connection's info: it is relaxed


_NOT_DURABLE = "nolan_not_durable"  # a session's info: Database.session(durable=False)
_HELD = "nolan_held"  # a session's info: what it loaded, Database.session(hold=True)


def hold(session: Session, instances: list[Any]) -> None:
    """Keep these in a session opened to `hold`, as if it had loaded them (a copy merged in
    without a statement: storage.shared_records)."""
    held = session.info.get(_HELD)
    if held is not None:
        held.extend(instances)


@event.listens_for(Session, "loaded_as_persistent")
def _hold(session: Session, instance: Any) -> None:
    """The ORM's identity map holds what a session loaded weakly, so a row another function
    loaded and let go is read again; a session opened to `hold` keeps it until it closes."""
    held = session.info.get(_HELD)
    if held is not None:
        held.append(instance)


@event.listens_for(Session, "after_begin")
def _relax(session: Session, _transaction: Any, connection: Any) -> None:
    """A session's commits need not reach the disk before returning: they survive the process
    dying (the OS has them), not a power cut, and never leave the database inconsistent. Set
    on the DBAPI connection, as at connect: configuration, not one of the session's queries.
    One listener for every session, told by the session's info (a listener added to each
    session was a tenth of what opening one cost the outbox's worker)."""
    if not session.info.get(_NOT_DURABLE):
        return
    dbapi_connection = connection.connection.dbapi_connection
    if connection.dialect.name == "postgresql":
        from storage import pg_connection  # loaded already: the engine's events are in it

        pg_connection.begin_relaxed(dbapi_connection)
    elif connection.dialect.name == "sqlite" and _RELAXED not in connection.info:
        # Per connection, and only outside a transaction: pysqlite begins one at the first
        # write, so none is open here unless a connection is shared (an in-memory database's
        # single one, where durability means nothing): that one is left as it is.
        if dbapi_connection.in_transaction:
            return
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        connection.info[_RELAXED] = True


def _restore_synchronous(dbapi_connection: Any, record: Any) -> None:
    """Back in the pool (its transaction already rolled back), a relaxed connection is made
    durable again for whoever takes it next."""
    if record.info.pop(_RELAXED, None) and dbapi_connection is not None:  # None: invalidated
        dbapi_connection.execute("PRAGMA synchronous=FULL")


def run(
    session: Session,
    statement: Executable,
    params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
) -> Any:
    """Execute a Core statement — a bulk UPDATE, DELETE or INSERT that keeps no loaded object
    in step (synchronize_session=False), or a select of columns; given a list of parameter
    sets, an executemany — on the session's connection, in its transaction, after flushing
    what is pending as Session.execute would. The ORM's path adds nothing to such a statement
    but its cost: about 0.3 ms of CPU a DML statement, more than SQLite takes to run it, on
    every one of the outbox's claims and records, the audit chain's head and the Home
    refreshes owed (issue 10)."""
    if session.autoflush:  # as Session.execute would (off in a no_autoflush block)
        session.flush()  # a no-op when nothing is pending
    return session.connection().execute(statement, params or {})


def conflict_insert(session: Session, table: Any) -> Any:
    """An INSERT into `table` that takes ON CONFLICT clauses, in the session's dialect."""
    return dialect_insert(session.get_bind().dialect.name, table)


def dialect_insert(dialect: str, table: Any) -> Any:
    """`conflict_insert` for a dialect named ahead (a statement built once per dialect)."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def make_engine(url: str, *, threads: int = 8) -> Engine:
    """`threads`: the requests handled at once (Settings.request_threads). Each may hold a
    connection, and as many listeners after their ack; the overflow covers the outbox's
    senders, its pass and the sweep. Connections open only when wanted. The pool hands out
    the connection put back last (LIFO): at a few requests at once the same few serve them,
    their statements prepared on PostgreSQL (storage/pg_connection.py), the rest left idle.
    Handed out in turn, every one of some 40 must run a statement five times before it is
    prepared (bench_ack at 50 at once: Approves at 49–69 done/s against 40–43)."""
    parsed = make_url(url)
    pool: dict[str, Any] = {"pool_size": 2 * threads, "max_overflow": 16, "pool_use_lifo": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        else:
            pool = {}  # one in-memory database: SQLAlchemy's own pool for it
        connect: dict[str, Any] = {"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS}
        if pool:  # a file's connections queue for their writes (one in-memory one needs not)
            turn = Turn(SQLITE_BUSY_SECONDS, across=f"{parsed.database}-writers")
            connect["factory"] = queued_connection(turn)
        engine = create_engine(url, connect_args=connect, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "checkin", _restore_synchronous)
        return engine
    from storage import pg_connection  # psycopg: not loaded on SQLite

    engine = create_engine(url, **pool)  # no pre-ping: pg_connection.check_out instead
    event.listen(engine, "do_connect", pg_connection.connect)
    event.listen(engine, "checkout", pg_connection.check_out)
    event.listen(engine, "checkin", pg_connection.put_back)
    return engine


def alembic_config(engine: Engine) -> Any:
    """Alembic's config for `engine` (imported here: a schema already at head needs none)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest migration's revision. Each file is named after its revision (NNNN_*.py,
    revision "NNNN", each revising the one before: tests/storage/test_db.py holds alembic's
    head to this), so the names say it without parsing the scripts."""
    return max(path.name[:4] for path in (MIGRATIONS / "versions").glob("[0-9]" * 4 + "_*.py"))


class Database:
    """Owns the engine; hands out sessions that always close."""

    def __init__(self, url: str, *, threads: int = 8) -> None:
        self.url = url
        self.engine = make_engine(url, threads=threads)

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest migration. A schema already there is
        read in one query, without loading alembic and its migration scripts: a third of a
        second of every start of the bot (scripts/bench_startup.py)."""
        if self.revision() == head_revision():
            return
        from alembic import command

        command.upgrade(alembic_config(self.engine), "head")

    def revision(self) -> str | None:
        """The schema's migration (alembic's version table), None before the first."""
        try:
            with self.engine.connect() as connection:
                rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
                versions = rows.scalars().all()
        except exc.DBAPIError:  # no version table: an empty database
            return None
        return versions[0] if len(versions) == 1 else None

    @contextmanager
    def session(self, *, durable: bool = True, hold: bool = False) -> Iterator[Session]:
        """`durable=False`: commits that may be lost to a power cut, though not to the process
        dying (SQLite's synchronous=NORMAL in WAL, PostgreSQL's synchronous_commit off), for
        bookkeeping whose loss only repeats work: the outbox's claims and its records of what
        went (lost, a message goes again once, the window it has anyway). Saves an fsync each:
        half a message's time in the worker on SQLite (issue 10).
        `hold=True`: every row loaded stays in the session until it closes, where `get` finds
        it without a statement (a sender's draw loads the recipient among a record's people)."""
        session = Session(self.engine, expire_on_commit=False)
        if not durable:
            session.info[_NOT_DURABLE] = True
        if hold:
            session.info[_HELD] = []
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
