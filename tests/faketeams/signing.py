"""Bot Framework tokens as the Bot Framework signs them, with the tests' own RSA key, and forgeries.

The Bot Framework sends every activity with `Authorization: Bearer <JWT>`: RS256, a `kid` naming a
key in the JWKS behind the OpenID metadata, issuer https://api.botframework.com, audience the
bot's app id, a `serviceurl` claim equal to the activity's serviceUrl, and nbf/exp.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
# The Bot Framework's tokens live an hour; Nolan may allow at most 5 minutes' clock skew.
TOKEN_LIFETIME = 3600


@dataclass(frozen=True)
class SigningKey:
    """An RSA key with the `kid` the JWKS lists it under."""

    kid: str
    private_key: rsa.RSAPrivateKey

    def public_jwk(self, endorsements: tuple[str, ...] = ("msteams",)) -> dict[str, Any]:
        """The key as the Bot Framework's JWKS lists it (with the channels it endorses)."""
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {**jwk, "kid": self.kid, "use": "sig", "endorsements": list(endorsements)}

    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


_KEYS = threading.Lock()


def rsa_key(seed: str) -> rsa.RSAPrivateKey:
    """One key per name, generated once per test process (≈50 ms each). Under a lock: two
    threads signing their first tokens at once would each make a key, and one of them would
    sign with a key the JWKS no longer serves."""
    with _KEYS:
        return _rsa_key(seed)


@cache
def _rsa_key(seed: str) -> rsa.RSAPrivateKey:
    del seed
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def signing_key() -> SigningKey:
    """The key the fake JWKS serves: tokens it signs are genuine."""
    return SigningKey("nolan-test-key-1", rsa_key("test"))


def rogue_key() -> SigningKey:
    """Another key under the same `kid`: its signatures must not verify."""
    return SigningKey("nolan-test-key-1", rsa_key("rogue"))


class Forgery(StrEnum):
    """Ways a token can be wrong; each must get 401 with nothing stored and nothing sent."""

    WRONG_KEY = "wrong-key"  # signed by a key the JWKS does not hold, under its kid
    UNKNOWN_KID = "unknown-kid"  # a kid the JWKS does not list
    EXPIRED = "expired"  # exp ten minutes ago: beyond the 5 minutes' leeway
    NOT_YET_VALID = "not-yet-valid"  # nbf ten minutes ahead
    NO_EXPIRY = "no-expiry"  # no exp claim at all: must be refused, not taken as endless
    WRONG_AUDIENCE = "wrong-audience"  # another bot's app id
    WRONG_ISSUER = "wrong-issuer"
    WRONG_SERVICE_URL = "wrong-service-url"  # serviceurl claim differs from activity.serviceUrl
    NO_SERVICE_URL = "no-service-url"
    UNSIGNED = "unsigned"  # alg "none"
    HMAC_WITH_PUBLIC_KEY = "hs256-public-key"  # the algorithm-confusion attack


def bot_framework_token(
    app_id: str,
    service_url: str,
    *,
    key: SigningKey | None = None,
    issuer: str = BOT_FRAMEWORK_ISSUER,
    audience: str | None = None,
    now: float | None = None,
    not_before: float | None = None,
    expires: float | None = None,
    extra_claims: dict[str, Any] | None = None,
    omit: tuple[str, ...] = (),
) -> str:
    """A token exactly as the Bot Framework issues it for an activity to `app_id`."""
    key = key or signing_key()
    now = time.time() if now is None else now
    claims: dict[str, Any] = {
        "serviceurl": service_url,
        "nbf": int(now - 5 if not_before is None else not_before),
        "exp": int(now + TOKEN_LIFETIME if expires is None else expires),
        "iss": issuer,
        "aud": app_id if audience is None else audience,
        **(extra_claims or {}),
    }
    for name in omit:
        claims.pop(name, None)
    return jwt.encode(
        claims, key.private_key, algorithm="RS256", headers={"kid": key.kid, "x5t": key.kid}
    )


def forged_token(
    forgery: Forgery, app_id: str, service_url: str, *, now: float | None = None
) -> str:
    """A token that is wrong in exactly one way."""
    now = time.time() if now is None else now
    match forgery:
        case Forgery.WRONG_KEY:
            return bot_framework_token(app_id, service_url, key=rogue_key(), now=now)
        case Forgery.UNKNOWN_KID:
            key = SigningKey("not-in-the-jwks", signing_key().private_key)
            return bot_framework_token(app_id, service_url, key=key, now=now)
        case Forgery.EXPIRED:
            return bot_framework_token(
                app_id, service_url, now=now, not_before=now - 4200, expires=now - 600
            )
        case Forgery.NOT_YET_VALID:
            return bot_framework_token(app_id, service_url, now=now, not_before=now + 600)
        case Forgery.NO_EXPIRY:
            return bot_framework_token(app_id, service_url, now=now, omit=("exp",))
        case Forgery.WRONG_AUDIENCE:
            return bot_framework_token(
                app_id, service_url, now=now, audience="11111111-2222-3333-4444-555555555555"
            )
        case Forgery.WRONG_ISSUER:
            return bot_framework_token(
                app_id, service_url, now=now, issuer="https://sts.windows.net/evil/"
            )
        case Forgery.WRONG_SERVICE_URL:
            return bot_framework_token(app_id, "https://attacker.example/teams/", now=now)
        case Forgery.NO_SERVICE_URL:
            return bot_framework_token(app_id, service_url, now=now, omit=("serviceurl",))
        case Forgery.UNSIGNED:
            genuine = bot_framework_token(app_id, service_url, now=now)
            payload = genuine.split(".")[1]
            header = _b64(b'{"alg":"none","typ":"JWT","kid":"nolan-test-key-1"}')
            return f"{header}.{payload}."
        case Forgery.HMAC_WITH_PUBLIC_KEY:
            genuine = bot_framework_token(app_id, service_url, now=now)
            claims = jwt.decode(genuine, options={"verify_signature": False})
            return _hs256(claims, signing_key().public_pem(), kid=signing_key().kid)
    raise ValueError(forgery)  # pragma: no cover - every member is matched above


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _hs256(claims: dict[str, Any], secret: bytes, *, kid: str) -> str:
    # PyJWT refuses to use a PEM as an HMAC secret, so sign by hand as an attacker would.
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    payload = _b64(json.dumps(claims).encode())
    mac = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(mac)}"


def bearer(token: str) -> dict[str, str]:
    """Headers of a Bot Framework POST to the bot's messaging endpoint."""
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
