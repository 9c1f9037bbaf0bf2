"""Where each Teams channel's Bot Connector is (the serviceUrl its team's activities carry),
for the outbox's Teams sender to post there rather than at TEAMS_SERVICE_URL."""

from __future__ import annotations

from sqlmodel import Session

from storage.models import TeamsChannel
from storage.types import utcnow


def note(
    session: Session,
    *,
    conversation_id: str,
    service_url: str,
    team_id: str | None = None,
    installed: bool = True,
) -> None:
    """Keep the channel's service URL. One heard from the channel's own team (`installed`)
    replaces any; one only guessed (from the activity that configured the channel for posts)
    is kept only while nothing better is known."""
    if not conversation_id or not service_url:
        return
    found = session.get(TeamsChannel, conversation_id)
    if found is None:
        found = TeamsChannel(conversation_id=conversation_id, service_url=service_url)
    elif found.installed and not installed:
        return
    found.service_url, found.installed, found.noted_at = service_url, installed, utcnow()
    found.team_id = team_id or found.team_id
    session.add(found)


def service_url(session: Session, *, conversation_id: str) -> str | None:
    """The channel's service URL, if Nolan has heard where it is."""
    found = session.get(TeamsChannel, conversation_id)
    return found.service_url if found is not None else None
