"""Drawing approval cards (the outbox's drawers use it: handlers.approvals.owed and .moves),
and `tell`, a direct message still sent by flows not yet going through the outbox."""

from __future__ import annotations

import dataclasses

from bot.notifier import Message, Notifier
from bot.rules.risk import RiskFlag
from handlers.approvals.kinds import kind_of
from handlers.approvals.messages import ApprovalCard
from handlers.text import escape
from storage.declarations import Record
from storage.models import ApprovalStep


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


def tell(notifier: Notifier, slack_user_id: str | None, message: Message) -> None:
    if slack_user_id:
        notifier.dm(slack_user_id, message)
