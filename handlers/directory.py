"""The office's people in Slack, for the org chart import (bot.staff_import): a person's Slack
user id and time zone from their email."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_client import describe_failure
from bot.staff_import import DEACTIVATED, ImportAborted


@dataclass(frozen=True)
class SlackDirectory:
    """bot.staff_import.Directory for Slack: the org chart's emails to Slack user ids."""

    client: WebClient
    platform: str = "Slack"
    id_field: str = "slack_user_id"

    def look_up(self, email: str, time_zones: dict[str, str] | None = None) -> str | None:
        return look_up(self.client, email, time_zones)


def look_up(client: WebClient, email: str, time_zones: dict[str, str] | None = None) -> str | None:
    """A Slack user id by users.lookupByEmail (users:read.email), for SlackDirectory."""
    try:
        response = client.users_lookupByEmail(email=email)
    except Exception as exc:
        data = exc.response.data if isinstance(exc, SlackApiError) else None
        if isinstance(data, dict) and data.get("error") == "users_not_found":
            return None
        failure = describe_failure(exc, method="users.lookupByEmail", base_url=client.base_url)
        if failure is None:
            raise
        raise ImportAborted(failure.line) from None
    user = response.get("user") or {}
    if user.get("deleted"):
        return DEACTIVATED  # approvals routed there would never be seen
    slack_id = user.get("id")
    if not slack_id:
        raise ImportAborted("Slack answered users.lookupByEmail without a user id")
    if time_zones is not None and isinstance(user.get("tz"), str) and user["tz"]:
        time_zones[email] = user["tz"][:64]  # an IANA name, e.g. "Europe/London"
    return str(slack_id)
