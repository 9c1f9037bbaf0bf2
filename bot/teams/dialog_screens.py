"""A screen (bot.ui.screens) shown in a Teams dialog: the registers' search results and a
declaration's record, as Slack shows them in modals.

A dialog's card takes no universal actions: each button is an `Action.Submit` naming itself as
what is submitted (`adaptive.FORM_KEY` = the button's id, so the router takes the press as a
`task/submit` keyed by it), with its payload and the screen's own (`adaptive.STATE_KEY`: which
search, which record — Slack's private_metadata). The invoke's answer is the next screen or
form in the same dialog, or a line that closes it. Pure: a function of the screen.
"""

from __future__ import annotations

from typing import Any

from bot.teams import adaptive
from bot.teams.cards import STYLES
from bot.teams.home import screen_card
from bot.teams.invoke_responses import continue_with
from bot.ui.cards import Button
from bot.ui.payload import Payload
from bot.ui.screens import Screen

SIZE = ("large", "large")


def dialog_button(spec: Button, state: Payload | None) -> dict[str, Any]:
    data: dict[str, Any] = {adaptive.FORM_KEY: spec.id}
    if spec.payload is not None:
        data[adaptive.PAYLOAD_KEY] = spec.payload.encode()
    if state is not None:
        data[adaptive.STATE_KEY] = state.encode()
    drawn: dict[str, Any] = {"type": "Action.Submit", "title": spec.label, "data": data}
    if spec.style:
        drawn["style"] = STYLES[spec.style]
    return drawn


def screen_dialog(screen: Screen, *, title: str | None = None) -> dict[str, Any]:
    """`task/fetch` or `task/submit` answered with the screen in the dialog (under Teams' size
    limit: screen_card cuts its texts shorter where needed)."""
    card = screen_card(screen, draw=lambda b: dialog_button(b, screen.payload))
    return continue_with(card, title=title or screen.title, size=SIZE)
