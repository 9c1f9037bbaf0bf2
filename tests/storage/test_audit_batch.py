"""The audit entries of one transaction go in as one batch: their ids in one statement, the
links in one more (on PostgreSQL the same one that moves the head on), chained exactly as one
at a time (issue 10)."""

from __future__ import annotations

import itertools

from sqlalchemy import text
from sqlmodel import col, select

from storage import audit
from storage.audit_chain import _JOINED, GENESIS, hash_of, verify
from storage.db import Database
from storage.models import AuditEntry
from tests.storage.test_audit_chain import tampering
from tests.storage.test_risk import counting


def record(db: Database, count: int) -> list[str]:
    """`count` entries in one transaction; the statements its commit ran."""
    with db.session() as session:
        for n in range(count):
            audit.record(session, action="noted", n=n)
        with counting(db) as seen:
            session.commit()
    return seen


def test_a_batch_costs_the_statements_of_one_entry(db: Database) -> None:
    one, five = record(db, 1), record(db, 5)
    if db.engine.dialect.name == "postgresql":
        # The head claimed with the ids; the links added as the head is set, in one.
        assert len(one) == 2 and len(five) == 2, (one, five)
        assert five[1].startswith("WITH added AS"), five[1]
        # A batch too large for one statement's VALUES: the links in an executemany.
        assert len(record(db, _JOINED + 1)) == 3
    else:  # the head claimed with the first id, the links, the head set
        assert len(one) == 3 and len(five) == 3, (one, five)


def test_a_batch_past_what_one_statement_adds_chains_as_the_others(db: Database) -> None:
    record(db, 2)
    record(db, _JOINED + 3)
    record(db, 1)
    with db.session() as session:
        rows = list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id))))
    assert len(rows) == _JOINED + 6
    assert [row.detail for row in rows[2:4]] == ['{"n": 0}', '{"n": 1}']
    verdict = verify(db.engine)
    assert verdict.broken is None and verdict.newest_id == rows[-1].id


def test_a_batch_chains_each_entry_from_the_one_before(db: Database) -> None:
    record(db, 1)
    record(db, 4)
    with db.session() as session:
        rows = list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id))))
    assert [r.id for r in rows] == list(range(rows[0].id or 0, (rows[0].id or 0) + 5))
    assert rows[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash
    assert all(row.hash == hash_of(row, row.prev_hash or "") for row in rows)
    verdict = verify(db.engine)
    assert verdict.broken is None and verdict.newest_id == rows[-1].id


def test_a_batch_after_a_deleted_tail_does_not_reuse_its_numbers(db: Database) -> None:
    record(db, 3)
    with tampering(db) as conn:
        gone = conn.execute(text("SELECT max(id) FROM audit_entry")).scalar_one()
        conn.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": gone})
    record(db, 2)
    with db.session() as session:
        ids = list(session.exec(select(AuditEntry.id).order_by(col(AuditEntry.id))))
    assert ids[-2:] == [gone + 1, gone + 2]
