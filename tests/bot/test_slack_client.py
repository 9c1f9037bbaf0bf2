"""The Slack client Nolan makes (bot.slack_client): calls go over kept-alive connections, and
what comes back — an answer, an error status, a 429's Retry-After, Slack out of reach — reaches
slack_sdk, its retry handlers and Nolan's callers exactly as urllib's would."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.error import URLError

import pytest
from slack_sdk.errors import SlackApiError

from bot import slack_client
from bot.settings import Settings
from bot.slack_client import KeptAliveClient, describe_failure, make_client
from tests.fakeslack import FakeSlack


@pytest.fixture
def fake() -> FakeSlack:
    with FakeSlack() as running:
        yield running


def bare(fake: FakeSlack) -> KeptAliveClient:
    """No retry handlers: each call is one request."""
    return KeptAliveClient(token="xoxb-test", base_url=fake.api_url, timeout=5)


def test_calls_one_after_another_share_one_connection(fake: FakeSlack) -> None:
    client = make_client(Settings(slack_bot_token="xoxb-test", slack_api_url=fake.api_url))
    for _ in range(10):
        assert client.auth_test()["ok"] is True
    assert len(fake.calls("auth.test")) == 10
    assert fake.connections == 1


def test_calls_at_once_open_no_more_connections_than_calls_in_flight(fake: FakeSlack) -> None:
    client = bare(fake)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: client.auth_test()["ok"], range(40)))
    assert answers == [True] * 40
    assert 1 <= fake.connections <= 4


def test_an_error_status_and_a_429_reach_the_caller_with_their_headers(fake: FakeSlack) -> None:
    client = bare(fake)
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel="U0000001", text="hello")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers.get("Retry-After") == "7"
    assert limited.value.response["error"] == "ratelimited"
    fake.fail_next("chat.postMessage", status=503)
    with pytest.raises(SlackApiError) as down:
        client.chat_postMessage(channel="U0000001", text="hello")
    assert down.value.response.status_code == 503
    assert client.auth_test()["ok"] is True  # the connection is still good after both


def test_slack_gone_is_a_connection_error_and_back_again_a_new_connection(
    fake: FakeSlack,
) -> None:
    client = bare(fake)
    assert client.auth_test()["ok"] is True
    url = fake.api_url
    port = int(url.split(":")[2].split("/")[0])
    fake.stop()
    with pytest.raises(OSError) as unreachable:  # urllib's URLError, as slack_sdk raised it
        client.auth_test()
    failure = describe_failure(unreachable.value, method="auth.test", base_url=url)
    assert failure is not None and failure.line.startswith("cannot reach Slack at ")
    fake.start(port)
    assert client.auth_test()["ok"] is True
    assert fake.connections == 1  # a new server: the old connection was not reused


def test_a_form_goes_as_plain_json_without_slack_sdks_validating_to_dict(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from slack_sdk.models.blocks import InputBlock, PlainTextInputElement
    from slack_sdk.models.views import View

    from bot import block_kit

    form = View(
        type="modal", callback_id="gift_form", title="Gift", submit="Submit",
        blocks=[InputBlock(block_id="d", label="Description",
                           element=PlainTextInputElement(action_id="d_input"))],
    )
    expected = form.to_dict()
    monkeypatch.setattr(slack_client, "plain", block_kit.plain)  # not the tests' checked one

    # The fake validates what it receives on its own threads; the caller's must not.
    validating, validated_here = View.validate_json, []

    def watched(view: View) -> None:
        validated_here.append(threading.get_ident() == caller)
        validating(view)

    caller = threading.get_ident()
    monkeypatch.setattr(View, "validate_json", watched)
    client = bare(fake)
    client.views_open(trigger_id=fake.new_trigger_id(), view=form)
    client.views_update(view_id=fake.calls("views.open")[0].args.get("view_id", "V1"), view=form)
    opened, updated = fake.calls("views.open")[0], fake.calls("views.update")[0]
    for call in (opened, updated):
        sent = call.args["view"]
        assert (json.loads(sent) if isinstance(sent, str) else sent) == expected
    assert validated_here and not any(validated_here)  # by the fake alone


def test_a_presss_response_url_is_posted_over_the_kept_connection(fake: FakeSlack) -> None:
    """A receipt through a press's response_url (handlers.notifier.Notifier.replace) goes over
    the pool the Web API calls use: the connection is kept, no new one (and, over HTTPS, no
    handshake) a receipt."""
    client = bare(fake)
    message = {"replace_original": True, "text": "Recorded.", "blocks": []}
    statuses = [client.post_json(fake.response_url(f"press-{n}"), message) for n in range(5)]
    assert statuses == [200] * 5
    assert [c.args["replace_original"] for c in fake.calls("response_url")] == [True] * 5
    assert fake.connections == 1
    gone = fake.response_url("press-gone")
    port = int(fake.api_url.split(":")[2].split("/")[0])
    fake.stop()
    with pytest.raises(URLError):  # Slack out of reach: as urllib says it, for the caller
        client.post_json(gone, message)
    fake.start(port)
