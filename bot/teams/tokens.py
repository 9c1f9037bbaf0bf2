"""Nolan's own Microsoft tokens: a plain client-credentials POST to TEAMS_TOKEN_URL, one token
per scope, cached until five minutes before it expires.

Not MSAL (it refuses a loopback token endpoint, so the tests' fake) and not the Teams SDK's
token manager (it asks for a token on every request): see docs/teams-design.md.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol
from urllib.parse import urlsplit

import httpx

BOT_CONNECTOR_SCOPE = "https://api.botframework.com/.default"
PUBLIC_GRAPH_SCOPE = "https://graph.microsoft.com/.default"
# A token is renewed this long before Entra says it expires (clock skew, slow requests).
EARLY = 300.0


class TokenError(Exception):
    """No token: the endpoint could not be reached or refused the app's credentials."""


def graph_scope(graph_url: str) -> str:
    """Graph's scope is its origin's: https://graph.microsoft.com/v1.0 →
    https://graph.microsoft.com/.default (a national cloud's Graph likewise). A Graph on
    loopback stands in for the public cloud's (a local fake, as the token endpoint beside it
    knows no other), so it takes that scope."""
    parts = urlsplit(graph_url)
    if parts.hostname in ("127.0.0.1", "localhost", "::1"):
        return PUBLIC_GRAPH_SCOPE
    return f"{parts.scheme}://{parts.netloc}/.default"


class Tokens(Protocol):
    """Where the Bot Connector's and Graph's tokens come from: TokenSource. An empty token
    means none is sent."""

    def token(self, scope: str) -> str: ...

    def invalidate(self, scope: str, token: str | None = None) -> None: ...


class TokenSource:
    """App-only access tokens for the Bot Connector and Graph (thread-safe)."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        http: httpx.Client,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url, self.client_id, self._secret = token_url, client_id, client_secret
        self.http, self.clock = http, clock
        self._cache: dict[str, tuple[str, float]] = {}  # scope -> token, renew after
        self._lock = threading.Lock()

    def token(self, scope: str) -> str:
        """A token for `scope`, from the cache while it has five minutes left. One request at
        a time: threads wanting the same token wait for the one fetching it."""
        with self._lock:
            cached = self._cache.get(scope)
            if cached is not None and self.clock() < cached[1]:
                return cached[0]
            token, lifetime = self._fetch(scope)
            self._cache[scope] = (token, self.clock() + max(lifetime - EARLY, 0.0))
            return token

    def invalidate(self, scope: str, token: str | None = None) -> None:
        """The service refused the token (401): the next `token(scope)` fetches a new one.
        With `token`, only if that is still the cached one (another thread may have renewed)."""
        with self._lock:
            cached = self._cache.get(scope)
            if cached is not None and (token is None or cached[0] == token):
                del self._cache[scope]

    def _fetch(self, scope: str) -> tuple[str, float]:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._secret,
            "scope": scope,
        }
        try:
            response = self.http.post(self.token_url, data=form)
        except httpx.HTTPError as exc:
            raise TokenError(f"token endpoint not reached ({self.token_url}): {exc}") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {}
        if response.status_code != 200 or not isinstance(body.get("access_token"), str):
            said = body.get("error_description") or body.get("error") or response.reason_phrase
            first_line = str(said).splitlines()[0] if said else ""
            raise TokenError(
                f"token endpoint refused {scope} (HTTP {response.status_code}): {first_line}; "
                "check TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TENANT_ID"
            )
        try:
            lifetime = float(body.get("expires_in", 0))
        except (TypeError, ValueError):
            lifetime = 0.0
        return body["access_token"], lifetime
