"""/gift: declare an offer of a gift or hospitality (the Register of Hospitality and Gifts)."""

from __future__ import annotations

from slack_bolt import App

from bot.rules.refusal import NOT_IN_ORG_CHART_SHORT
from bot.usecases.kinds import Kind
from handlers.context import known
from handlers.gifts.ids import CALLBACK_ID, MESSAGE_SHORTCUT_ID, Field
from handlers.gifts.kind import KIND
from handlers.gifts.listeners import gift_form_for, submit_gift
from handlers.gifts.shortcut import declare_this_offer
from handlers.replies import form_command

# The kind of declaration this feature adds, for the approval engine (bot.usecases.kinds).
KINDS: dict[str, Kind] = {"gift": KIND}


def register(app: App) -> None:
    app.command("/gift")(form_command(gift_form_for))
    app.view(CALLBACK_ID, middleware=[known(NOT_IN_ORG_CHART_SHORT, field=Field.KIND)])(submit_gift)
    app.shortcut(MESSAGE_SHORTCUT_ID)(declare_this_offer)
