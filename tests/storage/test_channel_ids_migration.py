"""Migration 0009 widens a policy's channel and the outbox's places for Teams' ids: the rows
stay as they were, a Teams channel id fits after it, and it goes back while every id fits
(refusing, and changing nothing, when one would not). The policy reminders sent before it
keep their keys in the platform-neutral job's terms, so none goes twice."""

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
    "channel, ts, payload, created_at) VALUES (:kind, 'policy:1', :to, :due, 'sent', "
    "1, :at, :channel, :ts, '{}', :at)"
)
STAFF = "INSERT INTO staff (email, name, slack_user_id, roles, politically_restricted, active, "
STAFF += "updated_at) VALUES (:email, :name, :slack, '', false, true, :at)"


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
        conn.execute(text(STAFF), {"email": "a@x.example", "name": "A", "slack": "UALICE",
                                   "at": AT})
        values = {"kind": "vetting_renewal", "due": date(2026, 12, 1), "at": AT}
        conn.execute(text(OUTBOX), {**values, "to": "C0POLICIES", "channel": "C0POLICIES",
                                    "ts": "1.1"})
        conn.execute(text(OUTBOX), {**values, "to": "staff:1", "channel": "D0ALICE", "ts": "2.2",
                                    "due": date(2026, 12, 2)})
        conn.execute(text("UPDATE outbox SET updates_id = 1 WHERE id = 2"))
        # A policy's reminders as the Slack-only job keyed them: the channel, the Slack id.
        values["kind"] = "policy_review"
        for to in ("C0POLICIES", "UALICE"):
            conn.execute(text(OUTBOX), {**values, "to": to, "channel": "C0POLICIES", "ts": "3.3"})
    before = _rows(db)

    command.upgrade(config, "0009")
    upgraded = policies, sent = _rows(db)
    assert policies == before[0]
    assert sent[:2] == before[1][:2]  # every row as it was, the outbox's own link kept
    assert [r[0] for r in sent[2:]] == ["channel:C0POLICIES", "staff:1"]
    teams = f"channel:{TEAMS_CHANNEL}"
    activity = "1:1XyZabcdefghijklmnopqrstuvwxyz0123456789"
    with db.engine.begin() as conn:  # PostgreSQL would refuse these at 32 characters
        conn.execute(text(POLICY), {"title": "Teams", "channel": TEAMS_CHANNEL, "at": AT})
        conn.execute(text(OUTBOX), {"to": teams, "channel": teams, "ts": activity,
                                    "due": date(2026, 12, 3), "at": AT, "kind": "note"})
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
    assert _rows(db) == upgraded
    db.dispose()
