"""The Microsoft fakes behave as the real services do, so Teams tests through them mean it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import jwt
import pytest

from tests.faketeams import (
    APP_ID,
    APP_PASSWORD,
    BOT_FRAMEWORK_ISSUER,
    BOT_SCOPE,
    GRAPH_SCOPE,
    TENANT_ID,
    FakeTeams,
    Forgery,
    bot_framework_token,
    forged_token,
    invoke,
    signed,
)
from tests.schemas import CARD_CONTENT_TYPE

ALICE = "aaaaaaaa-0000-0000-0000-000000000001"
BOB = "bbbbbbbb-0000-0000-0000-000000000002"
CHANNEL = "19:governance0123456789@thread.tacv2"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeTeams]:
    with FakeTeams(clock=clock) as fake:
        fake.add_user("alice@force.police.uk", ALICE, "Alice Example")
        fake.add_user("bob@force.police.uk", BOB, "Bob Example", installed=False)
        yield fake


def http(
    method: str, url: str, body: Any = None, *, token: str | None = None, form: bool = False
) -> tuple[int, dict[str, str], Any]:
    headers = {}
    data = None
    if form:
        data = urlencode(body).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, got, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as failure:
        status, got, raw = failure.code, dict(failure.headers), failure.read()
    return status, got, json.loads(raw) if raw else None


def token_for(fake: FakeTeams, scope: str = BOT_SCOPE, secret: str = APP_PASSWORD) -> str:
    status, _, body = http("POST", fake.token_url, {
        "grant_type": "client_credentials", "client_id": APP_ID, "client_secret": secret,
        "scope": scope,
    }, form=True)
    assert status == 200, body
    return body["access_token"]


def card(text: str = "Gift from Acme Ltd") -> dict[str, Any]:
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": {
            "type": "AdaptiveCard", "version": "1.5",
            "body": [{"type": "TextBlock", "text": text, "wrap": True}],
            "actions": [{"type": "Action.Execute", "title": "Approve", "verb": "approve"}],
        }}],
    }


def open_chat(fake: FakeTeams, token: str, member: str = ALICE) -> tuple[int, Any]:
    status, _, body = http("POST", f"{fake.service_url()}v3/conversations", {
        "bot": {"id": f"28:{APP_ID}"}, "members": [{"id": member}], "tenantId": TENANT_ID,
        "isGroup": False,
    }, token=token)
    return status, body


# -- Bot Framework tokens and the JWKS ---------------------------------------------------------


def strict_validate(fake: FakeTeams, token: str, activity_service_url: str) -> dict[str, Any]:
    """What issue 12 asks of Nolan, done with PyJWT against the fake's metadata and JWKS."""
    _, _, metadata = http("GET", fake.openid_metadata_url)
    key = jwt.PyJWKClient(metadata["jwks_uri"]).get_signing_key_from_jwt(token)
    claims = jwt.decode(
        token, key.key, algorithms=["RS256"], audience=[APP_ID, f"api://{APP_ID}"],
        issuer=BOT_FRAMEWORK_ISSUER, leeway=300,
        options={"require": ["exp", "nbf", "iss", "aud", "serviceurl"]},
    )
    if claims["serviceurl"].rstrip("/") != activity_service_url.rstrip("/"):
        raise jwt.InvalidTokenError("serviceurl claim differs from the activity's serviceUrl")
    return claims


def test_a_genuine_token_verifies_against_the_served_jwks(fake: FakeTeams) -> None:
    _, _, metadata = http("GET", fake.openid_metadata_url)
    assert metadata["issuer"] == BOT_FRAMEWORK_ISSUER
    assert metadata["jwks_uri"] == fake.jwks_url
    _, _, jwks = http("GET", fake.jwks_url)
    assert jwks["keys"][0]["kid"] == jwt.get_unverified_header(
        bot_framework_token(APP_ID, fake.service_url()))["kid"]
    assert "msteams" in jwks["keys"][0]["endorsements"]
    claims = strict_validate(fake, bot_framework_token(APP_ID, fake.service_url()),
                             fake.service_url())
    assert claims["aud"] == APP_ID and claims["serviceurl"] == fake.service_url()


@pytest.mark.parametrize("forgery", list(Forgery))
def test_every_forgery_fails_verification(fake: FakeTeams, forgery: Forgery) -> None:
    token = forged_token(forgery, APP_ID, fake.service_url())
    with pytest.raises(jwt.PyJWTError):
        strict_validate(fake, token, fake.service_url())


