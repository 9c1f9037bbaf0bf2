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
from collections import OrderedDict
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
# Tokens verified, kept until they expire: the Bot Framework sends one token, valid for an hour,
# on every activity for a while, and parsing and verifying it again was a tenth of a Teams
# press's CPU in the request (issue 10). Bounded: a flood of distinct tokens pushes out the
# oldest, never grows the process.
VERIFIED_TOKENS = 1024


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
    """Checks the Bot Framework's token on a request to POST /api/messages. A token that passed
    is kept (VERIFIED_TOKENS, by its whole text: another signature is another token) and is
    accepted again without verifying while `clock` (seconds since the epoch) is within its
    validity, the leeway included, as PyJWT checks it; past that it is verified afresh, and
    refused. A token already verified stays accepted until it expires (the Bot Framework's
    last an hour) should Microsoft withdraw its key meanwhile; tokens not yet seen are refused
    once the keys are read again (daily, KEYS_FOR), as before."""

    def __init__(self, app_id: str, keys: KeySet, clock: Callable[[], float] = time.time) -> None:
        self.app_id, self.keys, self.clock = app_id, keys, clock
        self._verified: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def admit(self, environ: dict[str, Any]) -> dict[str, Any]:
        """The request's token claims (bot.teams.edge.Gate): its Authorization header's."""
        return self.claims(environ.get("HTTP_AUTHORIZATION"))

    def check_service_url(self, claims: dict[str, Any], service_url: Any) -> None:
        check_service_url(claims, service_url)

    def claims(self, authorization: str | None) -> dict[str, Any]:
        """The token's claims, once its signature, issuer, audience and validity are right.
        The service URL is checked against the activity by `check_service_url`."""
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("no Bearer token")
        with self._lock:
            kept = self._verified.get(token)
            if kept is not None:
                self._verified.move_to_end(token)
        if kept is not None:
            if _valid_at(kept, self.clock()):
                return dict(kept)
            with self._lock:
                self._verified.pop(token, None)
        claims = self._verify(token)
        if not _valid_at(claims, self.clock()):  # PyJWT's clock and ours disagree: ours wins
            raise Unauthorized("token refused: it has expired or is not yet valid")
        with self._lock:
            self._verified[token] = claims
            while len(self._verified) > VERIFIED_TOKENS:
                self._verified.popitem(last=False)
        return dict(claims)

    def _verify(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"unreadable token: {exc}") from exc
        if header.get("alg") != "RS256":
            raise Unauthorized(f"algorithm {header.get('alg')!r} is not RS256")
        found = self.keys.key(str(header.get("kid")))
        if found.endorsements is not None and TEAMS_CHANNEL not in found.endorsements:
            raise Unauthorized("the signing key is not endorsed for Teams")
        try:
            return jwt.decode(
                token,
                found.key,
                algorithms=["RS256"],
                audience=[self.app_id, f"api://{self.app_id}"],
                issuer=BOT_FRAMEWORK_ISSUER,
                leeway=LEEWAY,
                options={"require": ["exp", "nbf", "iss", "aud", "serviceurl"]},
            )
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"token refused: {exc}") from exc


def _valid_at(claims: dict[str, Any], now: float) -> bool:
    """Within `exp` and `nbf` at `now`, with LEEWAY either side, as PyJWT has it."""
    return float(claims["nbf"]) - LEEWAY <= now < float(claims["exp"]) + LEEWAY


def check_service_url(claims: dict[str, Any], service_url: Any) -> None:
    """The token was issued for the Bot Connector the activity names (trailing '/' aside); an
    activity naming none is refused, or a token for any service would pass."""
    if not isinstance(service_url, str) or not service_url:
        raise Unauthorized("the activity has no serviceUrl")
    claimed = claims.get("serviceurl")
    if not isinstance(claimed, str) or claimed.rstrip("/") != service_url.rstrip("/"):
        raise Unauthorized("the token's serviceurl is not the activity's serviceUrl")
