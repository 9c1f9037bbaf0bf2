"""Nolan's own tokens (client credentials against the fake Entra endpoint) and the Bot
Connector client's failures, as the outbox needs them classed."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bot.outbox import SendFailed
from bot.teams.connector import Connector
from bot.teams.tokens import BOT_CONNECTOR_SCOPE, TokenError, TokenSource, graph_scope
from tests.faketeams import APP_ID, APP_PASSWORD, BOT_SCOPE, GRAPH_SCOPE, TENANT_ID, FakeTeams

ALICE = "aaaaaaaa-0000-0000-0000-000000000001"
BOB = "bbbbbbbb-0000-0000-0000-000000000002"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> Iterator[FakeTeams]:
    with FakeTeams() as fake:
        fake.add_user("alice@force.police.uk", ALICE)
        fake.add_user("bob@force.police.uk", BOB, installed=False)
        yield fake
        fake.assert_clean()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as client:
        yield client


def source(
    fake: FakeTeams, http: httpx.Client, clock: Clock, secret: str = APP_PASSWORD
) -> TokenSource:
    return TokenSource(fake.token_url, APP_ID, secret, http=http, clock=clock)


def test_graph_scope_is_the_graph_urls_origin() -> None:
    assert graph_scope("https://graph.microsoft.com/v1.0") == GRAPH_SCOPE
    assert graph_scope("https://graph.microsoft.us/v1.0/") == "https://graph.microsoft.us/.default"
    assert graph_scope("http://127.0.0.1:8080/graph/v1.0") == GRAPH_SCOPE  # the tests' fake
    assert BOT_CONNECTOR_SCOPE == BOT_SCOPE


def test_one_token_per_scope_cached_until_five_minutes_before_expiry(
    fake: FakeTeams, http: httpx.Client
) -> None:
    clock = Clock()
    tokens = source(fake, http, clock)
    first = tokens.token(BOT_SCOPE)
    assert tokens.token(BOT_SCOPE) == first
    graph = tokens.token(graph_scope(fake.graph_url))
    assert graph != first
    calls = fake.calls("token")
    assert [c.body["scope"] for c in calls] == [BOT_SCOPE, GRAPH_SCOPE]
    assert all(c.body["grant_type"] == "client_credentials" and c.body["client_id"] == APP_ID
               for c in calls)
    clock.now += 3599 - 300 - 1  # the fake's tokens live 3599 s
    assert tokens.token(BOT_SCOPE) == first and len(fake.calls("token")) == 2
    clock.now += 2
    renewed = tokens.token(BOT_SCOPE)
    assert renewed != first and len(fake.calls("token")) == 3


def test_invalidate_drops_only_the_token_refused(fake: FakeTeams, http: httpx.Client) -> None:
    tokens = source(fake, http, Clock())
    old = tokens.token(BOT_SCOPE)
    tokens.invalidate(BOT_SCOPE, old)
    new = tokens.token(BOT_SCOPE)
    assert new != old
    tokens.invalidate(BOT_SCOPE, old)  # a late 401 for the old token keeps the new one
    assert tokens.token(BOT_SCOPE) == new and len(fake.calls("token")) == 2


def test_a_refused_secret_or_an_endpoint_out_of_reach_is_a_token_error(
    fake: FakeTeams, http: httpx.Client
) -> None:
    with pytest.raises(TokenError, match=r"HTTP 401.*Invalid client secret.*TEAMS_APP_PASSWORD"):
        source(fake, http, Clock(), secret="wrong").token(BOT_SCOPE)
    gone = TokenSource("http://127.0.0.1:9/token", APP_ID, APP_PASSWORD, http=http)
    with pytest.raises(TokenError, match="not reached"):
        gone.token(BOT_SCOPE)


def connector(fake: FakeTeams, http: httpx.Client) -> Connector:
    return Connector(source(fake, http, Clock()), http, app_id=APP_ID, tenant_id=TENANT_ID)


def test_connector_opens_sends_and_updates_renewing_a_refused_token_once(
    fake: FakeTeams, http: httpx.Client
) -> None:
    bot = connector(fake, http)
    chat = bot.open_chat(fake.service_url(), ALICE)
    assert chat == fake.conversation_of(ALICE)
    sent = bot.send(fake.service_url(), chat, {"type": "message", "text": "Hello"})
    fake.expire_tokens()  # as after an hour: the connector answers 401 once
    bot.update(fake.service_url(), chat, sent, {"type": "message", "text": "Hello again"})
    assert [v["text"] for v in fake.versions(chat, sent)] == ["Hello", "Hello again"]
    assert len(fake.calls("token")) == 2
    assert [c.status for c in fake.calls("update")] == [401, 200]


@pytest.mark.parametrize(
    ("status", "retry_after", "parked", "permanent"),
    [(429, 3.0, False, False), (412, None, False, False), (502, None, False, False),
     (504, None, False, False), (403, None, True, False), (400, None, False, True)],
)
def test_connector_failures_are_classed_for_the_outbox(
    fake: FakeTeams, http: httpx.Client, status: int, retry_after: float | None, parked: bool,
    permanent: bool,
) -> None:
    bot = connector(fake, http)
    chat = bot.open_chat(fake.service_url(), ALICE)
    fake.fail_next("send", status, retry_after=3 if status == 429 else None)
    with pytest.raises(SendFailed) as failed:
        bot.send(fake.service_url(), chat, {"type": "message", "text": "Hi"})
    got = failed.value
    assert (got.retry_after, got.parked, got.permanent) == (retry_after, parked, permanent)
    assert str(status) in got.error


def test_a_person_without_nolan_is_parked_and_a_missing_message_is_permanent(
    fake: FakeTeams, http: httpx.Client
) -> None:
    bot = connector(fake, http)
    with pytest.raises(SendFailed) as failed:
        bot.open_chat(fake.service_url(), BOB)
    assert failed.value.parked and "BotNotInConversationRoster" in failed.value.error
    chat = bot.open_chat(fake.service_url(), ALICE)
    with pytest.raises(SendFailed) as missing:
        bot.update(fake.service_url(), chat, "999", {"type": "message", "text": "x"})
    assert missing.value.permanent
    with pytest.raises(SendFailed) as unreachable:
        bot.send("http://127.0.0.1:9/teams/", chat, {"type": "message", "text": "x"})
    assert not unreachable.value.permanent and "not reached" in unreachable.value.error
