"""The one place a Slack Web API client is made, so every call honours SLACK_API_URL and
retries what Slack asks to be retried, over connections kept alive; and the one place a failure
to use Slack is put into the single line an operator reads, naming the setting to check."""

from __future__ import annotations

import http.client
import io
import json
import logging
import ssl
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import Request

import urllib3
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError, SlackRequestError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.block_kit import plain
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

# Connections kept to Slack's host: one per thread that calls at once (the HTTP threads, the
# worker's lanes); more are opened when needed and closed after use.
_POOLED = 16


@cache
def _tls() -> ssl.SSLContext:
    """What urllib verifies Slack's certificate with when slack_sdk is given no context, made
    once: building one reads the whole CA bundle."""
    return ssl.create_default_context()


class KeptAliveClient(WebClient):
    """slack_sdk's WebClient, each call sent over a pool of kept-alive connections (urllib3)
    instead of urllib's new connection, with its TLS handshake, per call: the outbox's worker
    sends one message after another to the same host. slack_sdk still builds each request,
    retries and reads each answer; only the transport is replaced, and it answers as urllib
    does (HTTPError for an error status, URLError when Slack was not reached), so the retry
    handlers and callers see the same. urllib3 rather than httpx: half the CPU a call (0.38
    against 0.75 ms for a Home's 20 KB, issue 10), and Slack's end then imports no httpx."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        pooled: dict[str, Any] = {
            "ssl_context": self.ssl or _tls(),
            "timeout": urllib3.Timeout(total=self.timeout),
            "retries": False,  # slack_sdk's handlers retry, knowing what is safe to
            "maxsize": _POOLED,
        }
        self._http: urllib3.PoolManager = (
            urllib3.ProxyManager(self.proxy, **pooled) if self.proxy
            else urllib3.PoolManager(**pooled)
        )

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        if not url.lower().startswith("http"):
            raise SlackRequestError(f"Invalid URL detected: {url}")
        try:
            answer = self._http.request(
                "POST", url, body=req.data, headers=dict(req.header_items()), redirect=False
            )
        except urllib3.exceptions.HTTPError as exc:  # the retry handlers' "connection" errors
            raise URLError(exc) from exc
        headers = http.client.HTTPMessage()
        for name, value in answer.headers.iteritems():
            headers[name] = value
        if not 200 <= answer.status < 300:  # as urllib, which follows no redirect here
            raise HTTPError(url, answer.status, answer.reason or "", headers,
                            io.BytesIO(answer.data))
        body: str | bytes = answer.data
        if headers.get_content_type() != "application/gzip":  # as slack_sdk: a file stays bytes
            body = answer.data.decode(headers.get_content_charset() or "utf-8")
        return {"status": answer.status, "headers": headers, "body": body}

    def post_json(self, url: str, payload: dict[str, Any]) -> int:
        """POST `payload` as JSON to `url` (a press's response_url, Slack's to answer it) over
        the same kept-alive pool: its host's connections are kept too, so a receipt costs no
        TLS handshake, as WebhookClient's new connection each time would. The HTTP status;
        urllib3's errors as URLError, as for the Web API."""
        try:
            answer = self._http.request(
                "POST", url, body=json.dumps(payload).encode(), redirect=False,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
        except urllib3.exceptions.HTTPError as exc:
            raise URLError(exc) from exc
        return int(answer.status)

    # A view goes as plain JSON (bot.block_kit), not through slack_sdk's validating to_dict
    # on every form opened: most of a /gift command's CPU after its ack (issue 10).
    def views_open(self, *, view: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().views_open(view=plain(view), **kwargs)

    def views_update(self, *, view: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().views_update(view=plain(view), **kwargs)

    def views_push(self, *, view: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().views_push(view=plain(view), **kwargs)


def make_client(settings: Settings) -> WebClient:
    """slack_sdk retries nothing on HTTP 429 or 5xx unless handlers are added."""
    return KeptAliveClient(
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
