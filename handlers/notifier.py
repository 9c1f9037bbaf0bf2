"""Every message Nolan sends to Slack leaves through here: one place for retries, limits and
tests. Slack's end of the outbox (handlers.outgoing) turns its errors into the core's
bot.outbox.SendFailed, worded for an operator ("Slack answered channel_not_found"); where a
message went is the core's bot.outbox.Posted."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from slack_sdk.webhook import WebhookClient

from bot.block_kit import plain
from bot.outbox import Posted
from bot.rules.calendar import next_working_hour


@dataclass(frozen=True)
class Message:
    """A message's plain `text` is its notification and screen-reader fallback. Its blocks
    go as plain JSON, validated by slack_sdk.models in the tests (bot.block_kit)."""

    text: str
    blocks: Sequence[Block] = field(default_factory=tuple)

    def as_kwargs(self) -> dict[str, object]:
        kwargs: dict[str, object] = {"text": self.text}
        if self.blocks:
            kwargs["blocks"] = plain(self.blocks)
        return kwargs


class UploadFailed(Exception):
    """A file's bytes were not taken by the upload URL Slack gave."""


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

    def replace(self, response_url: str, message: Message) -> bool:
        """The message a button was pressed in, replaced through the press's `response_url`
        (replace_original). Slack's method tiers do not count it, where chat.update is a Tier 3
        method (50+ a minute). Over the client's kept-alive connections when it has them
        (bot.slack_client). False if Slack did not take it."""
        payload = {"replace_original": True, **message.as_kwargs()}
        post_json = getattr(self.client, "post_json", None)
        if post_json is not None:
            return bool(post_json(response_url, payload) == 200)
        return WebhookClient(response_url).send_dict(payload).status_code == 200

    def post(self, channel_id: str, message: Message) -> Posted:
        """Post in a channel (the bot must be a member: invite Nolan to it)."""
        response = self.client.chat_postMessage(
            channel=channel_id, unfurl_links=False, **message.as_kwargs()
        )
        return Posted(channel=response["channel"], ts=response["ts"])

    def upload_file(
        self,
        channel_id: str,
        path: Path,
        *,
        filename: str,
        title: str,
        alt_text: str | None = None,
    ) -> None:
        """Share a file from disk in a conversation, streamed (issue 10): Slack's upload URL
        (files.getUploadURLExternal) takes the bytes as they are read from the file, a block
        at a time, never the whole file in memory; then files.completeUploadExternal shares
        it. UploadFailed when the upload URL refuses the bytes."""
        size = path.stat().st_size
        described = {"alt_txt": alt_text} if alt_text else {}  # a chart's, for screen readers
        asked = self.client.files_getUploadURLExternal(filename=filename, length=size, **described)
        with path.open("rb") as fh:
            # A file object as the body: http.client sends it in blocks; the length is given
            # so that it goes as one plain body, as Slack's upload URL takes it.
            request = urllib.request.Request(
                str(asked["upload_url"]),
                data=fh,
                method="POST",
                headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)},
            )
            proxy = self.client.proxy
            handlers: list[urllib.request.BaseHandler] = [
                urllib.request.HTTPSHandler(context=self.client.ssl)
            ]
            if proxy:
                handlers.append(urllib.request.ProxyHandler({"http": proxy, "https": proxy}))
            try:
                with urllib.request.build_opener(*handlers).open(
                    request, timeout=self.client.timeout
                ) as response:
                    response.read()
            except (urllib.error.URLError, OSError) as exc:
                raise UploadFailed(f"the upload was refused ({exc})") from exc
        self.client.files_completeUploadExternal(
            files=[{"id": asked["file_id"], "title": title}], channel_id=channel_id
        )

    def publish_home(self, user_id: str, view: View) -> None:
        """Replace what a person sees on Nolan's Home tab (views.publish)."""
        self.client.views_publish(user_id=user_id, view=plain(view))

    def dm_in_hours(
        self, user_id: str, message: Message, *, tz: str | None, now: datetime
    ) -> Posted | None:
        """A scheduled reminder for one person arrives in their working day, by their own
        time zone: now if it is between 08:00 and 19:00 there, else scheduled for 09:00.
        Returns where it went, or None when Slack holds it to post later. Scheduled to the
        person's id, which Slack takes as their DM with Nolan (as chat.postMessage does), not
        to a DM opened first: conversations.open is a Tier 3 method (50+ a minute), and a
        night's sweep schedules thousands."""
        post_at = next_working_hour(now, tz)
        if post_at is None:
            return self.dm(user_id, message)
        self.client.chat_scheduleMessage(
            channel=user_id, post_at=int(post_at.timestamp()), **message.as_kwargs()
        )
        return None
