"""The Teams end of the outbox (bot.outbox.Sender): each queued message drawn by its Teams
drawer and sent to the person's 1:1 chat through the Bot Connector, or their earlier card
replaced in place.

A person's chat is where their last activity came from (staff.teams_conversation_id and
teams_service_url, kept by bot.teams.edge); if Nolan has never heard from them, it opens the
chat itself (POST /v3/conversations with their Entra object id, at TEAMS_SERVICE_URL) and
keeps where it is. Teams answers 403 to someone who has not got Nolan installed: the message
is parked until they install it (bot.teams.edge re-queues it).

A message for a channel ("channel:19:…@thread.tacv2": a policy's channel, the governance
digest's) is posted as a new conversation in it, at the channel's own service URL (kept by
bot.teams.channels when Nolan is installed in its team or the channel is configured for
posts; TEAMS_SERVICE_URL for a channel unheard of), and kept for updates like a person's;
Teams answers 403 there too until Nolan is installed in the channel's team.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from bot.outbox import MOOT, SENDERS, Moot, Queued, SendFailed
from bot.pacing import Pace
from bot.sending import send_in_parts
from bot.teams.connector import Connector
from bot.teams.drawers import DRAWERS, Drawn, Where
from storage import staff, teams_channels
from storage.db import Database

CHANNEL = "channel:"  # a recipient named by its channel's conversation id

# Teams' limits for a bot sending and updating messages, per conversation ("thread"): 7 in a
# second, 8 in 2 seconds, 60 in 30 seconds, 1,800 in an hour; and 50 a second per app per
# tenant (Microsoft Learn, "Rate limiting for agents", 8 October 2026; it was 30 before). A 429
# past it pauses every conversation for its Retry-After (bot.outbox).
TEAMS_PACE = Pace(
    per_conversation=((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800)),
    overall=((1.0, 50),),
)


@dataclass(frozen=True)
class Chat:
    """Where a recipient's messages go: a known conversation, or one to open."""

    service_url: str
    conversation_id: str | None
    object_id: str | None  # the person's Entra object id, to open the chat
    staff_id: int | None


class TeamsSender:
    """bot.outbox.Sender for Teams."""

    # Teams has no scheduled messages: a reminder due outside working hours is held by the
    # outbox's worker until the morning (main's bot.outbox reads this; ignored before it).
    holds_outside_working_hours = True
    pace = TEAMS_PACE
    senders = SENDERS  # conversations sent to at once (bot.outbox)

    def __init__(self, db: Database, connector: Connector, *, service_url: str) -> None:
        self.db, self.connector, self.service_url = db, connector, service_url

    def send(self, message: Queued) -> Where | Moot | None:
        name = str(message.payload.get("card"))
        found = DRAWERS.get(name)
        if found is None:
            raise SendFailed(f"no Teams drawer called {name!r}", permanent=True)
        with self.db.session(hold=True) as session:  # the recipient, if the draw loaded them
            drawn = found.draw(session, message)
            if drawn is None:
                return MOOT
            where = drawn.update.channel if drawn.update else message.recipient
            chat = self._chat(session, where, message)
        if drawn.update is not None:
            try:
                if chat.conversation_id is None:
                    raise SendFailed("the chat of the message to update is unknown", permanent=True)
                self.connector.update(
                    chat.service_url, chat.conversation_id, drawn.update.ts, drawn.activity()
                )
                return drawn.update
            except SendFailed as failed:
                # 404 (deleted) is permanent, 403 parked: neither mends the old message.
                if not drawn.repost or not (failed.permanent or failed.parked):
                    raise
            with self.db.session() as session:
                chat = self._chat(session, message.recipient, message)
        service_url, conversation_id = chat.service_url, chat.conversation_id or self._open(chat)

        def post(part: Drawn) -> tuple[str, str]:
            sent = self.connector.send(service_url, conversation_id, part.activity())
            return message.recipient, sent

        # A list in parts: a retry after a part failed sends only the parts that did not go.
        first = send_in_parts(message, (drawn, *drawn.more), post)
        if first is None or (chat.staff_id is None and not message.recipient.startswith(CHANNEL)):
            return None  # someone outside the org chart: nothing to update later
        return Where(*first)

    def record(self, session: Session, message: Queued, sent: Any) -> None:
        found = DRAWERS.get(str(message.payload.get("card")))
        if found is not None and found.after is not None:
            found.after(session, message, sent)

    def _chat(self, session: Session, recipient: str, message: Queued) -> Chat:
        if recipient.startswith(CHANNEL):
            channel_id = recipient.removeprefix(CHANNEL)
            if not channel_id:
                raise SendFailed("no Teams channel to post in", permanent=True)
            known = teams_channels.service_url(session, conversation_id=channel_id)
            return Chat(known or self.service_url, channel_id, None, None)
        if recipient.startswith("staff:"):
            person = staff.by_id(session, staff_id=int(recipient.removeprefix("staff:")))
            if person is None or not person.teams_id:
                raise SendFailed("no Teams account to send to", permanent=True)
            return Chat(
                person.teams_service_url or self.service_url,
                person.teams_conversation_id,
                person.teams_id,
                person.id,
            )
        # Someone Nolan answered from the chat they wrote in (bot.teams.router.Turn.tell).
        service_url = message.payload.get("service_url")
        conversation_id = message.payload.get("conversation_id")
        if not isinstance(service_url, str) or not isinstance(conversation_id, str):
            raise SendFailed(f"no Teams chat for {recipient!r}", permanent=True)
        return Chat(service_url, conversation_id, None, None)

    def _open(self, chat: Chat) -> str:
        """Open the person's 1:1 chat and keep where it is, whatever happens to the message."""
        assert chat.object_id is not None and chat.staff_id is not None
        conversation_id = self.connector.open_chat(chat.service_url, chat.object_id)
        with self.db.session() as session:
            staff.note_teams_chat(
                session,
                staff_id=chat.staff_id,
                conversation_id=conversation_id,
                service_url=chat.service_url,
            )
            session.commit()
        return conversation_id
