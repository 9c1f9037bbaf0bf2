"""Drawing approval cards, and posting them directly where a flow does not yet go through the
outbox (handlers.approvals.owed): steps moving between people (escalation, reassignment,
delegation) and the sweep's re-sending of a card that never arrived."""

from __future__ import annotations

import dataclasses
import logging

from bot.notifier import Message, Notifier, Posted
from bot.rules.risk import RiskFlag
from bot.rules.status import StepStatus
from handlers.approvals.kinds import kind_of
from handlers.approvals.messages import ApprovalCard, approval_message, moved_message
from handlers.text import escape
from storage import audit, declarations
from storage.db import Database
from storage.declarations import Record
from storage.models import ApprovalStep

log = logging.getLogger(__name__)


def card_for(
    record: Record,
    step: ApprovalStep | None,
    history: list[str] | None = None,
    flags: list[RiskFlag] | None = None,
) -> ApprovalCard:
    card = kind_of(record.declaration.kind).card(record, step, history or [])
    if flags:
        card = dataclasses.replace(card, flags=flags)
    if step is not None and step.delegated_from_id:
        owner = record.name_of(step.delegated_from_id) or "a colleague"
        card = dataclasses.replace(
            card, note=f"You are deciding this as deputy for {escape(owner)}."
        )
    return card


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
            kind = kind_of(record.declaration.kind)
            history = kind.history(session, record)
            flags = kind.risks(session, record)
            posted = notifier.dm(
                approver.slack_user_id, approval_message(card_for(record, step, history, flags))
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
