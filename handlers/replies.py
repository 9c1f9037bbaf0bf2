"""Answers to the one person who pressed a button: ephemeral, leaving the message as it is."""

from __future__ import annotations

from slack_bolt import Respond

STALE_BUTTON = "That button is from an older message Nolan can't read."


def tell(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)
