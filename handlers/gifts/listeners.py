"""/gift: open the form, read it, and declare the gift (bot.usecases.gifts)."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.models.views import View

from bot.rules import gifts as rules
from bot.usecases.declare import office_day
from bot.usecases.gifts import RECEIPT, declare_gift, limits_of
from handlers import manager_picker
from handlers.approvals import owed
from handlers.context import Env, Turn
from handlers.gifts.cards import declarant_receipt
from handlers.gifts.form import read_gift_form
from handlers.gifts.views import gift_modal
from handlers.metadata import BadMetadata, MessageSource, decode
from storage.models import Staff

log = logging.getLogger(__name__)


def gift_form_for(
    env: Env,
    *,
    me: Staff | None,
    text: str | None = None,
    source: MessageSource | None = None,
) -> View | None:
    """The /gift form for `me` (None: not in the org chart); /gift, the message shortcut and
    the App Home's button open it."""
    if me is None:
        return None
    return gift_modal(
        description=(text or "").strip(),
        ask_for_manager=manager_picker.asks_for_manager(env.db, me),
        token_threshold_pence=env.settings.policy.token_gift_threshold_pence,
        source=source,
    )


def submit_gift(turn: Turn) -> None:
    form, chosen_slack_id = read_gift_form(turn.view["state"]["values"])
    now = turn.now()
    offer = rules.validate(form, limits_of(turn.settings), office_day(turn.settings, now))
    manager_picker.declare(
        turn,
        declare_gift,
        chosen_slack_id=chosen_slack_id,
        now=now,
        offer=offer,
        source=_source(turn.view),
    )


def _source(view: dict[str, Any]) -> str | None:
    """The link to the message declared from, if any (metadata we wrote; anything else is
    ignored rather than lose the declaration over it)."""
    raw = view.get("private_metadata")
    if not raw:
        return None
    try:
        return decode(MessageSource, raw).link
    except BadMetadata:
        log.warning("Ignoring unreadable gift form metadata: %r", raw[:200])
        return None


owed.receipt_card(RECEIPT, declarant_receipt)
