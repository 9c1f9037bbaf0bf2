"""Every message Nolan sends leaves through here: one place for retries, limits and tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block


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
