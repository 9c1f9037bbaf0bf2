"""The Bot Framework token check on its own: keys read once through the OpenID metadata and
cached, endorsements, leeway, algorithm and service URL rules."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from bot.teams import auth
from bot.teams.auth import KeySet, Unauthorized, Verifier, check_service_url
from tests.faketeams import APP_ID, bot_framework_token, signing_key

METADATA = "https://login.example/v1/.well-known/openidconfiguration"
JWKS = "https://keys.example/elsewhere/keys"  # not beside the metadata: read from jwks_uri
SERVICE = "https://smba.example/emea/"


class Microsoft:
    """Answers the metadata and JWKS requests, counting them."""

    def __init__(self, endorsements: tuple[str, ...] = ("msteams",)) -> None:
        self.endorsements = endorsements
        self.requests: list[str] = []
        self.down = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(str(request.url))
        if self.down:
            return httpx.Response(503)
        if str(request.url) == METADATA:
            return httpx.Response(200, json={"issuer": "https://api.botframework.com",
                                             "jwks_uri": JWKS})
        if str(request.url) == JWKS:
            key = signing_key().public_jwk(self.endorsements)
            return httpx.Response(200, content=json.dumps({"keys": [key]}))
        return httpx.Response(404)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def verifier(microsoft: Microsoft, clock: Clock | None = None) -> Verifier:
    http = httpx.Client(transport=httpx.MockTransport(microsoft))
    return Verifier(APP_ID, KeySet(METADATA, http, clock or Clock()))


def bearer(**kwargs: Any) -> str:
    return "Bearer " + bot_framework_token(APP_ID, SERVICE, **kwargs)


def test_keys_come_from_the_metadatas_jwks_uri_and_are_cached() -> None:
    microsoft, clock = Microsoft(), Clock()
    check = verifier(microsoft, clock)
    for _ in range(5):
        assert check.claims(bearer())["serviceurl"] == SERVICE
    assert microsoft.requests == [METADATA, JWKS]
    # A kid the keys do not hold refetches them, but not more than once a minute.
    forged = "Bearer " + bot_framework_token(
        APP_ID, SERVICE, key=type(signing_key())("rolled-key", signing_key().private_key)
    )
    for _ in range(3):
        with pytest.raises(Unauthorized, match="no key 'rolled-key'"):
            check.claims(forged)
    assert len(microsoft.requests) == 2
    clock.now += 61
    with pytest.raises(Unauthorized):
        check.claims(forged)
    assert len(microsoft.requests) == 4
    # Microsoft out of reach a day later: the keys held still verify (a token not seen yet).
    clock.now += 24 * 3600
    microsoft.down = True
    assert check.claims(bearer(now=time.time() - 7))["aud"] == APP_ID


def test_no_keys_at_all_is_401_not_an_error() -> None:
    microsoft = Microsoft()
    microsoft.down = True
    with pytest.raises(Unauthorized, match="keys not available"):
        verifier(microsoft).claims(bearer())


def test_a_key_endorsed_for_other_channels_only_is_refused() -> None:
    with pytest.raises(Unauthorized, match="not endorsed for Teams"):
        verifier(Microsoft(endorsements=("skype", "webchat"))).claims(bearer())
    assert verifier(Microsoft(endorsements=("msteams", "webchat"))).claims(bearer())


def test_five_minutes_leeway_and_no_more() -> None:
    check = verifier(Microsoft())
    now = time.time()
    assert check.claims(bearer(now=now - 3600, expires=now - 240))
    with pytest.raises(Unauthorized, match="expired"):
        check.claims(bearer(now=now - 3600, expires=now - 360))
    assert check.claims(bearer(not_before=now + 240))
    with pytest.raises(Unauthorized, match="not yet valid"):
        check.claims(bearer(not_before=now + 360))
    for claim in ("nbf", "exp", "serviceurl"):
        with pytest.raises(Unauthorized, match=claim):
            check.claims(bearer(omit=(claim,)))


def test_audience_may_be_the_app_id_or_api_uri() -> None:
    check = verifier(Microsoft())
    assert check.claims(bearer(audience=f"api://{APP_ID}"))
    with pytest.raises(Unauthorized, match=r"(?i)audience"):
        check.claims(bearer(audience=f"api://botid-{APP_ID}"))


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer   ", "Token abc", "Bearer not.a.jwt"])
def test_missing_or_unreadable_tokens(header: str) -> None:
    with pytest.raises(Unauthorized):
        verifier(Microsoft()).claims(header)


def test_service_url_must_match_the_activitys_trailing_slash_aside() -> None:
    check_service_url({"serviceurl": SERVICE}, SERVICE.rstrip("/"))
    for activity_url in (None, "", 42, "https://smba.example/amer/"):
        with pytest.raises(Unauthorized):
            check_service_url({"serviceurl": SERVICE}, activity_url)


def counting(check: Verifier) -> list[str]:
    """The tokens `check` verifies in full from now on (the others it had kept)."""
    verified: list[str] = []
    verify = check._verify

    def counted(token: str) -> dict[str, Any]:
        verified.append(token)
        return verify(token)

    check._verify = counted  # type: ignore[method-assign]
    return verified


def test_a_token_verified_is_kept_until_it_expires_then_refused() -> None:
    now = time.time()
    wall = Clock()
    wall.now = now
    check = Verifier(APP_ID, verifier(Microsoft()).keys, wall)
    verified = counting(check)
    token = bearer(now=now - 60, expires=now + 600)
    for _ in range(3):
        claims = check.claims(token)
        claims["serviceurl"] = "tampered"  # the caller's copy, not the kept one
    assert len(verified) == 1 and check.claims(token)["serviceurl"] == SERVICE
    wall.now = now + 600 + 299  # within the leeway: still kept
    assert check.claims(token) and len(verified) == 1
    wall.now = now + 600 + 301  # past it: verified afresh, and refused by this clock
    with pytest.raises(Unauthorized, match="expired"):
        check.claims(token)
    with pytest.raises(Unauthorized):
        check.claims(token)
    assert len(verified) == 3  # not kept once refused


def test_only_a_verified_token_is_kept_and_the_kept_are_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(auth, "VERIFIED_TOKENS", 2)
    check = verifier(Microsoft())
    verified = counting(check)
    now = time.time()
    good = [bearer(now=now - age) for age in (1, 2, 3)]
    forged = "Bearer " + good[0].removeprefix("Bearer ")[:-4] + "AAAA"  # its signature changed
    for _ in range(2):
        with pytest.raises(Unauthorized):
            check.claims(forged)
    assert len(verified) == 2  # refused each time, never kept
    for token in good:
        check.claims(token)
    check.claims(good[2])
    check.claims(good[1])
    assert len(verified) == 2 + 3  # the last two kept
    check.claims(good[0])  # pushed out by the third: verified again
    assert len(verified) == 2 + 4
