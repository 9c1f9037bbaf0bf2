"""Slack request signing and builders for the payloads Slack sends to the bot.

Shapes follow what Slack actually sends (slash commands as form fields, interactions as a
form field `payload` holding JSON). The *_payload functions return dicts (also what Socket
Mode envelopes carry); the *_form functions return the signed-HTTP body.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from datetime import date
from typing import Any
from urllib.parse import urlencode

from .server import APP_ID, BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID

VERIFICATION_TOKEN = "legacy-verification-token"  # deprecated field Slack still sends
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

_action_counter = itertools.count(1)

OptionLike = str | tuple[str, str] | dict[str, Any]


def sign(secret: str, body: bytes | str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature headers for `body`."""
    ts = int(time.time()) if timestamp is None else timestamp
    raw = body.encode() if isinstance(body, str) else body
    base = f"v0:{ts}:".encode() + raw
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}


def post(
    url: str,
    body: str,
    secret: str,
    *,
    timestamp: int | None = None,
    content_type: str | None = None,
    timeout: float = 10.0,
) -> tuple[int, dict[str, str], str]:
    """Send a signed request (e.g. to the bot's /slack/events); returns (status, headers, body).

    content_type defaults to JSON when the body looks like JSON, else form-encoded.
    """
    if content_type is None:
        content_type = JSON if body.lstrip().startswith("{") else FORM
    data = body.encode()
    headers = {"Content-Type": content_type, **sign(secret, data, timestamp)}
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as err:  # 4xx/5xx are results to assert on, not errors
        return err.code, dict(err.headers), err.read().decode()


def _action_ts() -> str:
    # Unique per call so handlers that de-duplicate on action_ts see distinct clicks.
    return f"{int(time.time())}.{next(_action_counter):06d}"


def _user(user_id: str, user_name: str | None, team_id: str) -> dict[str, str]:
    name = user_name or user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def slash_command_payload(
    command: str,
    text: str,
    user_id: str,
    *,
    trigger_id: str,
    response_url: str,
    team_id: str = TEAM_ID,
    channel_id: str = "C1",
    user_name: str | None = None,
    channel_name: str | None = None,
) -> dict[str, str]:
    """The fields of a slash command invocation (all values are strings, as Slack sends)."""
    if channel_name is None:
        channel_name = "directmessage" if channel_id.startswith("D") else "general"
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def slash_command_form(
    command: str,
    text: str,
    user_id: str,
    *,
    trigger_id: str,
    response_url: str,
    team_id: str = TEAM_ID,
    channel_id: str = "C1",
    user_name: str | None = None,
    channel_name: str | None = None,
) -> str:
    """x-www-form-urlencoded slash command body."""
    return urlencode(
        slash_command_payload(
            command,
            text,
            user_id,
            trigger_id=trigger_id,
            response_url=response_url,
            team_id=team_id,
            channel_id=channel_id,
            user_name=user_name,
            channel_name=channel_name,
        )
    )


