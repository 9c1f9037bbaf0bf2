"""Which chat platform a deployment serves, and where Microsoft's services are by default.

One deployment serves one platform: Teams when TEAMS_APP_ID is set, Slack when
SLACK_BOT_TOKEN is; values copied unchanged from .env.example count as not set.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from bot.rules.policies import CHANNEL_EXAMPLE, valid_channel

SLACK_SECRETS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
TEAMS_SECRETS = ("TEAMS_APP_ID", "TEAMS_APP_PASSWORD", "TEAMS_TENANT_ID")

# Microsoft's public cloud; a government cloud (and the tests) set others.
DEFAULT_TEAMS_OPENID_METADATA_URL = (
    "https://login.botframework.com/v1/.well-known/openidconfiguration"
)
DEFAULT_TEAMS_GRAPH_URL = "https://graph.microsoft.com/v1.0"
DEFAULT_TEAMS_SERVICE_URL = "https://smba.trafficmanager.net/teams/"
ENTRA_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"

# Values copied unchanged from .env.example must not pass for real secrets.
_PLACEHOLDER_MARKERS = ("replace-me", "your-", "changeme", "xoxb-...", "xapp-...")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")

Platform = Literal["slack", "teams"]


def is_placeholder(value: str) -> bool:
    lowered = value.lower()
    return any(marker in lowered for marker in _PLACEHOLDER_MARKERS)


def service_url(raw: str) -> str:
    """Microsoft's services are reached over TLS; plain HTTP only on loopback (tests, fakes)."""
    parts = urlsplit(raw)
    loopback = parts.scheme == "http" and parts.hostname in _LOOPBACK
    if not parts.hostname or not (parts.scheme == "https" or loopback):
        raise ValueError(f"{raw!r} is not an https:// URL (http:// only on 127.0.0.1)")
    return raw


def slack_api_url(url: str) -> str:
    """slack_sdk joins method names onto the base URL, so it must end with a slash."""
    url = url.strip()
    return url if url.endswith("/") else url + "/"


def choose(app_id: str, bot_token: str, *, needed: bool) -> Platform:
    """Teams when TEAMS_APP_ID is set, Slack when SLACK_BOT_TOKEN is (placeholders count as
    not set). ValueError, in one line, for both, and for neither when the command needs a
    platform. A placeholder alone picks its platform, so that the error names it."""
    teams = bool(app_id) and not is_placeholder(app_id)
    slack = bool(bot_token) and not is_placeholder(bot_token)
    if teams and slack:
        raise ValueError(
            "both TEAMS_APP_ID and SLACK_BOT_TOKEN are set: one deployment serves one platform, "
            "unset one of them"
        )
    if teams or slack:
        return "teams" if teams else "slack"
    if needed and not app_id and not bot_token:
        raise ValueError(
            f"missing required setting {', '.join(SLACK_SECRETS)} for Slack, or "
            f"{', '.join(TEAMS_SECRETS)} for Teams (see .env.example)"
        )
    return "teams" if app_id and not bot_token else "slack"


def secrets_problem(secrets: dict[str, str]) -> str | None:
    """What is wrong with the secrets a command needs (by variable name), in one line."""
    missing = [name for name, value in secrets.items() if not value]
    if missing:
        return f"missing required setting {', '.join(missing)} (see .env.example)"
    fake = [name for name, value in secrets.items() if is_placeholder(value)]
    if fake:
        return f"{', '.join(fake)} still holds the placeholder from .env.example"
    return None


def channel_problem(channel: str, platform: Platform) -> str | None:
    """GOVERNANCE_CHANNEL must be a channel id of the deployment's platform."""
    if channel and not valid_channel(channel, platform):
        return (
            f"GOVERNANCE_CHANNEL must be a {platform.capitalize()} channel id such as "
            f"{CHANNEL_EXAMPLE[platform]}, got {channel!r}"
        )
    return None
