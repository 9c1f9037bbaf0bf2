"""`tell`, a direct message still sent by flows not yet going through the outbox; and the
approval card's drawing (`card_for`, now bot.usecases.kinds), kept importable here."""

from __future__ import annotations

from bot.usecases.kinds import card_for
from handlers.notifier import Message, Notifier

__all__ = ["card_for", "tell"]


def tell(notifier: Notifier, slack_user_id: str | None, message: Message) -> None:
    if slack_user_id:
        notifier.dm(slack_user_id, message)
