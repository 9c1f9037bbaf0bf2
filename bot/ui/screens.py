"""A screen, described once: a page of standing information with buttons — the Home (Slack: the
App Home tab; Teams: the Home card; plain text).

A `Screen` is a title and sections; a section is a title and parts, drawn in order: notes
(`bot.ui.forms.Note`, marked text; small print when `small`), entries (a text with its risk
flags, a status line and a button beside it), rows of buttons, fields side by side, and a
card's body. Each renderer draws the sections apart (Slack: a divider) and every button with
its typed payload.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.ui.cards import Button, Card, Flag
from bot.ui.forms import Note
from bot.ui.payload import Payload


@dataclass(frozen=True)
class Entry:
    """One thing in a list: what it is (marked text), its risk flags, where it stands (a status
    line of plain words, ending "on <at>" when it has a time, shown in each reader's own time
    zone) and a button beside it."""

    text: str
    flags: tuple[Flag, ...] = ()
    status: str = ""
    at: datetime | None = None
    button: Button | None = None
    id: str = ""  # names the entry (Slack: its block id)


@dataclass(frozen=True)
class Buttons:
    """A row of buttons."""

    buttons: tuple[Button, ...]
    id: str = ""  # names the row (Slack: the actions block's id)


@dataclass(frozen=True)
class Fields:
    """Short texts side by side (marked text), e.g. counts by kind."""

    texts: tuple[str, ...]


@dataclass(frozen=True)
class CardBody:
    """What a card says (its facts, longer texts, risk flags, warnings and related history)
    inside a screen: a declaration's record shows it as its approval card does."""

    card: Card
    max_sections: int = 20


Part = Note | Entry | Buttons | Fields | CardBody


@dataclass(frozen=True)
class Section:
    title: str = ""  # plain text; none for the opening section
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Screen:
    title: str  # plain text
    sections: tuple[Section, ...]
    payload: Payload | None = None  # the state it was drawn in (the Home: which pages)

    def buttons(self) -> list[Button]:
        """Every button on the screen, in order."""
        found: list[Button] = []
        for section in self.sections:
            for part in section.parts:
                if isinstance(part, Entry) and part.button:
                    found.append(part.button)
                elif isinstance(part, Buttons):
                    found += part.buttons
        return found
