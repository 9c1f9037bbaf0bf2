"""Who may post activities to Nolan: the Bot Framework, proven by its JWT on every request.

Done here with PyJWT rather than by the Teams SDK, which accepts tokens without `exp`, skips
the service URL check when an activity has none, never reads the OpenID metadata and has an
off switch in the environment (docs/teams-design.md). Accepted only: RS256 signed by a key of
the JWKS named by TEAMS_OPENID_METADATA_URL's `jwks_uri`, endorsed for Teams where the key
lists endorsements; issuer https://api.botframework.com; audience the app id (or api://it);
exp and nbf present and within 5 minutes' leeway; a `serviceurl` claim equal to the
activity's serviceUrl. There is no switch to turn this off.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

log = logging.getLogger(__name__)

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
LEEWAY = 300  # seconds of clock skew allowed, and no more
KEYS_FOR = 24 * 3600.0  # the metadata and keys are read again after a day
# An unknown `kid` refetches the keys (Microsoft rolls them), at most this often: a flood of
# forged kids must not become a flood of requests to Microsoft.
REFETCH_AFTER = 60.0
TEAMS_CHANNEL = "msteams"


class Unauthorized(Exception):
    """The request is not from the Bot Framework for this bot: answer 401."""


@dataclass(frozen=True)
class _Key:
    key: Any  # the public key PyJWT verifies with
    endorsements: tuple[str, ...] | None


class KeySet:
    """The Bot Framework's signing keys, read from the JWKS the OpenID metadata names, cached."""

    def __init__(
        self, metadata_url: str, http: httpx.Client, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.metadata_url, self.http, self.clock = metadata_url, http, clock
        self._keys: dict[str, _Key] = {}
        self._read_at: float | None = None
        self._lock = threading.Lock()

    def key(self, kid: str) -> _Key:
        with self._lock:
            now = self.clock()
            stale = self._read_at is None or now - self._read_at > KEYS_FOR
            may_refetch = self._read_at is None or now - self._read_at > REFETCH_AFTER
            if stale or (kid not in self._keys and may_refetch):
                self._read(now)
            found = self._keys.get(kid)
        if found is None:
            raise Unauthorized(f"no key {kid!r} in the Bot Framework's JWKS")
        return found

    def _read(self, now: float) -> None:
        try:
            metadata = self._get(self.metadata_url)
            jwks_uri = metadata.get("jwks_uri")
            if not isinstance(jwks_uri, str):
                raise ValueError("the OpenID metadata names no jwks_uri")
            keys = self._get(jwks_uri).get("keys")
            if not isinstance(keys, list):
                raise ValueError("the JWKS holds no keys")
        except (httpx.HTTPError, ValueError) as exc:
            # Keep what we had: Microsoft out of reach must not lock everyone out at once.
            log.warning("Bot Framework keys not read from %s: %s", self.metadata_url, exc)
            if not self._keys:
                raise Unauthorized(f"Bot Framework keys not available: {exc}") from exc
            return
        read: dict[str, _Key] = {}
        for jwk in keys:
            try:
                parsed = jwt.PyJWK(jwk, algorithm="RS256")
            except (jwt.PyJWKError, jwt.InvalidKeyError, TypeError):
                continue  # a key of another kind: not one Nolan accepts
            endorsements = jwk.get("endorsements")
            read[str(jwk.get("kid"))] = _Key(
                parsed.key, tuple(endorsements) if isinstance(endorsements, list) else None
            )
        self._keys, self._read_at = read, now

    def _get(self, url: str) -> dict[str, Any]:
        response = self.http.get(url)
        response.raise_for_status()
        body = response.json()
        if not isinstance(body, dict):
            raise ValueError(f"{url} did not answer a JSON object")
        return body


class Verifier:
    """Checks the Bot Framework's token on a request to POST /api/messages."""

    def __init__(self, app_id: str, keys: KeySet) -> None:
        self.app_id, self.keys = app_id, keys

    def admit(self, environ: dict[str, Any]) -> dict[str, Any]:
        """The request's token claims (bot.teams.edge.Gate): its Authorization header's."""
        return self.claims(environ.get("HTTP_AUTHORIZATION"))

    def check_service_url(self, claims: dict[str, Any], service_url: Any) -> None:
        check_service_url(claims, service_url)

    def claims(self, authorization: str | None) -> dict[str, Any]:
        """The token's claims, once its signature, issuer, audience and validity are right.
        The service URL is checked against the activity by `check_service_url`."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("no Bearer token")
        try:
            header = jwt.get_unverified_header(token.strip())
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"unreadable token: {exc}") from exc
        if header.get("alg") != "RS256":
            raise Unauthorized(f"algorithm {header.get('alg')!r} is not RS256")
        found = self.keys.key(str(header.get("kid")))
        if found.endorsements is not None and TEAMS_CHANNEL not in found.endorsements:
            raise Unauthorized("the signing key is not endorsed for Teams")
        try:
            return jwt.decode(
                token.strip(),
                found.key,
                algorithms=["RS256"],
                audience=[self.app_id, f"api://{self.app_id}"],
                issuer=BOT_FRAMEWORK_ISSUER,
                leeway=LEEWAY,
                options={"require": ["exp", "nbf", "iss", "aud", "serviceurl"]},
            )
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"token refused: {exc}") from exc


def check_service_url(claims: dict[str, Any], service_url: Any) -> None:
    """The token was issued for the Bot Connector the activity names (trailing '/' aside); an
    activity naming none is refused, or a token for any service would pass."""
    if not isinstance(service_url, str) or not service_url:
        raise Unauthorized("the activity has no serviceUrl")
    claimed = claims.get("serviceurl")
    if not isinstance(claimed, str) or claimed.rstrip("/") != service_url.rstrip("/"):
        raise Unauthorized("the token's serviceurl is not the activity's serviceUrl")
