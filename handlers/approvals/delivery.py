"""Posting approval cards (bot.usecases.kinds.card_for) directly where a flow does not yet go
through the outbox (bot.usecases.owed): steps moving between people (escalation, reassignment,
delegation) and the sweep's re-sending of a card that never arrived."""

from __future__ import annotations

import logging

from bot.notifier import Message, Notifier, Posted
from bot.rules.status import StepStatus
from bot.usecases.kinds import card_for, full_card_for
from handlers.approvals.messages import approval_message, moved_message
from storage import audit, declarations
from storage.db import Database

__all__ = ["card_for", "deliver", "moved_away", "tell"]  # card_for: bot.usecases.kinds

log = logging.getLogger(__name__)


def deliver(db: Database, notifier: Notifier, step_ids: list[int]) -> None:
    """DM each step's approver its card, and keep where it went for chat.update."""
    for step_id in step_ids:
        with db.session() as session:
            step = declarations.get_step(session, step_id=step_id)
            if step is None or step.status != StepStatus.PENDING:
                continue
            record = declarations.load_record(session, declaration_id=step.declaration_id)
            assert record is not None
            approver = record.people.get(step.approver_id)
            if approver is None or not approver.slack_user_id:
                log.warning("Step %s: approver has no Slack account", step_id)
                continue
            posted = notifier.dm(
                approver.slack_user_id, approval_message(full_card_for(session, record, step))
            )
            step.dm_channel, step.dm_ts = posted.channel, posted.ts
            session.add(step)
            audit.record(
                session,
                action="notified",
                declaration_id=step.declaration_id,
                step_id=step_id,
                told=["approver"],
            )
            session.commit()


def moved_away(
    db: Database,
    notifier: Notifier,
    *,
    step_id: int,
    channel: str | None,
    ts: str | None,
    why: str,
) -> None:
    """The old approver's DM loses its buttons and says where the step went."""
    if not (channel and ts):
        return
    with db.session() as session:
        step = declarations.get_step(session, step_id=step_id)
        assert step is not None
        record = declarations.load_record(session, declaration_id=step.declaration_id)
        assert record is not None
        to_name = record.name_of(step.approver_id) or "someone else"
    notifier.update(Posted(channel, ts), moved_message(card_for(record, step), to_name, why))


def tell(notifier: Notifier, slack_user_id: str | None, message: Message) -> None:
    if slack_user_id:
        notifier.dm(slack_user_id, message)
