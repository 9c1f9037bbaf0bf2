"""The audit trail's hash chain: written linked, checked by `verify`, which names the first
edited, deleted or reordered entry; tampering goes round the append-only triggers, as someone
with access to the database would."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from bot.cli import main
from storage import audit, audit_chain
from storage.audit_chain import GENESIS, Verdict, entry_hash, hash_of, verify
from storage.db import Database
from storage.models import AuditEntry, AuditHead, Declaration, Staff

_APPEND_ONLY = "the audit trail is append-only"


def entries(db: Database) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id))))


def write(db: Database, count: int, *, declaration_id: int | None = None) -> list[AuditEntry]:
    """`count` entries, one transaction each, as the bot writes them."""
    for n in range(count):
        with db.session() as session:
            audit.record(session, action="noted", declaration_id=declaration_id, n=n)
            session.commit()
    return entries(db)


def a_declaration(db: Database, reference: str = "GH-00042") -> int:
    with db.session() as session:
        person = Staff(email="ann@office.example", name="Ann")
        session.add(person)
        session.flush()
        assert person.id is not None
        declaration = Declaration(
            reference=reference, kind="gift", declarant_id=person.id, status="noted"
        )
        session.add(declaration)
        session.commit()
        assert declaration.id is not None
        return declaration.id


@contextmanager
def tampering(db: Database) -> Iterator[Connection]:
    """A connection with the append-only triggers lifted; they are put back afterwards."""
    sqlite = db.engine.dialect.name == "sqlite"
    with db.engine.begin() as conn:
        if sqlite:
            conn.exec_driver_sql("DROP TRIGGER audit_entry_no_update")
            conn.exec_driver_sql("DROP TRIGGER audit_entry_no_delete")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
    try:
        with db.engine.begin() as conn:
            yield conn
    finally:
        with db.engine.begin() as conn:
            if sqlite:
                for verb in ("UPDATE", "DELETE"):
                    conn.exec_driver_sql(
                        f"CREATE TRIGGER audit_entry_no_{verb.lower()} BEFORE {verb} "
                        f"ON audit_entry BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
                    )
            else:
                conn.exec_driver_sql(
                    "ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only"
                )


def broken(verdict: Verdict) -> str:
    assert verdict.broken is not None, "the chain should be broken"
    return verdict.broken.describe()


def test_each_entry_carries_the_hash_of_the_one_before(db: Database) -> None:
    rows = write(db, 4)
    assert rows[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash
    for row in rows:
        assert row.hash == hash_of(row, row.prev_hash or "")
        assert row.hash is not None and len(row.hash) == 64
    assert len({row.hash for row in rows}) == 4
    with db.session() as session:
        head = session.get(AuditHead, 1)
    assert head is not None and (head.last_id, head.last_hash) == (rows[-1].id, rows[-1].hash)


def test_an_intact_chain_verifies(db: Database) -> None:
    rows = write(db, 5)
    verdict = verify(db.engine)
    assert verdict.broken is None
    assert (verdict.entries, verdict.newest_id, verdict.newest_hash) == (
        5,
        rows[-1].id,
        rows[-1].hash,
    )


def test_the_hash_covers_every_field() -> None:
    fields: dict[str, object] = {
        "id": 7,
        "at": datetime(2026, 11, 22, 7, 30, 1, 250000, tzinfo=UTC),
        "actor_id": 3,
        "action": "decided",
        "declaration_id": 9,
        "detail": '{"outcome": "approved"}',
        "prev_hash": GENESIS,
    }
    base = entry_hash(**fields)  # type: ignore[arg-type]
    changes: dict[str, object] = {
        "id": 8,
        "at": datetime(2026, 11, 22, 7, 30, 1, 250001, tzinfo=UTC),
        "actor_id": None,
        "action": "declined",
        "declaration_id": 10,
        "detail": '{"outcome": "declined"}',
        "prev_hash": "1" * 64,
    }
    for name, value in changes.items():
        assert entry_hash(**{**fields, name: value}) != base, name  # type: ignore[arg-type]


def test_a_rolled_back_entry_leaves_no_gap_in_the_chain(db: Database) -> None:
    write(db, 2)
    with db.session() as session:
        audit.record(session, action="abandoned")
        session.rollback()
    write(db, 1)
    verdict = verify(db.engine)
    assert verdict.broken is None and verdict.entries == 3


def test_an_edited_entry_is_named(db: Database) -> None:
    declaration_id = a_declaration(db)
    rows = write(db, 5, declaration_id=declaration_id)
    with tampering(db) as conn:
        conn.execute(
            text("UPDATE audit_entry SET detail = :d WHERE id = :id"),
            {"d": json.dumps({"n": 99}), "id": rows[2].id},
        )
    message = broken(verify(db.engine))
    assert message.startswith(f"Entry #{rows[2].id} (")
    assert "noted, GH-00042" in message
    assert rows[2].at.strftime("%Y-%m-%d %H:%M:%S UTC") in message
    assert "its hash does not match its content: it was edited" in message


def test_an_edited_time_or_actor_is_caught_too(db: Database) -> None:
    rows = write(db, 3)
    with tampering(db) as conn:
        conn.execute(
            text("UPDATE audit_entry SET actor_id = NULL, action = 'x' WHERE id = :id"),
            {"id": rows[1].id},
        )
    assert f"Entry #{rows[1].id} " in broken(verify(db.engine))


def test_a_deleted_entry_is_caught_at_the_next(db: Database) -> None:
    rows = write(db, 5)
    with tampering(db) as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": rows[2].id})
    verdict = verify(db.engine)
    message = broken(verdict)
    assert message.startswith(f"Entry #{rows[3].id} (")
    assert f"does not match the hash of the entry before it (#{rows[1].id})" in message
    assert "deleted" in message
    assert verdict.entries == 2  # the two before it hold


def test_reordered_entries_are_caught(db: Database) -> None:
    rows = write(db, 5)
    a, b = rows[1].id, rows[2].id
    with tampering(db) as conn:  # swap two entries' places
        conn.execute(text("UPDATE audit_entry SET id = -1 WHERE id = :a"), {"a": a})
        conn.execute(text("UPDATE audit_entry SET id = :a WHERE id = :b"), {"a": a, "b": b})
        conn.execute(text("UPDATE audit_entry SET id = :b WHERE id = -1"), {"b": b})
    message = broken(verify(db.engine))
    assert message.startswith(f"Entry #{a} (")
    assert "reordered" in message


def test_a_rewritten_entry_with_a_fresh_hash_breaks_the_next_link(db: Database) -> None:
    rows = write(db, 4)
    forged = rows[1].model_copy(update={"detail": '{"n": 42}'})
    with tampering(db) as conn:
        conn.execute(
            text("UPDATE audit_entry SET detail = :d, hash = :h WHERE id = :id"),
            {"d": forged.detail, "h": hash_of(forged, forged.prev_hash or ""), "id": rows[1].id},
        )
    message = broken(verify(db.engine))
    assert message.startswith(f"Entry #{rows[2].id} (")
    assert f"#{rows[1].id} was rewritten" in message


def test_deleting_the_first_entry_is_caught(db: Database) -> None:
    rows = write(db, 3)
    with tampering(db) as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": rows[0].id})
    message = broken(verify(db.engine))
    assert message.startswith(f"Entry #{rows[1].id} (")
    assert "does not start the chain" in message


def test_deleting_the_last_entries_is_caught_by_the_head(db: Database) -> None:
    rows = write(db, 5)
    with tampering(db) as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id >= :id"), {"id": rows[3].id})
    message = broken(verify(db.engine))
    assert message == (
        f"The chain ends after entry #{rows[2].id}, but the newest entry recorded was "
        f"#{rows[4].id}: the last entries were deleted."
    )


def test_deleting_every_entry_is_caught_by_the_head(db: Database) -> None:
    rows = write(db, 2)
    with tampering(db) as conn:
        conn.execute(text("DELETE FROM audit_entry"))
    assert f"newest entry recorded was #{rows[1].id}" in broken(verify(db.engine))


def test_the_last_entry_rewritten_with_a_fresh_hash_is_caught_by_the_head(db: Database) -> None:
    rows = write(db, 3)
    forged = rows[2].model_copy(update={"action": "forged"})
    with tampering(db) as conn:
        conn.execute(
            text("UPDATE audit_entry SET action = 'forged', hash = :h WHERE id = :id"),
            {"h": hash_of(forged, forged.prev_hash or ""), "id": rows[2].id},
        )
    message = broken(verify(db.engine))
    assert message.startswith(f"Entry #{rows[2].id} (")
    assert "not the one recorded as the newest" in message


def test_new_entries_after_a_deleted_tail_show_the_gap(db: Database) -> None:
    """The next entry chains from the head, not from what is left: the gap is in the chain."""
    rows = write(db, 3)
    with tampering(db) as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": rows[2].id})
    after = write(db, 1)[-1]
    assert after.id is not None and after.id > (rows[2].id or 0)  # its number is not reused
    message = broken(verify(db.engine))
    assert message.startswith(f"Entry #{after.id} (")


def test_an_unhashed_entry_is_caught(db: Database) -> None:
    write(db, 2)
    with db.engine.begin() as conn:  # inserted round the audit trail: no hash
        conn.execute(
            text("INSERT INTO audit_entry (at, action, detail) VALUES (:at, 'sneaked', '{}')"),
            {"at": datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)},
        )
    message = broken(verify(db.engine))
    assert message.startswith("Entry #3 (2026-01-01 00:00:00 UTC, sneaked)")
    assert "it has no hash: it was written outside the audit trail" in message


# The command line


def run_verify(db: Database, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["audit", "verify", *args], environ={"DATABASE_URL": db.url}, stdout=out, stderr=err
    )
    return code, out.getvalue(), err.getvalue()


def test_cli_intact_chain_is_one_line_and_exit_0(db: Database) -> None:
    rows = write(db, 3)
    code, out, err = run_verify(db)
    assert (code, err) == (0, "")
    assert out == f"3 entries, chain intact (newest {rows[-1].id}:{rows[-1].hash})\n"


def test_cli_empty_trail(db: Database) -> None:
    assert run_verify(db) == (0, "0 entries, chain intact\n", "")


def test_cli_database_error_while_streaming_is_one_line_and_exit_1(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(db, 3)

    def connection_lost(rows: Iterable[Any], known: dict[int, list[tuple[str, str]]]) -> Verdict:
        next(iter(rows))  # the first batch arrived; then the server went away
        raise OperationalError("SELECT … FROM audit_entry", {}, Exception("connection lost"))

    monkeypatch.setattr(audit_chain, "_walk", connection_lost)
    code, out, err = run_verify(db)
    assert (code, out) == (1, "")
    assert err.startswith("nolan: error: cannot read the audit trail: ")
    assert "connection lost" in err and "Traceback" not in err and err.count("\n") == 1


def test_cli_missing_table_is_one_line_and_exit_1(db: Database) -> None:
    write(db, 2)
    with db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_head RENAME TO audit_head_gone"))
    try:
        code, out, err = run_verify(db)
    finally:  # the database outlives the test on PostgreSQL
        with db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE audit_head_gone RENAME TO audit_head"))
    assert (code, out) == (1, "")
    assert err.startswith("nolan: error: cannot read the audit trail: ") and "audit_head" in err


def test_cli_one_entry_is_singular(db: Database) -> None:
    write(db, 1)
    code, out, _ = run_verify(db)
    assert code == 0 and out.startswith("1 entry, chain intact")


def test_cli_names_the_first_break_and_exits_1(db: Database) -> None:
    declaration_id = a_declaration(db, "GH-00007")
    rows = write(db, 4, declaration_id=declaration_id)
    with tampering(db) as conn:
        conn.execute(
            text("UPDATE audit_entry SET detail = '{}' WHERE id = :id"), {"id": rows[1].id}
        )
        conn.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": rows[3].id})
    code, out, err = run_verify(db)
    assert (code, err) == (1, "")
    assert out.startswith(f"Audit chain broken. Entry #{rows[1].id} (")
    assert "GH-00007" in out and "it was edited" in out
    assert out.count("\n") == 1


def test_entries_written_in_one_transaction_are_consecutive(db: Database) -> None:
    with db.session() as session:
        for n in range(3):
            audit.record(session, action="noted", n=n)
        session.commit()
    rows = entries(db)
    assert [r.id for r in rows] == list(range(rows[0].id or 0, (rows[0].id or 0) + 3))
    assert verify(db.engine).broken is None


def test_the_audit_entries_of_one_session_are_readable_before_commit(db: Database) -> None:
    with db.session() as session:
        audit.record(session, action="first")
        seen = session.exec(select(AuditEntry.action)).all()
        session.commit()
    assert seen == ["first"]


def rewrite_from(db: Database, conn: Connection, entry_id: int, detail: str) -> None:
    """What the chain alone cannot catch: edit an entry, recompute every hash from it on,
    and the head too."""
    rows = [r for r in entries(db) if (r.id or 0) >= entry_id]
    prev = rows[0].prev_hash or GENESIS
    for n, row in enumerate(rows):
        changed = row.model_copy(update={"detail": detail} if n == 0 else {})
        digest = hash_of(changed, prev)
        conn.execute(
            text("UPDATE audit_entry SET detail = :d, prev_hash = :p, hash = :h WHERE id = :id"),
            {"d": changed.detail, "p": prev, "h": digest, "id": row.id},
        )
        prev = digest
    conn.execute(
        text("UPDATE audit_head SET last_hash = :h WHERE last_id = :id"),
        {"h": prev, "id": rows[-1].id},
    )


def test_a_noted_hash_catches_a_recomputed_chain(db: Database) -> None:
    rows = write(db, 5)
    code, out, _ = run_verify(db)
    noted = out.split("(newest ")[1].rstrip(")\n")
    assert noted == f"{rows[-1].id}:{rows[-1].hash}"
    with tampering(db) as conn:
        rewrite_from(db, conn, rows[1].id or 0, '{"n": 99}')
    assert run_verify(db)[0] == 0  # the limit of a chain kept in the same database
    code, out, _ = run_verify(db, "--expect", noted)
    assert code == 1
    assert out.startswith(f"Audit chain broken. Entry #{rows[-1].id} (")
    assert f"its hash is not the one noted for it ({(rows[-1].hash or '')[:12]}…)" in out


def test_noted_hashes_of_an_intact_chain_pass(db: Database) -> None:
    rows = write(db, 4)
    first, last = (f"{r.id}:{(r.hash or '').upper()}" for r in (rows[0], rows[-1]))
    assert run_verify(db, "--expect", first, "--expect", f"#{last}")[0] == 0


def test_a_noted_entry_that_is_gone_is_named(db: Database) -> None:
    rows = write(db, 2)
    code, out, _ = run_verify(db, "--expect", f"9:{rows[0].hash}")
    assert code == 1
    assert out == (
        f"Audit chain broken. The chain ends after entry #{rows[-1].id}, but entry #9, noted "
        f"with hash {(rows[0].hash or '')[:12]}…, is not there: it was deleted, with any "
        "entries after it.\n"
    )


def test_a_malformed_noted_hash_is_a_usage_error(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        run_verify(db, "--expect", "12:abc")
    assert exc.value.code == 2
    assert "not an entry and its hash (ID:HASH, a number and 64 hex digits): '12:abc'" in (
        capsys.readouterr().err
    )


def test_a_missing_head_is_reported_and_the_next_entry_shows_the_break(db: Database) -> None:
    rows = write(db, 2)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_head"))
    assert broken(verify(db.engine)) == (
        "The record of the newest entry (the audit_head table) is missing."
    )
    after = write(db, 1)[-1]  # the bot carries on, from the genesis value
    assert after.prev_hash == GENESIS
    message = broken(verify(db.engine))
    assert message.startswith(f"Entry #{after.id} (")
    assert f"entry before it (#{rows[-1].id})" in message
