"""The waiting-decisions digest the sweep owes (bot.jobs.waiting), drawn for Slack when the
outbox sends it: the decisions still waiting for the approver then, with their buttons."""

from __future__ import annotations

from sqlmodel import Session

from bot.outbox import Queued
from bot.usecases.waiting import DIGEST, digest_items, reminded_by_digest
from handlers.outgoing import Drawn, card
from handlers.waiting.messages import digest_message


@card(DIGEST, after=reminded_by_digest)
def draw_digest(session: Session, message: Queued) -> Drawn | None:
    items = digest_items(session, message)
    return Drawn(digest_message(items)) if items else None
