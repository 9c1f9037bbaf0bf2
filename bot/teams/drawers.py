"""How each kind of queued message is drawn for Teams: an Adaptive Card (1.5) and the plain
text Teams shows in notifications and where cards are not rendered.

The Teams mirror of handlers/outgoing.py's `@card(name)`: the outbox holds descriptors
({"card": "approval", "step_id": 12}); a feature registers, under the same name, how Teams
draws one from the database's state when it is sent (`@drawer(name)`), and the Teams sender
(bot.teams.sender) sends or updates what it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from bot.outbox import Queued
from bot.teams import adaptive
from bot.teams.cards import action
from bot.ui.cards import Button

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"  # what Teams renders; the SDK's models know later elements: keep to 1.5


@dataclass(frozen=True)
class Where:
    """Where Nolan's message went, as the outbox records it: `channel` names the chat (the
    recipient, "staff:12"), `ts` is the Bot Connector's activity id."""

    channel: str
    ts: str


@dataclass(frozen=True)
class Drawn:
    """A message ready to go: `text` alone, or a card with `text` as its fallback; `update`:
    the message it replaces instead of sending a new one; `repost`: if that message is gone
    (deleted, or the chat refuses the update), send it anew (the Home card); `attachment`: one
    that is no Adaptive Card (Teams' file consent and file info cards), sent with `text`;
    `more`: messages that follow it (a long list in parts), sent after it and not updated
    later."""

    text: str
    card: dict[str, Any] | None = None
    update: Where | None = None
    attachment: dict[str, Any] | None = None
    more: tuple[Drawn, ...] = ()
    repost: bool = False

    def activity(self) -> dict[str, Any]:
        """The message activity the Bot Connector takes."""
        if self.attachment is not None:
            return {"type": "message", "text": self.text, "attachments": [self.attachment]}
        if self.card is None:
            return {"type": "message", "text": self.text}
        content = {"fallbackText": self.text, **self.card}
        return {
            "type": "message",
            "summary": self.text[:200],
            "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": content}],
        }


Draw = Callable[[Session, Queued], Drawn | None]  # None: nothing to say any more
After = Callable[[Session, Queued, Where | None], None]


@dataclass(frozen=True)
class Drawer:
    draw: Draw
    after: After | None = None  # recorded with "sent", in the same transaction


DRAWERS: dict[str, Drawer] = {}


def drawer(name: str, *, after: After | None = None) -> Callable[[Draw], Draw]:
    """Register how the messages queued as {"card": name, …} are drawn for Teams."""

    def register(draw: Draw) -> Draw:
        DRAWERS[name] = Drawer(draw, after)
        return draw

    return register


def card(*body: dict[str, Any], actions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An Adaptive Card 1.5 holding `body` (and `actions`)."""
    content: dict[str, Any] = {"type": "AdaptiveCard", "version": CARD_VERSION, "body": list(body)}
    if actions:
        content["actions"] = actions
    return content


def prompt(text: str, button: Button) -> Drawn:
    """A message whose one button opens a dialog: its marked `text` and the button."""
    return Drawn(text, card(*adaptive.rich(text), actions=[action(button, dialog=True)]))


def text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}
