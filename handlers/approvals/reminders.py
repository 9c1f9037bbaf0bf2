"""The approver's one escalation reminder the sweep's chase owes (bot.jobs.approvals), drawn
for Slack when the outbox sends it: the steps still waiting for them then."""

from __future__ import annotations

from sqlmodel import Session

from bot.outbox import Queued
from bot.usecases.waiting import REMINDER, record_reminded, reminder_items
from handlers.approvals.chasing import reminder_message
from handlers.outgoing import Drawn, card


@card(REMINDER, after=record_reminded())
def draw_reminder(session: Session, message: Queued) -> Drawn | None:
    items = reminder_items(session, message)
    if not items:
        return None  # decided or moved since: nothing to remind of
    return Drawn(reminder_message(items, int(message.payload["limit_days"])))
