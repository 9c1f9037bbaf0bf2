"""`conduct undertaking` on Teams: the person's own code of conduct undertaking — when they
accepted it, or the undertaking with its button to accept it now (an `Action.Execute`; the
press answers with the receipt in place of the card); `conduct undertaking send-all` (admins)
sends it to everyone who has not accepted it; and the undertaking the daily sweep owes new
starters, and everyone after a send-all (bot.jobs.undertaking), with its weekly reminders."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.outbox import Queued
from bot.rules.annual import UNDERTAKING_VERSION
from bot.rules.refusal import Refused
from bot.teams.cards import adaptive_card, pressed
from bot.teams.conduct import subcommand, tell
from bot.teams.drawers import Drawn, drawer
from bot.teams.home_flow import office_policy
from bot.teams.invoke_responses import action_error, card_replaced
from bot.teams.router import ADAPTIVE_CARD_ACTION, Router, Turn
from bot.ui.payload import BadPayload, decode
from bot.ui.text import long_date, long_day
from bot.ui.undertaking import (
    ACCEPT,
    UndertakingVersion,
    Why,
    accepted_card,
    intro,
    undertaking_card,
)
from bot.usecases.answers import accept_undertaking, my_undertaking
from bot.usecases.yearly import (
    UNDERTAKING,
    send_to_everyone,
    send_undertaking_to,
    undertaking_as_sent,
)

WORD = "undertaking"
SEND_ALL = "send-all"
USAGE = (
    "Type *conduct undertaking* for your own code of conduct undertaking, or *conduct "
    "undertaking send-all* (admins) to send it to everyone who has not accepted it."
)


def register(router: Router) -> None:
    subcommand(
        WORD,
        conduct_undertaking,
        "your code of conduct undertaking: when you accepted it, or accept it now",
    )
    router.invoke(ADAPTIVE_CARD_ACTION, accept, key=ACCEPT)


def conduct_undertaking(turn: Turn) -> None:
    if turn.args.lower() == SEND_ALL:
        send_all(turn)
        return
    if turn.args:
        tell(turn, USAGE)
        return
    mine = my_undertaking(turn.db, actor=turn.actor)
    counts = ""
    if mine.counts is not None:
        n, of = mine.counts
        counts = (
            f"\n{n} of {of} active members of staff have accepted it. *conduct undertaking "
            "send-all* (admins) sends it to everyone who has not."
        )
    if mine.accepted_at is not None:
        on = long_day(mine.accepted_at.astimezone(turn.settings.policy.tz).date())
        tell(turn, f"You accepted the code of conduct undertaking on {on}." + counts)
        return
    if counts:
        tell(turn, counts.strip())
    assert turn.actor is not None  # my_undertaking refused anyone else
    send_undertaking_to(turn.db, actor=turn.actor)


def send_all(turn: Turn) -> None:
    """An admin sends the undertaking to every active member of staff who has not accepted it
    (when the office adopts Nolan): the request is recorded (the sweep reads it), then each
    is owed it through the outbox, in their working hours; anyone else is refused."""
    now = turn.clock()
    today = now.astimezone(turn.settings.policy.tz).date()
    try:
        n = send_to_everyone(turn.db, actor=turn.actor, now=now, policy=turn.settings.policy)
    except Refused as refused:
        tell(turn, refused.text)
        return
    if not n:
        tell(
            turn,
            "Nobody is waiting for the undertaking: everyone Nolan can reach has "
            "accepted it or was sent it today.",
        )
        return
    tell(
        turn,
        f"Queued the code of conduct undertaking for {n} {'person' if n == 1 else 'people'} "
        "who have not accepted it. Nolan sends each in its recipient's working hours; any "
        f"that fail go with the next daily sweep. You asked on {long_date(today)}; *conduct "
        "undertaking* shows how many have accepted.",
    )


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


@drawer(UNDERTAKING)
def draw_owed(session: Session, message: Queued) -> Drawn | None:
    """The undertaking the sweep (or a send-all) owes; nothing once accepted."""
    found = undertaking_as_sent(session, message)
    if found is None:
        return None
    return _drawn(found.person.display_name, found.link, found.why, found.reminder)


def _drawn(name: str, link: str | None, why: Why, reminder: int) -> Drawn:
    policy = office_policy()
    said = intro(name=name, policy=policy, why=why, reminder=reminder, platform="Teams")
    card = undertaking_card(name=name, policy=policy, link=link, intro=said)
    return Drawn(card.summary, adaptive_card(card))
