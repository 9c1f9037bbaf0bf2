"""The message shortcut "Declare this offer": on a message (an email forwarded into Slack,
say), the /gift form opens with the message's text as the description, and a link back to
the message goes into the declaration's audit trail (not the public register)."""

from __future__ import annotations

from urllib.parse import urlencode

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.rules.refusal import NOT_IN_ORG_CHART, Refused
from handlers.context import ACTOR, Env
from handlers.gifts.listeners import gift_form_for
from handlers.metadata import MessageSource
from handlers.payloads import MessageShortcut


def message_link(shortcut: MessageShortcut) -> str:
    """The message's permalink, built from the workspace, channel and timestamp as Slack
    builds it (no API call, so no extra scope)."""
    channel = shortcut.channel.id or ""
    ts = shortcut.message.ts
    domain = shortcut.team.domain if shortcut.team else None
    if not domain:
        return "https://slack.com/app_redirect?" + urlencode({"channel": channel})
    link = f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
    thread = shortcut.message.thread_ts
    if thread and thread != ts:  # a reply: open it in its thread
        link += "?" + urlencode({"thread_ts": thread, "cid": channel})
    return link


def declare_this_offer(
    ack: Ack, parsed: MessageShortcut, client: WebClient, env: Env, context: BoltContext
) -> None:
    """`parsed` is the shortcut as the edge read it (handlers.payloads)."""
    view = gift_form_for(
        env,
        me=context.get(ACTOR),
        text=parsed.message.text,  # the form cuts it to the description's limit
        source=MessageSource(link=message_link(parsed)),
    )
    if view is None:
        raise Refused(NOT_IN_ORG_CHART)
    ack()
    client.views_open(trigger_id=parsed.trigger_id, view=view)
