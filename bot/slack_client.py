"""The one place a Slack Web API client is made, so every call honours SLACK_API_URL and
retries what Slack asks to be retried; and the one place a failure to use Slack is put into
the single line an operator reads, naming the setting to check."""

from __future__ import annotations

import http.client
import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings

# Slack error codes that mean a token is wrong: retrying cannot help, the setting must change.
_TOKEN_REFUSALS = {
    "invalid_auth": "check {setting}",
    "not_authed": "check {setting}",
    "not_allowed_token_type": "{setting} is the wrong kind of token",
    "token_revoked": "the token in {setting} was revoked; reinstall the app",
    "token_expired": "the token in {setting} has expired",
    "account_inactive": "the token in {setting} belongs to a deactivated app or user",
    "missing_scope": "the app lacks the {needed} scope; reinstall it from manifest.yml",
}

# For the start-up probes: one line of ours per attempt, not slack_sdk's error and retry log.
_QUIET = logging.getLogger("nolan.slack_probe")
_QUIET.propagate = False
_QUIET.addHandler(logging.NullHandler())


def make_client(settings: Settings) -> WebClient:
    """slack_sdk retries nothing on HTTP 429 or 5xx unless handlers are added."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def make_probe_client(settings: Settings) -> WebClient:
    """A client for start-up checks: no retries (the caller retries with back-off) and no
    log of its own."""
    return WebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10, logger=_QUIET
    )


@dataclass(frozen=True)
class SlackFailure(Exception):
    """Slack could not be used. `line` says why in one line, naming the setting to check;
    `refused`: Slack turned a token down, so trying again will not help."""

    line: str
    refused: bool

    def __str__(self) -> str:
        return self.line


def describe_failure(
    exc: Exception, *, method: str, base_url: str, setting: str = "SLACK_BOT_TOKEN"
) -> SlackFailure | None:
    """What a Web API call's exception means for the operator, or None when it is not a
    failure to reach or use Slack (the caller's own error to handle)."""
    if isinstance(exc, SlackApiError):
        data = exc.response.data
        code = data.get("error") if isinstance(data, dict) else None
        hint = _TOKEN_REFUSALS.get(code or "")
        if hint is not None:
            needed = (data.get("needed") if isinstance(data, dict) else None) or "needed"
            return SlackFailure(
                f"Slack refused {method} ({code}): {hint.format(setting=setting, needed=needed)}",
                refused=True,
            )
        reason = code or f"HTTP {exc.response.status_code}"
        return SlackFailure(
            f"Slack refused {method} ({reason}); is SLACK_API_URL ({base_url}) Slack's Web API?",
            refused=False,
        )
    if isinstance(exc, (SlackClientError, OSError, http.client.HTTPException)):
        # OSError covers urllib's URLError and timeouts, after the client's own retries.
        reason = getattr(exc, "reason", None) or exc
        return SlackFailure(
            f"cannot reach Slack at {base_url}: {reason} (check SLACK_API_URL)", refused=False
        )
    return None
