"""The outbox keeps every message sent, so the lookups asked at every Home drawn and every
decision find their few rows by key, not among everything sent (migration 0013): on SQLite,
whose planner has no statistics to tell it which of two indexes is the narrower."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import insert, inspect
from sqlmodel import Session

from storage import outbox, reminders
from storage.confirmations import ANNUAL
from storage.db import Database, alembic_config
from storage.models import OutboxMessage
from tests.e2e.plans import captured

ROUND = date(2026, 4, 1)


@pytest.fixture
def history(db: Database) -> Database:
    """A year's sent messages: cards and Homes about many subjects, and last year's round."""
    now = datetime(2026, 12, 1, tzinfo=UTC)
    rows: list[dict[str, Any]] = [
        {"kind": kind, "subject": f"{kind}:{n}", "recipient": f"staff:{n % 97}",
         "status": "sent", "payload": "{}", "claimed_at": now, "created_at": now}
        for kind in ("approval", "home", "outcome") for n in range(1500)
    ]  # fmt: skip
    rows += [
        {"kind": ANNUAL, "subject": f"staff:{n}", "recipient": f"staff:{n}",
         "due_on": date(2025, 4, 1), "status": "sent", "claimed_at": now, "created_at": now}
        for n in range(500)
    ]  # fmt: skip
    with db.session() as session:
        session.execute(insert(OutboxMessage), rows)
        session.commit()
    return db


BY_SUBJECT = "kind=? AND subject=?"
BY_SUBJECT_SENT = "kind=? AND subject=? AND status=?"
LOOKUPS: dict[str, tuple[Callable[[Session], object], str]] = {
    "was this year's round sent to anyone (every Home)": (
        lambda s: reminders.any_sent(s, kind=ANNUAL, due_on=ROUND),
        "kind=? AND status=? AND due_on=?",
    ),
    "the round's sent reminders (a sweep's job)": (
        lambda s: reminders.sent_keys(s, kinds=(ANNUAL,), since=ROUND),
        "kind=? AND status=? AND due_on>?",
    ),
    "the newest card about a step (every decision)": (
        lambda s: outbox.newest_about(s, kind="approval", subject="approval:7"),
        BY_SUBJECT,
    ),
    "the newest card sent about it": (
        lambda s: outbox.latest(s, kind="home", subject="home:7", sent=True),
        BY_SUBJECT_SENT,
    ),
    "the card to update in place (a Teams Home)": (
        lambda s: outbox.last_sent(s, kind="home", subject="home:7"),
        BY_SUBJECT_SENT,
    ),
    "every copy of a card sent (to update them all)": (
        lambda s: outbox.sent(s, kind="approval", subject="approval:7"),
        BY_SUBJECT_SENT,
    ),
    "the pressed message a copy of the card (every Teams press)": (
        lambda s: outbox.copy_at(s, kind="approval", subject="approval:7", ts="1"),
        BY_SUBJECT_SENT,
    ),
}


def test_a_copy_is_found_at_its_place_and_for_its_recipient_only(db: Database) -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    copies = [("staff:1", "sent", "A"), ("staff:2", "sent", "B"), ("staff:3", "failed", "C")]
    with db.session() as session:
        session.execute(insert(OutboxMessage), [
            {"kind": "approval", "subject": "approval:7", "recipient": recipient,
             "status": status, "ts": ts, "payload": "{}", "created_at": now}
            for recipient, status, ts in copies
        ])  # fmt: skip
        session.commit()

        def at(ts: str | None, recipient: str | None = None) -> bool:
            return outbox.copy_at(
                session, kind="approval", subject="approval:7", ts=ts, recipient=recipient
            )

        assert at("A") and at("B") and at("A", "staff:1")
        assert not at("A", "staff:2")  # someone else's copy at that place
        assert not at("C")  # never reached the platform
        assert not at(None) and not at("Z")
        assert not outbox.copy_at(session, kind="approval", subject="approval:8", ts="A")


@pytest.mark.parametrize("lookup", LOOKUPS)
def test_a_lookup_seeks_its_rows_by_key(history: Database, lookup: str) -> None:
    if history.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's planner chooses by the table's statistics")
    ask, key = LOOKUPS[lookup]
    with captured(history, own=True) as seen, history.session() as session:
        ask(session)
    (statement, parameters), *_ = seen
    with history.engine.connect() as conn:
        explained = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        plan = [row[3] for row in explained]
    searches = [step for step in plan if step.startswith("SEARCH outbox")]
    assert searches and all(f"({key})" in step for step in searches), plan


def test_0013_swaps_the_kinds_index_and_goes_back(fresh_db_url: str) -> None:
    db = Database(fresh_db_url)
    config = alembic_config(db.engine)

    def indexes() -> set[str]:
        return {ix["name"] or "" for ix in inspect(db.engine).get_indexes("outbox")}

    try:
        command.upgrade(config, "0012")
        before = indexes()
        assert "ix_outbox_kind" in before
        command.upgrade(config, "0013")
        assert indexes() == before - {"ix_outbox_kind"} | {
            "ix_outbox_kind_status_due_on",
            "ix_outbox_kind_subject_status",
        }
        command.downgrade(config, "0012")
        assert indexes() == before
    finally:
        db.dispose()