def test_signed_requests_carry_a_token_for_the_activity(fake: FakeTeams) -> None:
    body = invoke("adaptiveCard/action", {"action": {"type": "Action.Execute", "verb": "approve"}},
                  service_url=fake.service_url(), app_id=APP_ID, tenant_id=TENANT_ID,
                  from_object_id=ALICE, conversation_id=fake.conversation_of(ALICE))
    raw, headers = signed(body, APP_ID)
    activity = json.loads(raw)
    token = headers["Authorization"].removeprefix("Bearer ")
    assert strict_validate(fake, token, activity["serviceUrl"])["serviceurl"] == fake.service_url()
    _, forged_headers = signed(body, APP_ID, forgery=Forgery.WRONG_SERVICE_URL)
    with pytest.raises(jwt.PyJWTError):
        strict_validate(fake, forged_headers["Authorization"][7:], activity["serviceUrl"])


# -- the token endpoint ------------------------------------------------------------------------


def test_the_token_endpoint_issues_and_refuses(fake: FakeTeams) -> None:
    form = {"grant_type": "client_credentials", "client_id": APP_ID,
            "client_secret": APP_PASSWORD, "scope": BOT_SCOPE}
    status, _, body = http("POST", fake.token_url, form, form=True)
    assert status == 200 and body["token_type"] == "Bearer" and body["expires_in"] > 3000
    assert jwt.decode(body["access_token"], options={"verify_signature": False})["tid"] == TENANT_ID
    status, _, body = http("POST", fake.token_url, {**form, "client_secret": "wrong"}, form=True)
    assert (status, body["error"]) == (401, "invalid_client")
    status, _, body = http("POST", fake.token_url, {**form, "grant_type": "password"}, form=True)
    assert (status, body["error"]) == (400, "unsupported_grant_type")
    status, _, body = http("POST", fake.token_url, {**form, "scope": "https://x/.default"},
                           form=True)
    assert (status, body["error"]) == (400, "invalid_scope")


# -- the Bot Connector -------------------------------------------------------------------------


def test_the_connector_wants_its_own_token(fake: FakeTeams) -> None:
    assert open_chat(fake, token="")[0] == 401
    assert open_chat(fake, token=token_for(fake, GRAPH_SCOPE))[0] == 401
    assert open_chat(fake, token=bot_framework_token(APP_ID, fake.service_url()))[0] == 401
    token = token_for(fake)
    assert open_chat(fake, token) == (201, {"id": fake.conversation_of(ALICE)})
    fake.expire_tokens()
    assert open_chat(fake, token)[0] == 401
    fake.assert_clean()


def test_send_update_and_reply_in_a_personal_chat(fake: FakeTeams) -> None:
    token = token_for(fake)
    _, chat = open_chat(fake, token)
    assert open_chat(fake, token)[1] == chat  # the same 1:1 chat each time, as in Teams
    assert open_chat(fake, token, f"29:1{ALICE}")[1] == chat  # the id activities carry
    base = f"{fake.service_url()}v3/conversations/{quote(chat['id'])}/activities"
    status, _, sent = http("POST", base, card(), token=token)
    assert status == 201
    status, _, _ = http("PUT", f"{base}/{sent['id']}", card("Approved by Bob"), token=token)
    assert status == 200
    status, _, reply = http("POST", f"{base}/{sent['id']}", {"type": "message", "text": "Noted"},
                            token=token)
    assert status == 201 and reply["id"] != sent["id"]
    versions = fake.versions(chat["id"], sent["id"])
    assert [v["attachments"][0]["content"]["body"][0]["text"] for v in versions] == [
        "Gift from Acme Ltd", "Approved by Bob"]
    assert [c.op for c in fake.delivered(chat["id"])] == ["send", "reply"]
    assert http("PUT", f"{base}/999", card(), token=token)[0] == 404
    assert http("POST", f"{fake.service_url()}v3/conversations/a:nope/activities", card(),
                token=token)[0] == 404
    fake.assert_clean()


def test_bad_cards_and_big_messages_are_refused_and_reported(fake: FakeTeams) -> None:
    token = token_for(fake)
    _, chat = open_chat(fake, token)
    base = f"{fake.service_url()}v3/conversations/{chat['id']}/activities"
    broken = card()
    broken["attachments"][0]["content"]["body"][0]["type"] = "Input.Secret"
    status, _, body = http("POST", base, broken, token=token)
    assert (status, body["error"]["code"]) == (400, "BadArgument")
    assert "Input.Secret" in fake.problems[-1]
    huge = card("x" * 29_000)
    assert http("POST", base, huge, token=token)[0] == 413
    assert http("POST", f"{fake.service_url()}/v3/conversations", {}, token=token)[0] == 404
    assert len(fake.problems) == 3 and "not a call" in fake.problems[-1]
    with pytest.raises(AssertionError, match="contract problems"):
        fake.assert_clean()
    fake.reset()
    assert fake.calls() == [] and fake.problems == []
    fake.assert_clean()


