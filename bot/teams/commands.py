"""The commands typed in the 1:1 chat that open a form: `gift`, `interest`, `outside-work` and
`conduct notify`, with or without a '/', any case, with optional text (`gift a hamper from
Acme` pre-fills the description, as `/gift a hamper from Acme` does on Slack).

Teams can't open a dialog from typed text, so Nolan answers with a small card whose button
opens it; the button's id is the Home's declare button's (bot.ui.home_model.Action), so both
open the same dialog (bot.teams.dialogs) in one press.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from bot.outbox import Queued
from bot.teams import adaptive, conduct
from bot.teams.cards import action
from bot.teams.dialogs import Prefill
from bot.teams.drawers import Drawn, drawer
from bot.teams.router import Router, Turn
from bot.ui.cards import Button, Style
from bot.ui.home_model import Action
from bot.ui.text import clip

OPENER = "dialog_opener"  # the card answering a command (payload: button, text)
PREFILL_MAX = 2000  # what a button's data carries of the typed text; the forms cut it to fit


@dataclass(frozen=True)
class Opener:
    command: str
    button: str  # the id of the button that opens the form
    label: str
    intro: str


OPENERS = (
    Opener(
        "gift",
        Action.DECLARE_GIFT,
        "Declare a gift…",
        "Declare every offer of a gift or hospitality, whether or not you accepted it.",
    ),
    Opener(
        "interest",
        Action.DECLARE_INTEREST,
        "Declare an interest…",
        "Declare any interest that could conflict, or be seen to conflict, with your work.",
    ),
    Opener(
        "outside-work",
        Action.ASK_OUTSIDE_WORK,
        "Ask permission…",
        "Ask permission before you take up any other business, appointment, employment or "
        "voluntary work.",
    ),
    Opener(
        "conduct notify",
        Action.NOTIFY,
        "Send a confidential notice…",
        "Tell the office in confidence about a criminal charge, legal proceedings, or anything "
        "that could affect your vetting.",
    ),
)
BY_BUTTON = {o.button: o for o in OPENERS}


def register(router: Router) -> None:
    for opener in OPENERS:
        _conduct, _, word = opener.command.partition(" ")
        if word:  # a `conduct` sub-command, listed by `conduct help` with the others
            conduct.subcommand(word, _answer(opener), opener.intro)
        else:
            router.command(opener.command, _answer(opener))


def _answer(opener: Opener) -> Callable[[Turn], None]:
    def answer(turn: Turn) -> None:
        turn.tell_now(OPENER, button=opener.button, text=clip(turn.args, PREFILL_MAX))

    return answer


def opener_card(opener: Opener, text: str = "") -> dict[str, object]:
    """The card with the button that opens the form, carrying what was typed."""
    button = Button(
        opener.button,
        opener.label,
        payload=Prefill(text=text) if text else None,
        style=Style.PRIMARY,
    )
    return adaptive.card(
        [{"type": "TextBlock", "text": adaptive.md_escape(opener.intro), "wrap": True}],
        fallback=opener.intro,
        actions=[action(button, dialog=True)],
    )


@drawer(OPENER)
def draw_opener(_session: Session, message: Queued) -> Drawn | None:
    opener = BY_BUTTON.get(str(message.payload.get("button")))
    if opener is None:
        return None
    return Drawn(opener.intro, opener_card(opener, str(message.payload.get("text") or "")))
