"""Sending a scheduled message exactly once, by its natural key in the ledger.

A sweep's job owes a reminder with `owe_once` (or several, as one list, with `owe_list`;
both in bot.owing, which a platform's adapter may import too: nothing of Slack's there): the
key's row of the outbox is inserted as a queued message descriptor — unless that key is
already owed, whatever became of it — and the delivery worker sends it, retries it on the
platform's errors, and records it, like any other message. So a rerun owes nothing new, a
failed send is retried by the outbox (not lost, not sent twice), and every platform's sender
draws the same card.

Jobs not yet moved to the outbox claim, send and record with `send_once`: the ledger's
unique key stops a second sweep (a rerun, a restart, another process on the same PostgreSQL
database); a failed send is recorded and claimed again by the next run. The one window left
is a crash after Slack accepted a message and before it is recorded as sent: that reminder
is sent again after STALE_CLAIM (at least once, rather than lost).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.owing import owe_list as owe_list
from bot.owing import owe_once as owe_once
from bot.owing import owe_unless_sent as owe_unless_sent
from bot.sending import Posted, describe_failure
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


def send_all_once(
    db: Database,
    keys: Sequence[Key],
    send: Callable[[list[Key]], Posted | None],
    *,
    now: datetime,
) -> tuple[list[Key], Result]:
    """One message covering several reminders (a list for an officer, say): claim each key
    (those another sweep holds or has sent are left out), send once for the keys claimed,
    and record the outcome on every one of them. Returns the keys claimed and the result."""
    with db.session() as session:
        claimed: dict[Key, int] = {}
        for key in keys:
            reminder_id = reminders.claim(session, key=key, now=now)
            if reminder_id is not None:
                claimed[key] = reminder_id
        session.commit()
    if not claimed:
        return [], SKIPPED
    try:
        posted = send(list(claimed))
    except Exception as exc:
        error = describe_failure(exc)
        log.warning("Reminders %s failed: %s", list(claimed), error)
        with db.session() as session:
            for reminder_id in claimed.values():  # under each claim, taken at `now`
                _unless_taken_over(
                    reminders.mark_failed(
                        session, reminder_id=reminder_id, claimed_at=now, error=error
                    ),
                    reminder_id,
                )
            session.commit()
        return list(claimed), Result(sent=False, error=error)
    with db.session() as session:
        for reminder_id in claimed.values():
            marked = reminders.mark_sent(
                session,
                reminder_id=reminder_id,
                claimed_at=now,
                now=now,
                channel=posted.channel if posted else None,
                ts=posted.ts if posted else None,
            )
            _unless_taken_over(marked, reminder_id)
        session.commit()
    return list(claimed), Result(sent=True, posted=posted)


def send_once(
    db: Database, key: Key, send: Callable[[], Posted | None], *, now: datetime
) -> Result:
    """Claim `key`, call `send` (which talks to Slack), and record the outcome."""
    _claimed, result = send_all_once(db, [key], lambda _keys: send(), now=now)
    return result


def _unless_taken_over(recorded: bool, reminder_id: int) -> None:
    """A record under a claim another sweep took over (this one's send outlasted
    STALE_CLAIM) changes nothing: what became of the reminder is the other's to record."""
    if not recorded:
        log.info("Reminder %s was taken over by another sweep while it was sent", reminder_id)
