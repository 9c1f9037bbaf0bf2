"""What bench_ack.py and bench_request_path.py seed their scratch database with: the staff,
and optionally a year's history of messages sent (`history`), by bulk insert."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bench_db import bulk
from bench_registers import _staff

from storage.confirmations import ANNUAL
from storage.db import Database
from storage.models import OutboxMessage, Staff

# The messages of a year, in the proportions an action leaves them: a card, a receipt, the
# Homes it refreshed, the decision's update and outcome; and the last annual round's.
_KINDS = ("approval", "gift_receipt", "home", "home", "approval_update", "outcome", ANNUAL)


def seed(db: Database, staff: int, history: int = 0) -> list[dict[str, Any]]:
    """The org chart of `staff` people, and `history` messages already sent (the outbox
    keeps every one: an office's first morning is not its busiest)."""
    people = _staff(staff)
    bulk(db, Staff.__table__, people)
    sent_before(db, history, staff)
    if db.engine.dialect.name == "postgresql":
        # The statistics autovacuum gathers after an import (as bench_registers): without them
        # the planner guesses that hundreds have a role and reads everyone to find the few.
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE staff")
            if history:
                conn.exec_driver_sql("ANALYZE outbox")
    return people


def sent_before(db: Database, history: int, staff: int) -> None:
    """`history` messages already sent to the `staff` seeded (by bulk insert)."""
    if history:
        bulk(db, OutboxMessage.__table__, [_sent(n, staff) for n in range(history)])


def _sent(n: int, staff: int) -> dict[str, Any]:
    kind = _KINDS[n % len(_KINDS)]
    person = f"staff:{3 + n % (staff - 3)}"
    at = datetime(2025, 9, 1, tzinfo=UTC)
    return {
        "kind": kind,
        "subject": f"{kind}:{n}",  # unique whatever the history's length
        "recipient": person,
        "due_on": date(2025, 4, 1) if kind == ANNUAL else None,
        "status": "sent",
        "attempts": 1,
        "payload": None if kind == ANNUAL else "{}",
        "claimed_at": at,
        "sent_at": at,
        "created_at": at,
    }
