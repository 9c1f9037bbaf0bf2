"""`conduct …` typed in the 1:1 chat on Teams: the same sub-commands as Slack's `/conduct`.

`conduct` alone is the Home card (bot.teams.home_flow); `conduct help` lists the
sub-commands; a feature adds its own with `subcommand(word, handler, about)` (its handler
gets the Turn, `turn.args` holding the words after the sub-command). Answers go through the
outbox, drawn at send time from the database (Teams cannot open a form from typed text: a
sub-command that needs one answers with a card whose button opens it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from bot.outbox import Queued
from bot.teams import adaptive
from bot.teams.drawers import Drawn, card, drawer, text_block
from bot.teams.home import screen_card
from bot.teams.home_flow import office_policy, send_home
from bot.teams.router import Router, Turn
from bot.ui.forms import Note
from bot.ui.home import own_entry
from bot.ui.screens import Buttons, Part, Screen, Section
from bot.ui.withdraw import withdraw_button
from bot.usecases.home import own_declarations

COMMAND = "conduct"
HELP = "conduct_help"
MINE = "conduct_mine"
SAID = "conduct_said"  # a sub-command's answer in words, worked out when typed
MINE_LIMIT = 20  # as many as Slack's `/conduct mine` lists


@dataclass(frozen=True)
class Subcommand:
    handler: Callable[[Turn], None]
    about: str  # one line for `conduct help`


SUBCOMMANDS: dict[str, Subcommand] = {}


def subcommand(word: str, handler: Callable[[Turn], None], about: str) -> None:
    """Add `conduct <word>` (features call this from their `register(router)`)."""
    SUBCOMMANDS[word.lower()] = Subcommand(handler, about)


def register(router: Router) -> None:
    router.command(COMMAND, conduct)
    subcommand("help", tell_help, "this list")
    subcommand("mine", tell_mine, "your declarations and where each one has got to")


def conduct(turn: Turn) -> None:
    word, _, rest = turn.args.partition(" ")
    if not word:
        send_home(turn)
        return
    found = SUBCOMMANDS.get(word.lower())
    if found is None:
        tell_help(turn, unknown=word)
        return
    turn.args = rest.strip()
    found.handler(turn)


def tell_help(turn: Turn, unknown: str = "") -> None:
    turn.tell_now(HELP, unknown=unknown[:40])


def tell(turn: Turn, said: str) -> None:
    """Answer the person in words (marked text), in their chat."""
    turn.tell_now(SAID, text=said)


def tell_mine(turn: Turn) -> None:
    turn.tell_now(MINE)


@drawer(HELP)
def draw_help(_session: Session, message: Queued) -> Drawn:
    unknown = str(message.payload.get("unknown") or "")
    lead = f"Nolan doesn't know “conduct {unknown}”. " if unknown else ""
    lines = "\n".join(f"- **conduct {word}**: {sub.about}" for word, sub in SUBCOMMANDS.items())
    text = f"{lead}Type conduct and one of: " + ", ".join(SUBCOMMANDS)
    return Drawn(
        text,
        card(
            text_block("conduct: your code of conduct in Teams", weight="Bolder", size="Medium"),
            text_block(
                f"{lead}Type **conduct** alone for your Home card, or with one of these:"
            ),
            text_block(lines),
        ),
    )


def said(marked: str) -> Drawn:
    """Words (marked text) as a message: a card, and the plain text beside it."""
    return Drawn(adaptive.markdown(marked), card(*adaptive.rich(marked)))


@drawer(SAID)
def draw_said(_session: Session, message: Queued) -> Drawn:
    return said(str(message.payload.get("text") or ""))


def _staff_id(message: Queued) -> int | None:
    said = message.recipient.removeprefix("staff:")
    return int(said) if said.isdigit() else None


@drawer(MINE)
def draw_mine(session: Session, message: Queued) -> Drawn | None:
    """The person's latest declarations, each with where it stands, drawn when sent."""
    staff_id = _staff_id(message)
    if staff_id is None:
        return None
    page = own_declarations(session, staff_id, 0, office_policy(), MINE_LIMIT)
    if not page.items:
        text = (
            "You have no declarations yet. Type gift to declare an offer of a gift or "
            "hospitality, interest to declare an interest, or outside-work to ask "
            "permission for other work."
        )
        return Drawn(text, card(text_block(text)))
    parts: list[Part] = []
    for item in page.items:
        parts.append(own_entry(item))
        if item.withdrawable:  # as Slack's `/conduct mine` offers it
            parts.append(Buttons((withdraw_button(item.declaration_id, item.reference),)))
    if page.total > MINE_LIMIT:
        parts.append(Note(f"Showing your latest {MINE_LIMIT} of {page.total}.", small=True))
    screen = Screen("Your declarations", (Section("", tuple(parts)),))
    return Drawn(f"Your declarations ({page.total})", screen_card(screen))
