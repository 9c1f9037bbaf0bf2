"""Nolan installed in a team: the messages parked for Teams channels (a policy's reminders,
the governance digest: Teams answered 403 while Nolan was not in the channel's team) go
again. The install names one channel of the team, not every one, so each parked channel is
tried once more; one still without Nolan is parked again by its next 403."""

from __future__ import annotations

from bot.outbox import unpark
from bot.teams.edge import installed
from bot.teams.router import Router, Turn
from bot.teams.sender import CHANNEL
from storage import outbox


def register(router: Router) -> None:
    router.on("conversationUpdate", on_team_install)
    router.on("installationUpdate", on_team_install)


def on_team_install(turn: Turn) -> None:
    conversation = turn.raw.get("conversation") or {}
    if not installed(turn.raw) or conversation.get("conversationType") != "channel":
        return
    with turn.db.session() as session:
        for recipient in outbox.parked(session):
            if recipient.startswith(CHANNEL):
                unpark(session, recipient)
        session.commit()
