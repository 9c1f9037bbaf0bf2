"""Nolan installed in a team: where the team's Bot Connector is (the activity's serviceUrl,
which differs by region and tenant) is kept for its channels, and the messages parked for
Teams channels (a policy's reminders, the governance digest: Teams answered 403 while Nolan
was not in the channel's team) go again. The install names one channel of the team, not
every one, so each parked channel is tried once more; one still without Nolan is parked
again by its next 403. A channel configured for posts (a policy's) keeps the serviceUrl of
the activity that configured it until its team's install says better."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.outbox import unpark
from bot.teams.edge import installed
from bot.teams.router import Router, Turn
from bot.teams.sender import CHANNEL
from storage import outbox, teams_channels


def register(router: Router) -> None:
    router.on("conversationUpdate", on_team_install)
    router.on("installationUpdate", on_team_install)


def on_team_install(turn: Turn) -> None:
    conversation = turn.raw.get("conversation") or {}
    if not installed(turn.raw) or conversation.get("conversationType") != "channel":
        return
    with turn.db.session() as session:
        _note_team(session, turn.raw)
        for recipient in outbox.parked(session):
            if recipient.startswith(CHANNEL):
                unpark(session, recipient)
        session.commit()


def note_configured(session: Session, turn: Turn, channel_id: str | None) -> None:
    """A channel chosen for posts: its service URL is presumed to be that of the activity
    choosing it (the same tenant), unless its team's install has given its own."""
    service_url = turn.raw.get("serviceUrl")
    if channel_id and isinstance(service_url, str):
        teams_channels.note(
            session, conversation_id=channel_id, service_url=service_url, installed=False
        )


def _note_team(session: Session, raw: dict[str, Any]) -> None:
    """The team's channels the install names (the conversation, the channel and the team,
    whose id is its General channel's) are at the activity's serviceUrl."""
    service_url = raw.get("serviceUrl")
    data = raw.get("channelData") or {}
    team_id = _id(data.get("team"))
    named = {_id(raw.get("conversation")), _id(data.get("channel")), team_id}
    for channel_id in sorted(c for c in named if c):
        teams_channels.note(
            session, conversation_id=channel_id, service_url=str(service_url), team_id=team_id
        )


def _id(part: Any) -> str | None:
    """A conversation's or channel's id, without a thread's ";messageid=…"."""
    found = part.get("id") if isinstance(part, dict) else None
    if not isinstance(found, str):
        return None
    return found.split(";", 1)[0] or None
