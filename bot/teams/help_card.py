"""`help` in the 1:1 chat, and the answer to someone not in the org chart: the first Teams
messages, drawn as cards, and the proof that the Teams transport works end to end."""

from __future__ import annotations

from sqlmodel import Session

from bot.outbox import Queued
from bot.teams.drawers import Drawn, card, drawer, text_block
from bot.teams.edge import NOT_IN_ORG_CHART
from bot.teams.router import Router, Turn

HELP = "help"
# What can be typed in the chat with Nolan (the manifest's command list says the same).
COMMANDS = (
    ("gift", "declare a gift or hospitality offered to you"),
    ("interest", "declare an interest"),
    ("outside-work", "ask to take on outside work"),
    ("conduct", "your declarations and more: conduct help lists it all"),
    ("home", "your Home card: what is waiting for you"),
    ("help", "this list"),
)


def register(router: Router) -> None:
    router.command(HELP, tell_help)
    router.otherwise(tell_help)


def tell_help(turn: Turn) -> None:
    turn.tell_now(HELP, unknown=turn.command if turn.command != HELP else "")


@drawer(HELP)
def draw_help(_session: Session, message: Queued) -> Drawn:
    unknown = str(message.payload.get("unknown") or "")
    lead = f"Nolan doesn't know “{unknown[:40]}”. " if unknown else ""
    lines = "\n".join(f"- **{word}**: {what}" for word, what in COMMANDS)
    text = f"{lead}Type one of these, with or without a '/': " + ", ".join(w for w, _ in COMMANDS)
    return Drawn(
        text,
        card(
            text_block("Nolan: your code of conduct in Teams", weight="Bolder", size="Medium"),
            text_block(f"{lead}Type one of these in this chat, with or without a '/':"),
            text_block(lines),
        ),
    )


@drawer(NOT_IN_ORG_CHART)
def draw_not_in_org_chart(_session: Session, _message: Queued) -> Drawn:
    text = (
        "You're not in Nolan's org chart yet, so there is nothing Nolan can do for you. "
        "Ask your monitoring officer to add you."
    )
    return Drawn(text, card(text_block(text)))
