"""Withdraw on Teams: the member of staff's Withdraw button (bot.ui.withdraw, an
Action.Execute asked first) beside a declaration still waiting. The use case
(bot.usecases.withdraw) closes the waiting steps, redraws each approver's card without its
buttons and tells them (bot.teams.approval_drawers); the person who pressed is told what
happened, in place of the card's answer."""

from __future__ import annotations

from typing import Any

from bot.rules.refusal import STALE_BUTTON, Refused
from bot.teams.cards import pressed
from bot.teams.invoke_responses import action_message
from bot.teams.router import ADAPTIVE_CARD_ACTION, Router, Turn
from bot.ui.payload import BadPayload, DeclarationRef, decode
from bot.ui.text import plain
from bot.ui.withdraw import WITHDRAW
from bot.usecases import withdraw as withdrawing


def register(router: Router) -> None:
    router.invoke(ADAPTIVE_CARD_ACTION, withdraw, key=WITHDRAW)


def withdraw(turn: Turn) -> dict[str, Any]:
    press = pressed(turn.value)
    try:
        ref = decode(DeclarationRef, press.payload if press else None)
    except BadPayload:
        return action_message(STALE_BUTTON)
    if turn.actor is None or turn.actor.id is None:
        return action_message(withdrawing.UNKNOWN)
    try:
        done = withdrawing.withdraw(
            turn.db, actor_id=turn.actor.id, declaration_id=ref.declaration_id
        )
    except Refused as refused:
        return action_message(plain(refused.text))
    return action_message(plain(done.text))
