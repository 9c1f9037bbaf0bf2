"""PostgreSQL's connections keep their prepared statements through a rollback
(storage/pg_connection.py), and a rollback still does what one must; a connection the server
ended is replaced before it is handed out, with no round trip for one in use."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from storage import pg_connection
from storage.db import Database
from storage.models import Staff
from tests.conftest import PG_URL

pytestmark = [
    pytest.mark.database,
    pytest.mark.skipif(not PG_URL, reason="PostgreSQL's connections"),
]

ONE = select(Staff.name).where(Staff.email == "nobody@example.org")


@pytest.fixture
def own(db_url: str) -> Iterator[Database]:
    """A database of its own: one session after another takes its one connection."""
    database = Database(db_url, threads=1)
    yield database
    database.dispose()


def _prepared(database: Database) -> list[str]:
    with database.session() as session:
        rows = session.execute(text("SELECT statement FROM pg_prepared_statements"))
        return [row[0] for row in rows]


def _backend(database: Database) -> int:
    with database.session() as session:
        return int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_statement_read_in_sessions_that_only_read_stays_prepared(own: Database) -> None:
    backend = _backend(own)
    for _ in range(8):  # psycopg prepares a statement at its sixth run on a connection
        with own.session() as session:  # read, then closed: a rollback each time
            assert session.exec(ONE).first() is None
    assert _backend(own) == backend  # one connection throughout
    prepared = _prepared(own)
    assert any("staff.email" in statement for statement in prepared), prepared


def test_a_rollback_still_undoes_what_the_session_wrote(own: Database) -> None:
    for _ in range(8):
        with own.session() as session:
            session.exec(ONE).first()
    with pytest.raises(RuntimeError), own.session() as session:
        session.add(Staff(email="nobody@example.org", name="Written", slack_user_id="U0GONE"))
        session.flush()
        assert session.exec(ONE).first() == "Written"
        raise RuntimeError("the request failed")
    with own.session() as session:
        assert session.exec(ONE).first() is None
    assert any("staff.email" in statement for statement in _prepared(own))


def test_a_failed_statement_is_rolled_back_and_the_connection_serves_the_next(
    own: Database,
) -> None:
    backend = _backend(own)
    with pytest.raises(DBAPIError), own.session() as session:
        session.execute(text("SELECT 1 / 0"))  # the transaction is aborted
    with own.session() as session:
        assert session.execute(text("SELECT 2")).scalar_one() == 2
    assert _backend(own) == backend


def test_a_connection_whose_server_went_away_is_replaced(own: Database, db: Database) -> None:
    with own.session() as session:
        session.exec(ONE).first()
        backend = int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())
        with db.session() as other:
            # Waits (up to 5 s) until the process has gone, so the rollback meets it gone.
            other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": backend})
            other.commit()
        with pytest.raises(DBAPIError):  # psycopg's own rollback says so, as before
            session.rollback()
    with own.session() as session:
        assert session.execute(text("SELECT pg_backend_pid()")).scalar_one() != backend


@dataclass
class Pings:
    """The pings sent at checkout, each with its answer: the real one, but for `fail_next`."""

    sent: list[bool] = field(default_factory=list)
    fail_next: bool = False


@pytest.fixture
def pings(monkeypatch: pytest.MonkeyPatch) -> Pings:
    seen, real = Pings(), pg_connection._answers

    def counted(dbapi: object) -> bool:
        seen.sent.append(real(dbapi) and not seen.fail_next)
        seen.fail_next = False
        return seen.sent[-1]

    monkeypatch.setattr(pg_connection, "_answers", counted)
    return seen


def test_a_connection_the_server_ended_while_it_was_idle_is_replaced_unseen(
    own: Database, db: Database, pings: Pings
) -> None:
    backend = _backend(own)  # put back in the pool
    with db.session() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": backend})
        other.commit()
    with own.session() as session:  # no error: the pool hands out a fresh one
        assert session.exec(ONE).first() is None
        assert session.execute(text("SELECT pg_backend_pid()")).scalar_one() != backend
    assert pings.sent == [False]  # its socket read ready, so it was asked; the fresh one not


def test_a_connection_in_use_is_handed_out_without_a_round_trip(
    own: Database, pings: Pings
) -> None:
    backend = _backend(own)
    for _ in range(3):
        assert _backend(own) == backend
    assert pings.sent == []


def test_a_connection_idle_past_ping_after_is_pinged_and_replaced_if_it_does_not_answer(
    own: Database, pings: Pings, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = _backend(own)
    monkeypatch.setattr(pg_connection, "PING_AFTER", 0.0)
    assert _backend(own) == backend and pings.sent == [True]
    pings.fail_next = True
    assert _backend(own) != backend  # the fresh connection is not pinged: it has just come
    assert pings.sent == [True, False]


def test_the_pool_hands_out_the_connection_put_back_last(own: Database) -> None:
    """So the few a quiet office needs serve it all, their statements prepared."""
    with own.session() as first, own.session() as second:
        backends = [
            session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            for session in (first, second)
        ]
        first.close()  # `second` closes after it, at the block's end
    for _ in range(3):
        assert _backend(own) == backends[1]


def _with_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


@pytest.mark.parametrize(("given", "prepared"), [("none", False), ("0", True)])
def test_database_url_sets_how_soon_statements_are_prepared(
    db_url: str, given: str, prepared: bool
) -> None:
    """`none` for a PgBouncer that cannot carry them; 0 prepares at the first run."""
    database = Database(_with_query(db_url, f"prepare_threshold={given}"), threads=1)
    try:
        with database.session() as session:
            session.exec(ONE).first()
        statements = _prepared(database)
        assert any("staff.email" in statement for statement in statements) is prepared
    finally:
        database.dispose()


def test_a_prepare_threshold_that_is_not_a_number_is_refused_in_one_line(db_url: str) -> None:
    from bot.cli import main

    out, err = io.StringIO(), io.StringIO()
    url = _with_query(db_url, "prepare_threshold=soon")
    code = main(["audit", "verify"], environ={"DATABASE_URL": url}, stdout=out, stderr=err)
    assert code == 1
    assert err.getvalue() == (
        "nolan: error: cannot prepare the database: DATABASE_URL's prepare_threshold must be "
        "a whole number or none, not 'soon'\n"
    )


@pytest.fixture
def commands(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The commands psycopg sends on its own (BEGIN, COMMIT) and every statement executed
    through a cursor, in order."""
    sent: list[bytes] = []
    real_command = pg_connection.KeepsPrepared._exec_command
    real_execute = psycopg.Cursor.execute

    def command(self: object, command: object, *args: object, **kwargs: object) -> object:
        sent.append(command if isinstance(command, bytes) else str(command).encode())
        return real_command(self, command, *args, **kwargs)  # type: ignore[arg-type]

    def execute(self: object, query: object, *args: object, **kwargs: object) -> object:
        sent.append(str(query).encode())
        return real_execute(self, query, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pg_connection.KeepsPrepared, "_exec_command", command)
    monkeypatch.setattr(psycopg.Cursor, "execute", execute)
    return sent