def test_a_person_without_nolan_answers_403_until_installed(fake: FakeTeams) -> None:
    token = token_for(fake)
    status, _, body = http("POST", f"{fake.service_url()}v3/conversations", {
        "bot": {"id": f"28:{APP_ID}"}, "members": [{"id": BOB}], "tenantId": TENANT_ID,
    }, token=token)
    assert (status, body["error"]["code"]) == (403, "BotNotInConversationRoster")
    fake.install(BOB)
    assert open_chat(fake, token, BOB) == (201, {"id": fake.conversation_of(BOB)})
    fake.install(BOB, installed=False)
    url = f"{fake.service_url()}v3/conversations/{fake.conversation_of(BOB)}/activities"
    assert http("POST", url, card(), token=token)[0] == 403


def test_injected_faults_then_success(fake: FakeTeams) -> None:
    token = token_for(fake)
    _, chat = open_chat(fake, token)
    url = f"{fake.service_url()}v3/conversations/{chat['id']}/activities"
    fake.fail_next("send", 429, retry_after=3)
    fake.fail_next("send", 412)
    fake.fail_next("send", 502)
    status, headers, body = http("POST", url, card(), token=token)
    assert (status, headers["Retry-After"], body["error"]["code"]) == (429, "3", "Throttled")
    assert http("POST", url, card(), token=token)[0] == 412
    assert http("POST", url, card(), token=token)[0] == 502
    assert http("POST", url, card(), token=token)[0] == 201
    assert len(fake.delivered()) == 1


def test_throttles_like_teams_per_conversation_and_tenant(fake: FakeTeams, clock: Clock) -> None:
    token = token_for(fake)
    _, chat = open_chat(fake, token)
    url = f"{fake.service_url()}v3/conversations/{chat['id']}/activities"
    fake.throttle_like_teams()
    assert [http("POST", url, card(), token=token)[0] for _ in range(8)] == [201] * 7 + [429]
    clock.now += 1.0
    statuses = [http("POST", url, card(), token=token)[0] for _ in range(2)]
    assert statuses == [201, 429]  # 8 in 2 s
    clock.now += 2.0
    sent = 8
    while sent < 60:  # keep to the per-second limits until 60 within 30 s
        clock.now += 0.3
        assert http("POST", url, card(), token=token)[0] == 201
        sent += 1
    clock.now += 1.0
    status, headers, _ = http("POST", url, card(), token=token)
    assert status == 429 and 1 <= int(headers["Retry-After"]) <= 30
    clock.now += 30.0
    assert http("POST", url, card(), token=token)[0] == 201
    # Across the tenant: 50 a second whatever the conversation.
    clock.now += 3600
    token = token_for(fake)  # the last one has expired
    fake.add_channel(CHANNEL)
    urls = [url, f"{fake.service_url()}v3/conversations/{CHANNEL}/activities"]
    urls.append(f"{urls[1].removesuffix('/activities')};messageid=1700000000001/activities")
    statuses = [http("POST", urls[n % 3], card(), token=token)[0] for n in range(14)]
    assert statuses == [201] * 14
    fake.throttle_like_teams(per_conversation=((1.0, 100),))
    clock.now += 10
    statuses = [http("POST", urls[n % 2], card(), token=token)[0] for n in range(51)]
    assert statuses == [201] * 50 + [429]


# -- Graph -------------------------------------------------------------------------------------


def test_graph_finds_people_by_email_or_id(fake: FakeTeams) -> None:
    token = token_for(fake, GRAPH_SCOPE)
    status, _, user = http("GET", f"{fake.graph_url}/users/{quote('Alice@Force.Police.uk')}",
                           token=token)
    assert (status, user["id"], user["displayName"]) == (200, ALICE, "Alice Example")
    assert http("GET", f"{fake.graph_url}/users/{BOB}", token=token)[2]["mail"] == (
        "bob@force.police.uk")
    status, _, body = http("GET", f"{fake.graph_url}/users/nobody@force.police.uk", token=token)
    assert (status, body["error"]["code"]) == (404, "Request_ResourceNotFound")
    assert http("GET", f"{fake.graph_url}/users/{ALICE}", token=token_for(fake))[0] == 401
    fake.assert_clean()
