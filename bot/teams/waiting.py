"""The sweep's messages about decisions waiting, drawn for Teams: the morning digest (each
item with the approval card's own decision buttons, so a press decides as on the card:
bot.teams.approvals) and the approver's one escalation reminder (which points at the
original cards, as on Slack). The words are bot.ui.waiting's, as Slack's; the steps decided
or moved since the sweep owed them are left out (bot.usecases.waiting)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.outbox import Queued
from bot.teams import adaptive
from bot.teams.cards import action
from bot.teams.drawers import Drawn, card, drawer
from bot.ui.approval import decision_buttons
from bot.ui.waiting import (
    DIGEST_LIMIT,
    DIGEST_TITLE,
    REMINDER_LIMIT,
    DigestItem,
    digest_head,
    digest_line,
    digest_more,
    digest_summary,
    reminder_head,
    reminder_line,
    reminder_more,
    reminder_summary,
)
from bot.usecases.waiting import (
    DIGEST,
    REMINDER,
    digest_items,
    record_reminded,
    reminded_by_digest,
    reminder_items,
)

# Teams refuses a message over about 28 KB: a digest stops adding items with their buttons
# before its card reaches this, and says how many more there are.
CARD_BUDGET = 24 * 1024


def _item(item: DigestItem) -> dict[str, Any]:
    """An item's words and its decision buttons (verb `decide_<outcome>`, the Decision)."""
    buttons = decision_buttons(item.step_id, item.purpose, item.reference)
    return {
        "type": "Container",
        "separator": True,
        "spacing": "Medium",
        "items": [
            *adaptive.rich(digest_line(item)),
            {"type": "ActionSet", "actions": [action(b) for b in buttons], "spacing": "Small"},
        ],
    }


def digest_card(items: list[DigestItem]) -> dict[str, Any]:
    """Oldest first; as many as fit (at most DIGEST_LIMIT) with their buttons, then how many
    more (their buttons are on the original cards)."""
    head = [adaptive.heading(DIGEST_TITLE), *adaptive.rich(digest_head(len(items)))]
    shown: list[dict[str, Any]] = []
    for item in items[:DIGEST_LIMIT]:
        drawn = _item(item)
        if shown and adaptive.size(card(*head, *shown, drawn)) > CARD_BUDGET:
            break
        shown.append(drawn)
    more = digest_more(len(items), len(shown))
    tail = adaptive.rich(more, small=True) if more else []
    return card(*head, *shown, *tail)


@drawer(DIGEST, after=reminded_by_digest)
def draw_digest(session: Session, message: Queued) -> Drawn | None:
    items = digest_items(session, message)
    if not items:
        return None  # all decided or moved since: nothing to say
    return Drawn(digest_summary(items), digest_card(items))


@drawer(REMINDER, after=record_reminded())
def draw_reminder(session: Session, message: Queued) -> Drawn | None:
    items = reminder_items(session, message)
    if not items:
        return None
    lines = [reminder_head(len(items), int(message.payload["limit_days"]))]
    lines += [reminder_line(i) for i in items[:REMINDER_LIMIT]]
    body = [block for line in lines for block in adaptive.rich(line)]
    if more := reminder_more(len(items)):
        body += adaptive.rich(more, small=True)
    return Drawn(reminder_summary(items), card(*body))
