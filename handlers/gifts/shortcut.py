"""The message shortcut "Declare this offer": on a message (an email forwarded into Slack,
say), the /gift form opens with the message's text as the description, and a link back to
the message goes into the declaration's audit trail (not the public register)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.settings import Settings
from handlers.gifts.listeners import NOT_IN_ORG_CHART, gift_form_for
from handlers.metadata import MessageSource
from storage.db import Database


def message_link(shortcut: dict[str, Any]) -> str:
    """The message's permalink, built from the workspace, channel and timestamp as Slack
    builds it (no API call, so no extra scope)."""
    channel = shortcut.get("channel", {}).get("id", "")
    message = shortcut.get("message", {})
    ts = str(message.get("ts") or shortcut.get("message_ts", ""))
    domain = (shortcut.get("team") or {}).get("domain")
    if not domain:
        return "https://slack.com/app_redirect?" + urlencode({"channel": channel})
    link = f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
    thread = message.get("thread_ts")
    if thread and thread != ts:  # a reply: open it in its thread
        link += "?" + urlencode({"thread_ts": thread, "cid": channel})
    return link


def declare_this_offer(
    ack: Ack,
    shortcut: dict[str, Any],
    client: WebClient,
    respond: Respond,
    db: Database,
    settings: Settings,
) -> None:
    ack()
    text = str((shortcut.get("message") or {}).get("text") or "")
    view = gift_form_for(
        db,
        settings,
        slack_user_id=shortcut["user"]["id"],
        text=text,  # the form cuts it to the description's limit
        source=MessageSource(link=message_link(shortcut)),
    )
    if view is None:
        respond(text=NOT_IN_ORG_CHART, response_type="ephemeral")
        return
    client.views_open(trigger_id=shortcut["trigger_id"], view=view)
