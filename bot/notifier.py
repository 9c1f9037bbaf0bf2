"""Every message Nolan sends leaves through here: one place for retries, limits and tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.rules.calendar import held_until, zone_named


@dataclass(frozen=True)
class Message:
    """A message's plain `text` is its notification and screen-reader fallback."""

    text: str
    blocks: Sequence[Block] = field(default_factory=tuple)

    def as_kwargs(self) -> dict[str, object]:
        kwargs: dict[str, object] = {"text": self.text}
        if self.blocks:
            kwargs["blocks"] = [b.to_dict() for b in self.blocks]
        return kwargs


@dataclass(frozen=True)
class Posted:
    """Where a message went: chat.update needs the DM's conversation id and the ts."""

    channel: str
    ts: str


def describe_failure(exc: BaseException) -> str:
    """A failed send in one line, for an operator: the platform's error code (Slack's), or
    the first line. Here, beside the platform's client, so the ledger and the sweep that
    report failures need not know the platform."""
    if isinstance(exc, SlackApiError):
        return f"Slack answered {exc.response.get('error') or exc.response.status_code}"
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class Notifier:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def dm(self, user_id: str, message: Message) -> Posted:
        """Post to a person's DM with the bot (chat:write opens it; no im:write needed)."""
        response = self.client.chat_postMessage(
            channel=user_id, unfurl_links=False, **message.as_kwargs()
        )
        return Posted(channel=response["channel"], ts=response["ts"])

    def update(self, posted: Posted, message: Message) -> None:
        self.client.chat_update(channel=posted.channel, ts=posted.ts, **message.as_kwargs())

    def post(self, channel_id: str, message: Message) -> Posted:
        """Post in a channel (the bot must be a member: invite Nolan to it)."""
        response = self.client.chat_postMessage(
            channel=channel_id, unfurl_links=False, **message.as_kwargs()
        )
        return Posted(channel=response["channel"], ts=response["ts"])

    def upload(
        self,
        channel_id: str,
        *,
        content: bytes,
        filename: str,
        title: str,
        alt_text: str | None = None,
    ) -> None:
        """Share a file in a conversation (files:write). `channel_id` is a conversation id,
        e.g. the DM's from a Posted; files cannot be sent to a user id."""
        self.client.files_upload_v2(
            channel=channel_id, content=content, filename=filename, title=title, alt_txt=alt_text
        )

    def publish_home(self, user_id: str, view: View) -> None:
        """Replace what a person sees on Nolan's Home tab (views.publish)."""
        self.client.views_publish(user_id=user_id, view=view.to_dict())

    def dm_in_hours(
        self, user_id: str, message: Message, *, tz: str | None, now: datetime
    ) -> Posted | None:
        """A scheduled reminder for one person arrives in their working day, by their own
        time zone: now if it is between 08:00 and 19:00 there, else scheduled for 09:00.
        Returns where it went, or None when Slack holds it to post later."""
        post_at = next_working_hour(now, tz)
        if post_at is None:
            return self.dm(user_id, message)
        channel = self.client.conversations_open(users=user_id)["channel"]["id"]
        self.client.chat_scheduleMessage(
            channel=channel, post_at=int(post_at.timestamp()), **message.as_kwargs()
        )
        return None


ARRIVE_AT = time(9, 0)  # Slack's scheduled reminders arrive at nine, not as the day opens


def next_working_hour(now: datetime, tz: str | None) -> datetime | None:
    """None if `now` is within working hours in `tz` (or tz is unknown), else the next 09:00
    there."""
    zone = zone_named(tz)
    return None if zone is None else held_until(now, zone, arrive=ARRIVE_AT)