def test_a_relaxed_transaction_begins_relaxed_in_the_round_trip_that_begins_it(
    own: Database, commands: list[bytes]
) -> None:
    with own.session() as session:  # durable on this connection (the tests' server is not)
        session.execute(text("SET synchronous_commit TO on"))
        session.commit()
    commands.clear()
    with own.session(durable=False) as session:
        assert session.execute(text("SHOW synchronous_commit")).scalar_one() == "off"
        session.commit()
    # No BEGIN of psycopg's and no SET after it: both went first, together.
    assert commands == [b"SHOW synchronous_commit", b"COMMIT"], commands
    with own.session() as session:  # the next transaction on that connection: durable
        assert session.execute(text("SHOW synchronous_commit")).scalar_one() == "on"


def test_a_relaxed_transaction_holds_what_it_wrote_until_it_ends(own: Database) -> None:
    with own.session(durable=False) as session:
        session.add(Staff(email="nobody@example.org", name="Relaxed", slack_user_id="U0RELAX"))
        session.flush()
        session.rollback()
    with own.session() as session:
        assert session.exec(ONE).first() is None
    with own.session(durable=False) as session:
        session.add(Staff(email="nobody@example.org", name="Relaxed", slack_user_id="U0RELAX"))
        session.commit()
    with own.session() as session:
        assert session.exec(ONE).first() == "Relaxed"


def test_a_relaxed_transaction_that_cannot_begin_says_so_and_the_next_gets_a_fresh_connection(
    own: Database, db: Database
) -> None:
    backend = _backend(own)
    with own.session(durable=False) as session:
        raw = session.connection().connection.dbapi_connection
        session.rollback()
        with db.session() as other:  # gone between its check-out and its BEGIN
            other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": backend})
            other.commit()
        with pytest.raises(psycopg.OperationalError, match="could not begin a transaction"):
            pg_connection.begin_relaxed(raw)
    with own.session(durable=False) as session:
        assert session.execute(text("SELECT pg_backend_pid()")).scalar_one() != backend
