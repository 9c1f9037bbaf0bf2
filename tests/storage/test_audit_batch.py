"""The audit entries of one transaction go in as one batch: their ids in one statement, the
links in one executemany, chained exactly as one at a time (issue 10)."""

from __future__ import annotations

import itertools

from sqlalchemy import text
from sqlmodel import col, select

from storage import audit
from storage.audit_chain import GENESIS, hash_of, verify
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


def test_a_batch_costs_no_more_than_one_statement_over_one_entry(db: Database) -> None:
    one, five = record(db, 1), record(db, 5)
    assert len(one) == 3  # the head claimed with the first id, the links, the head set
    # PostgreSQL takes a batch's other ids from its sequence, in one statement more.
    assert len(five) == (4 if db.engine.dialect.name == "postgresql" else 3), five


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
