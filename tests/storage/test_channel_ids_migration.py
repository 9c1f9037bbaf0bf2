"""Migration 0009 widens a policy's channel and the outbox's places for Teams' ids: the rows
stay as they were, a Teams channel id fits after it, and it goes back while every id fits
(refusing, and changing nothing, when one would not)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import text

from storage.db import Database, alembic_config

AT = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
TEAMS_CHANNEL = "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2"
POLICY = "INSERT INTO policy (title, url, channel_id, is_code_of_conduct, active, created_at) "
POLICY += "VALUES (:title, '', :channel, false, true, :at)"
OUTBOX = (
    "INSERT INTO outbox (kind, subject, recipient, due_on, status, attempts, claimed_at, "
    "channel, ts, payload, created_at) VALUES ('policy_review', 'policy:1', :to, :due, 'sent', "
    "1, :at, :channel, :ts, '{}', :at)"
)


def _rows(db: Database) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with db.engine.connect() as conn:
        policies = conn.execute(text("SELECT title, channel_id FROM policy ORDER BY id")).all()
        sent = conn.execute(
            text("SELECT recipient, channel, ts, updates_id FROM outbox ORDER BY id")
        ).all()
    return [tuple(r) for r in policies], [tuple(r) for r in sent]


def test_0009_widens_the_channel_ids_and_goes_back(fresh_db_url: str) -> None:
    db = Database(fresh_db_url)
    config = alembic_config(db.engine)
    command.upgrade(config, "0008")
    with db.engine.begin() as conn:
        conn.execute(text(POLICY), {"title": "Code", "channel": "C0POLICIES", "at": AT})
        values = {"due": date(2026, 12, 1), "at": AT}
        conn.execute(text(OUTBOX), {**values, "to": "C0POLICIES", "channel": "C0POLICIES",
                                    "ts": "1.1"})
        conn.execute(text(OUTBOX), {**values, "to": "staff:1", "channel": "D0ALICE", "ts": "2.2",
                                    "due": date(2026, 12, 2)})
        conn.execute(text("UPDATE outbox SET updates_id = 1 WHERE id = 2"))
    before = _rows(db)

    command.upgrade(config, "0009")
    assert _rows(db) == before  # every row as it was, the outbox's own link kept
    teams = f"channel:{TEAMS_CHANNEL}"
    activity = "1:1XyZabcdefghijklmnopqrstuvwxyz0123456789"
    with db.engine.begin() as conn:  # PostgreSQL would refuse these at 32 characters
        conn.execute(text(POLICY), {"title": "Teams", "channel": TEAMS_CHANNEL, "at": AT})
        conn.execute(text(OUTBOX), {"to": teams, "channel": teams, "ts": activity,
                                    "due": date(2026, 12, 3), "at": AT})
    policies, sent = _rows(db)
    assert policies[-1] == ("Teams", TEAMS_CHANNEL) and sent[-1] == (teams, teams, activity, None)

    # Back while a Teams id is there: refused, nothing changed.
    with pytest.raises(RuntimeError, match=r"policy.channel_id \(1 longer than 32"):
        command.downgrade(config, "0008")
    assert _rows(db) == (policies, sent)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM policy WHERE title = 'Teams'"))
        conn.execute(text("DELETE FROM outbox WHERE recipient = :to"), {"to": teams})
    command.downgrade(config, "0008")
    assert _rows(db) == before
    command.upgrade(config, "head")
    assert _rows(db) == before
    db.dispose()
