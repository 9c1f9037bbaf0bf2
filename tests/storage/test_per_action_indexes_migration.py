"""Migration 0010 adds the indexes an action's statements find their rows by at any size of
office (tests/e2e/test_action_cost.py reads their plans), and takes them away going back."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from storage.db import Database, alembic_config

ADDED = {
    "staff": {"ix_staff_office_holders", "ix_staff_line_manager_id"},
    "delegation": {"ix_delegation_open"},
    "outbox": {"ix_outbox_updates_id"},
    "declaration": {"ix_declaration_created_at"},
}


def _indexes(db: Database) -> dict[str, set[str]]:
    found = inspect(db.engine)
    return {table: {ix["name"] or "" for ix in found.get_indexes(table)} for table in ADDED}


def test_0010_adds_the_indexes_and_goes_back(fresh_db_url: str) -> None:
    db = Database(fresh_db_url)
    config = alembic_config(db.engine)
    try:
        command.upgrade(config, "0009")
        before = _indexes(db)
        assert all(not (before[table] & names) for table, names in ADDED.items())
        command.upgrade(config, "0010")
        after = _indexes(db)
        assert all(after[table] == before[table] | names for table, names in ADDED.items())
        command.downgrade(config, "0009")
        assert _indexes(db) == before
    finally:
        db.dispose()
