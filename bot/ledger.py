"""Sending a scheduled message exactly once: claim its key in the ledger, send, record.

Every kind of reminder goes through `send_once`, so "twice" and "never" are handled in one
place: the ledger's unique key stops a second sweep (a rerun, a restart, another process on
the same PostgreSQL database); a failed send is recorded and claimed again by the next run.
The one window left is a crash after Slack accepted a message and before it is recorded as
sent: that reminder is sent again after STALE_CLAIM (at least once, rather than lost).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.notifier import Posted
from storage import reminders
from storage.db import Database
from storage.reminders import Key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Result:
    sent: bool
    error: str | None = None  # set when the send failed (the next run retries)
    posted: Posted | None = None


SKIPPED = Result(sent=False)


def send_once(
    db: Database, key: Key, send: Callable[[], Posted | None], *, now: datetime
) -> Result:
    """Claim `key`, call `send` (which talks to Slack), and record the outcome."""
    with db.session() as session:
        reminder_id = reminders.claim(session, key=key, now=now)
        session.commit()
    if reminder_id is None:
        return SKIPPED
    try:
        posted = send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        log.warning("Reminder %s failed: %s", key, error)
        with db.session() as session:
            reminders.mark_failed(session, reminder_id=reminder_id, error=error)
            session.commit()
        return Result(sent=False, error=error)
    with db.session() as session:
        reminders.mark_sent(
            session,
            reminder_id=reminder_id,
            now=now,
            channel=posted.channel if posted else None,
            ts=posted.ts if posted else None,
        )
        session.commit()
    return Result(sent=True, posted=posted)
