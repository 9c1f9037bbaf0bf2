"""The office's people in Slack, for the org chart import (bot.staff_import): a person's Slack
user id and time zone from their email."""

from __future__ import annotations

import http.client

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.staff_import import DEACTIVATED, ImportAborted

# Slack error codes that mean the bot's set-up is wrong, with what to do about it.
SETUP_HINTS = {
    "invalid_auth": "check SLACK_BOT_TOKEN",
    "not_authed": "check SLACK_BOT_TOKEN",
    "token_revoked": "the bot token was revoked; reinstall the app",
    "account_inactive": "the bot token belongs to a deactivated app or user",
    "missing_scope": "the app needs the users:read.email scope",
}


def look_up(client: WebClient, email: str, time_zones: dict[str, str] | None = None) -> str | None:
    """bot.staff_import.LookUp for Slack: users.lookupByEmail (users:read.email)."""
    try:
        response = client.users_lookupByEmail(email=email)
    except SlackApiError as exc:
        code = exc.response.get("error") if isinstance(exc.response.data, dict) else None
        if code == "users_not_found":
            return None
        hint = SETUP_HINTS.get(code or "")
        reason = code or f"HTTP {exc.response.status_code}"
        raise ImportAborted(
            f"Slack refused users.lookupByEmail ({reason})" + (f": {hint}" if hint else "")
        ) from None
    except (SlackClientError, OSError, http.client.HTTPException) as exc:
        # OSError covers urllib's URLError and timeouts, after the client's own retries.
        reason = getattr(exc, "reason", None) or exc
        raise ImportAborted(f"cannot reach Slack at {client.base_url}: {reason}") from None
    user = response.get("user") or {}
    if user.get("deleted"):
        return DEACTIVATED  # approvals routed there would never be seen
    slack_id = user.get("id")
    if not slack_id:
        raise ImportAborted("Slack answered users.lookupByEmail without a user id")
    if time_zones is not None and isinstance(user.get("tz"), str) and user["tz"]:
        time_zones[email] = user["tz"][:64]  # an IANA name, e.g. "Europe/London"
    return str(slack_id)
