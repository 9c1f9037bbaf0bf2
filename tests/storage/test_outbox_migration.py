"""Migration 0007 turns the reminder ledger into the outbox: every row moves over as it was
(a reminder sent stays sent, once), new messages number on after them, and it goes back."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from storage.db import Database, alembic_config

AT = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
LEDGER = (
    "INSERT INTO reminder (id, kind, subject, recipient, due_on, status, attempts, claimed_at, "
    "sent_at, channel, ts) VALUES (:id, 'vetting_renewal', 'staff:1', 'UALICE', :due, :status, "
    "1, :at, :sent, 'DUALICE', :ts)"
)
# A reminder owed and claimed in the outbox as migration 0007 made it.
OWED = (
    "INSERT INTO outbox (kind, subject, recipient, due_on, status, attempts, claimed_at, "
    "created_at) VALUES ('vetting_renewal', :subject, :to, :due, 'claimed', 1, '2026-11-20 "
    "07:00:00', '2026-11-20 07:00:00')"
)


def test_0007_moves_the_ledger_into_the_outbox_and_back(fresh_db_url: str) -> None:
    db = Database(fresh_db_url)
    config = alembic_config(db.engine)
    command.upgrade(config, "0006")
    with db.engine.begin() as conn:
        for n, (due, status) in enumerate(
            ((date(2026, 12, 1), "sent"), (date(2027, 1, 1), "failed"))
        ):
            sent = AT if status == "sent" else None
            conn.execute(
                text(LEDGER),
                {"id": n + 1, "due": due, "status": status, "at": AT, "sent": sent, "ts": f"{n}.1"},
            )
    command.upgrade(config, "0007")
    assert "reminder" not in inspect(db.engine).get_table_names()
    with db.engine.connect() as conn:
        moved = conn.execute(
            text("SELECT id, status, ts, due_on, payload FROM outbox ORDER BY id")
        ).all()
    assert [(r[0], r[1], r[2], r[4]) for r in moved] == [
        (1, "sent", "0.1", None),
        (2, "failed", "1.1", None),
    ]
    # New messages number on after the rows that moved (PostgreSQL's sequence was set past
    # them), and a key that moved over cannot be owed again: the natural key still holds.
    with db.engine.begin() as conn:
        conn.execute(text(OWED), {"subject": "staff:2", "to": "UBOB", "due": date(2027, 1, 1)})
        new = conn.execute(text("SELECT MAX(id) FROM outbox")).scalar_one()
    assert new > 2
    again = {"subject": "staff:1", "to": "UALICE", "due": date(2026, 12, 1)}
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text(OWED), again)
    command.downgrade(config, "0006")
    with db.engine.connect() as conn:
        back = conn.execute(text("SELECT id, status FROM reminder ORDER BY id")).all()
    assert [tuple(r) for r in back] == [(1, "sent"), (2, "failed"), (new, "claimed")]
    with db.engine.begin() as conn:  # the ledger numbers on after the rows that came back
        unnumbered = LEDGER.replace("(id, ", "(").replace("(:id, ", "(")
        values = {"due": date(2028, 1, 1), "status": "sent", "at": AT, "sent": AT, "ts": "9.1"}
        conn.execute(text(unnumbered), values)
    command.upgrade(config, "head")
    db.dispose()
