"""/gift: declare an offer of a gift or hospitality (the Register of Hospitality and Gifts)."""

from __future__ import annotations

from slack_bolt import App

from handlers.gifts.ids import CALLBACK_ID, MESSAGE_SHORTCUT_ID
from handlers.gifts.listeners import open_gift_modal, submit_gift
from handlers.gifts.shortcut import declare_this_offer


def register(app: App) -> None:
    app.command("/gift")(open_gift_modal)
    app.view(CALLBACK_ID)(submit_gift)
    app.shortcut(MESSAGE_SHORTCUT_ID)(declare_this_offer)