def block_actions_payload(
    user_id: str,
    action_id: str,
    value: Any,
    *,
    block_id: str,
    channel_id: str | None = None,
    message_ts: str | None = None,
    message: dict[str, Any] | None = None,
    response_url: str | None = None,
    trigger_id: str,
    container_type: str = "message",
    view: dict[str, Any] | None = None,
    action_type: str = "button",
    state_values: dict[str, Any] | None = None,
    user_name: str | None = None,
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """A block_actions interaction: a click on a message button (default) or, with
    container_type="view" and view=..., an element in a modal/home tab.

    For action_type other than "button", `value` is turned into that element's selection
    via state_value (e.g. static_select -> selected_option).
    """
    action: dict[str, Any] = {"action_id": action_id, "block_id": block_id, "type": action_type}
    if action_type == "button":
        action["value"] = value
        action["text"] = {"type": "plain_text", "text": str(value), "emoji": True}
    else:
        action.update(state_value(action_type, value))
    action["action_ts"] = _action_ts()
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, user_name, team_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if container_type == "view":
        if view is None:
            raise ValueError("container_type='view' needs view=")
        payload["container"] = {"type": "view", "view_id": view.get("id", "V1")}
        payload["view"] = view
    else:
        if channel_id is None or message_ts is None:
            raise ValueError("a message action needs channel_id and message_ts")
        payload["container"] = {
            "type": container_type,
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
        payload["channel"] = {"id": channel_id, "name": "general"}
        msg = {
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "type": "message",
            "text": "",
            "team": team_id,
            "blocks": [],
            **(message or {}),
        }
        msg["ts"] = message_ts
        payload["message"] = msg
        payload["state"] = {"values": state_values or {}}
    if response_url is not None:
        payload["response_url"] = response_url
    payload["actions"] = [action]
    return payload


def block_actions_form(
    user_id: str,
    action_id: str,
    value: Any,
    *,
    block_id: str,
    channel_id: str | None = None,
    message_ts: str | None = None,
    message: dict[str, Any] | None = None,
    response_url: str | None = None,
    trigger_id: str,
    container_type: str = "message",
    **extra: Any,
) -> str:
    """`payload=<json>` body of a block_actions interaction (see block_actions_payload)."""
    payload = block_actions_payload(
        user_id,
        action_id,
        value,
        block_id=block_id,
        channel_id=channel_id,
        message_ts=message_ts,
        message=message,
        response_url=response_url,
        trigger_id=trigger_id,
        container_type=container_type,
        **extra,
    )
    return interaction_form(payload)


def message_action_payload(
    user_id: str,
    callback_id: str,
    *,
    channel_id: str,
    message: dict[str, Any],
    trigger_id: str,
    response_url: str,
    user_name: str | None = None,
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """A message shortcut: someone chose the app's shortcut in a message's "More actions"
    menu. `message` is the message as Slack gives it (at least its `ts` and `text`)."""
    return {
        "type": "message_action",
        "token": VERIFICATION_TOKEN,
        "action_ts": _action_ts(),
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": _user(user_id, user_name, team_id),
        "channel": {"id": channel_id, "name": "general"},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "response_url": response_url,
        "message_ts": message["ts"],
        "message": {"type": "message", "user": "UFORWARDER", "team": team_id, **message},
    }


def message_action_form(user_id: str, callback_id: str, **kwargs: Any) -> str:
    """`payload=<json>` body of a message shortcut (see message_action_payload)."""
    return interaction_form(message_action_payload(user_id, callback_id, **kwargs))


def view_submission_payload(
    user_id: str,
    view: dict[str, Any],
    values: dict[str, Any],
    *,
    view_id: str = "V1",
    trigger_id: str | None = None,
    user_name: str | None = None,
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """A view_submission: `view` is what the bot opened, `values` the form state
    ({block_id: {action_id: state_value(...)}}; see view_state)."""
    submitted = {
        "id": view_id,
        "team_id": team_id,
        "type": view.get("type", "modal"),
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": values},
        "hash": f"{int(time.time())}.fakehash",
        "title": view.get("title"),
        "clear_on_close": view.get("clear_on_close", False),
        "notify_on_close": view.get("notify_on_close", False),
        "close": view.get("close"),
        "submit": view.get("submit"),
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": APP_ID,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": team_id,
        "bot_id": BOT_ID,
    }
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": _user(user_id, user_name, team_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or f"{int(time.time())}.0.unissued",
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_submission_form(
    user_id: str,
    view: dict[str, Any],
    values: dict[str, Any],
    *,
    view_id: str = "V1",
    trigger_id: str | None = None,
) -> str:
    """`payload=<json>` body of a view_submission (see view_submission_payload)."""
    payload = view_submission_payload(user_id, view, values, view_id=view_id, trigger_id=trigger_id)
    return interaction_form(payload)


def event_callback_payload(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """An Events API event_callback wrapping `event` (e.g. app_home_opened)."""
    n = next(_action_counter)
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{n:08d}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def interaction_form(payload: dict[str, Any]) -> str:
    """Interactions arrive form-encoded with the JSON in a single `payload` field."""
    return urlencode({"payload": json.dumps(payload)})


def _option(option: OptionLike) -> dict[str, Any]:
    if isinstance(option, dict):
        return option
    value, label = (option, option) if isinstance(option, str) else option
    return {"text": {"type": "plain_text", "text": label, "emoji": True}, "value": value}


def state_value(element_type: str, value: Any) -> dict[str, Any]:
    """One entry of view.state.values[block_id][action_id] as Slack reports it.

    Options may be given as a value string, a (value, label) tuple or a full option dict.
    Use None for an untouched optional input.
    """
    entry: dict[str, Any] = {"type": element_type}
    if element_type in ("plain_text_input", "email_text_input", "url_text_input"):
        entry["value"] = value
    elif element_type == "number_input":
        entry["value"] = None if value is None else str(value)  # Slack sends numbers as text
    elif element_type in ("static_select", "external_select", "radio_buttons"):
        entry["selected_option"] = None if value is None else _option(value)
    elif element_type in ("checkboxes", "multi_static_select", "multi_external_select"):
        entry["selected_options"] = [_option(v) for v in value or []]
    elif element_type == "datepicker":
        entry["selected_date"] = value.isoformat() if isinstance(value, date) else value
    elif element_type == "timepicker":
        entry["selected_time"] = value
    elif element_type == "users_select":
        entry["selected_user"] = value
    elif element_type == "multi_users_select":
        entry["selected_users"] = list(value or [])
    elif element_type == "conversations_select":
        entry["selected_conversation"] = value
    elif element_type == "channels_select":
        entry["selected_channel"] = value
    else:
        raise ValueError(f"state_value does not know element type {element_type!r}")
    return entry


def view_state(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """Build state.values for `view` from {action_id: value}, looking up each input's
    block_id, element type and option labels from the view itself.

    Inputs not in `answers` are reported as untouched (None), like Slack does.
    """
    values: dict[str, Any] = {}
    seen = set()
    for block in view.get("blocks", []):
        element = block.get("element") if block.get("type") == "input" else None
        if not element:
            continue
        action_id, etype = element["action_id"], element["type"]
        seen.add(action_id)
        answer = answers.get(action_id)
        if etype in ("static_select", "radio_buttons", "checkboxes", "multi_static_select"):
            answer = _with_labels(element, answer)
        if not block.get("block_id"):
            raise ValueError(f"input {action_id!r} has no block_id; the bot cannot read it back")
        values.setdefault(block["block_id"], {})[action_id] = state_value(etype, answer)
    unknown = set(answers) - seen
    if unknown:
        raise KeyError(f"no input block with action_id(s) {sorted(unknown)} in the view")
    return values


def _with_labels(element: dict[str, Any], answer: Any) -> Any:
    """Swap bare option values for the view's own option objects (text and all)."""
    groups = element.get("option_groups") or []
    options = [*element.get("options", []), *(o for g in groups for o in g.get("options", []))]
    by_value = {o["value"]: o for o in options}

    def lookup(v: OptionLike) -> OptionLike:
        if isinstance(v, str):
            if v not in by_value:
                raise KeyError(f"{element['action_id']}: no option with value {v!r}")
            return by_value[v]
        return v

    if answer is None:
        return None
    if element["type"] in ("checkboxes", "multi_static_select"):
        return [lookup(v) for v in answer]
    return lookup(answer)
