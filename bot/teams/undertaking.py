"""`conduct undertaking` on Teams: the person's own code of conduct undertaking — when they
accepted it, or the undertaking with its button to accept it now (an `Action.Execute`; the
press answers with the receipt in place of the card)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.outbox import Queued
from bot.rules.annual import UNDERTAKING_VERSION
from bot.teams.cards import adaptive_card, pressed
from bot.teams.conduct import subcommand, tell
from bot.teams.drawers import Drawn, drawer
from bot.teams.home_flow import office_policy
from bot.teams.invoke_responses import action_error, card_replaced
from bot.teams.router import ADAPTIVE_CARD_ACTION, Router, Turn
from bot.ui.payload import BadPayload, decode
from bot.ui.text import long_day
from bot.ui.undertaking import (
    ACCEPT,
    UndertakingVersion,
    accepted_card,
    undertaking_card,
)
from bot.usecases.answers import accept_undertaking, my_undertaking
from storage import confirmations, staff

WORD = "undertaking"
CARD = "undertaking_teams"  # the undertaking asked for in the chat
USAGE = (
    "Type *conduct undertaking* for your own code of conduct undertaking. Sending it to "
    "everyone (send-all) is not on Teams yet: an admin can do it from the daily sweep."
)


def register(router: Router) -> None:
    subcommand(WORD, conduct_undertaking, "your code of conduct undertaking: when you "
               "accepted it, or accept it now")
    router.invoke(ADAPTIVE_CARD_ACTION, accept, key=ACCEPT)


def conduct_undertaking(turn: Turn) -> None:
    if turn.args:
        tell(turn, USAGE)
        return
    mine = my_undertaking(turn.db, actor=turn.actor)
    counts = ""
    if mine.counts is not None:
        n, of = mine.counts
        counts = f"\n{n} of {of} active members of staff have accepted it."
    if mine.accepted_at is not None:
        on = long_day(mine.accepted_at.astimezone(turn.settings.policy.tz).date())
        tell(turn, f"You accepted the code of conduct undertaking on {on}." + counts)
        return
    if counts:
        tell(turn, counts.strip())
    with turn.db.session() as session:
        turn.tell(session, CARD)
        session.commit()


def accept(turn: Turn) -> dict[str, Any]:
    """The button pressed: the acceptance recorded once, with its time; the receipt in place
    of the card (a second press shows the first acceptance)."""
    press = pressed(turn.value)
    try:
        version = decode(UndertakingVersion, press.payload if press else None).version
    except BadPayload:
        return action_error("That button didn't come from one of Nolan's cards.")
    if version != UNDERTAKING_VERSION:
        return action_error("That undertaking has been replaced: type conduct undertaking.")
    assert turn.actor is not None  # strangers: bot.teams.edge
    accepted = accept_undertaking(turn.db, actor=turn.actor, version=version, now=turn.clock())
    receipt = accepted_card(
        name=turn.actor.display_name,
        policy=turn.settings.policy,
        link=accepted.link,
        at=accepted.at,
    )
    return card_replaced(adaptive_card(receipt))


@drawer(CARD)
def draw_undertaking(session: Session, message: Queued) -> Drawn | None:
    said = message.recipient.removeprefix("staff:")
    me = staff.by_id(session, staff_id=int(said)) if said.isdigit() else None
    if me is None or me.id is None:
        return None
    link = confirmations.code_of_conduct_link(session)
    card = undertaking_card(
        name=me.display_name,
        policy=office_policy(),
        link=link,
        intro="Here is the code of conduct undertaking. Please read it, then press the button.",
    )
    return Drawn(card.summary, adaptive_card(card))
