"""Migration 0004 chains the entries written before the chain existed, in id order, and leaves
the trail append-only; the staff table gets its vetting index."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import insert, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from storage import audit
from storage.audit_chain import GENESIS, hash_of, verify
from storage.db import Database, alembic_config
from storage.models import AuditEntry, AuditHead, Declaration, Staff


@pytest.fixture
def old_db(fresh_db_url: str) -> Iterator[Database]:
    """A database at 0003 holding three audit entries written before chaining."""
    db = Database(fresh_db_url)
    command.upgrade(alembic_config(db.engine), "0003")
    at = datetime(2026, 4, 1, 8, 0, 0, 123456, tzinfo=UTC)
    with db.session() as session:
        # Only the columns 0003 had: the model has grown since.
        person_id = session.execute(
            insert(Staff.__table__)  # type: ignore[arg-type]
            .values(
                email="ann@office.example",
                name="Ann",
                roles="",
                active=True,
                politically_restricted=False,
                updated_at=at,
            )
            .returning(Staff.__table__.c.id)  # type: ignore[attr-defined]
        ).scalar_one()
        declaration = Declaration(
            reference="GH-00001", kind="gift", declarant_id=person_id, status="pending"
        )
        session.add(declaration)
        session.flush()
        for n, action in enumerate(("submitted", "routed", "decided")):
            session.add(
                AuditEntry(
                    at=at + timedelta(minutes=n),
                    actor_id=person_id if n != 1 else None,
                    action=action,
                    declaration_id=declaration.id,
                    detail=f'{{"n": {n}, "note": "caf\u00e9"}}',
                )
            )
            session.flush()
        session.commit()
    yield db
    db.dispose()


def rows(db: Database) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id))))


def test_0004_chains_the_entries_written_before_it(old_db: Database) -> None:
    assert all(row.hash is None for row in rows(old_db))
    old_db.migrate()
    chained = rows(old_db)
    assert [row.action for row in chained] == ["submitted", "routed", "decided"]
    assert chained[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(chained):
        assert after.prev_hash == before.hash
    for row in chained:
        assert row.hash == hash_of(row, row.prev_hash or "")
    verdict = verify(old_db.engine)
    assert verdict.broken is None
    assert (verdict.entries, verdict.newest_id) == (3, chained[-1].id)
    with old_db.session() as session:
        head = session.get(AuditHead, 1)
    assert head is not None and head.last_hash == chained[-1].hash


def test_new_entries_chain_on_from_the_backfilled_ones(old_db: Database) -> None:
    old_db.migrate()
    with old_db.session() as session:
        entry = audit.record(session, action="exported", register="gifts")
        session.commit()
    assert entry.prev_hash == rows(old_db)[2].hash
    assert verify(old_db.engine).entries == 4


def test_the_trail_is_append_only_again_after_0004(old_db: Database) -> None:
    old_db.migrate()
    for statement in ("UPDATE audit_entry SET action = 'x'", "DELETE FROM audit_entry"):
        with pytest.raises(DBAPIError, match="append-only"), old_db.engine.begin() as conn:
            conn.execute(text(statement))
    assert len(rows(old_db)) == 3


def test_0004_indexes_vetting_expiry(old_db: Database) -> None:
    old_db.migrate()
    indexes = {ix["name"]: ix["column_names"] for ix in inspect(old_db.engine).get_indexes("staff")}
    assert indexes["ix_staff_vetting_expires"] == ["vetting_expires"]


def test_0004_down_and_up_again_keeps_the_chain(old_db: Database) -> None:
    old_db.migrate()
    config = alembic_config(old_db.engine)
    command.downgrade(config, "0003")
    assert "audit_head" not in inspect(old_db.engine).get_table_names()
    with old_db.session() as session:  # written by the old code meanwhile: unchained
        session.add(AuditEntry(action="noted", detail="{}"))
        session.commit()
    command.upgrade(config, "head")
    verdict = verify(old_db.engine)
    assert verdict.broken is None and verdict.entries == 4
