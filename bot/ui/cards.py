"""A message or card, described once: what it says and what can be pressed.

A card is drawn for one moment of what it is about: while a decision is waiting it carries
`actions`; once decided it carries `decided` (who, when, why) and no actions. Renderers
(Slack's in handlers/slack_ui.py, `bot.ui.plain`) draw the parts in the order they are here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.ui.payload import Payload


class Style(StrEnum):
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Confirm:
    """A question asked before the press counts."""

    title: str
    text: str
    confirm: str
    deny: str = "Back"


@dataclass(frozen=True)
class Button:
    id: str  # what the press reports, and what the listener for it matches
    label: str
    payload: Payload | None = None
    style: Style | None = None
    confirm: Confirm | None = None


@dataclass(frozen=True)
class Flag:
    """A risk flag: a pattern across declarations worth the approver's attention."""

    label: str
    explanation: str


@dataclass(frozen=True)
class Decided:
    outcome: str  # marked text, e.g. "*Approved*"
    by: str | None = None
    at: datetime | None = None
    why: str | None = None


@dataclass(frozen=True)
class Card:
    title: str
    summary: str  # one line: the notification, and the fallback text of a rich message
    intro: str = ""  # marked text
    note: str = ""  # marked text, in small print under the intro
    facts: tuple[tuple[str, str], ...] = ()  # short label and value pairs
    sections: tuple[tuple[str, str], ...] = ()  # longer labelled texts; empty ones are left out
    flags: tuple[Flag, ...] = ()
    warnings: tuple[str, ...] = ()  # marked text
    history: tuple[str, ...] = ()
    actions: tuple[Button, ...] = ()
    actions_id: str = ""  # names the group of actions (Slack: the actions block's id)
    decided: Decided | None = None
    footnotes: tuple[str, ...] = ()  # small print at the end (marked text)
