"""Tests of the fake Slack harness itself: it must accept what Slack accepts and flag the rest."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.webhook import WebhookClient

from tests.fakeslack import (
    FakeSlack,
    FakeSocketModeServer,
    block_actions_form,
    post,
    sign,
    slash_command_form,
    slash_command_payload,
    state_value,
    view_state,
    view_submission_form,
)

SECRET = "test-signing-secret"
SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "Gift declared"}}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.api_url)


def _error(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value.response.data


def modal(**overrides: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "declare_gift",
        "title": {"type": "plain_text", "text": "Declare a gift"},
        "submit": {"type": "plain_text", "text": "Submit"},
        "private_metadata": "{}",
        "blocks": [
            {
                "type": "input",
                "block_id": "desc",
                "label": {"type": "plain_text", "text": "Description"},
                "element": {"type": "plain_text_input", "action_id": "desc_in"},
            },
            {
                "type": "input",
                "block_id": "kind",
                "label": {"type": "plain_text", "text": "Kind"},
                "element": {
                    "type": "static_select",
                    "action_id": "kind_in",
                    "options": [
                        {"text": {"type": "plain_text", "text": "Gift"}, "value": "gift"},
                        {"text": {"type": "plain_text", "text": "Hospitality"}, "value": "hosp"},
                    ],
                },
            },
            {
                "type": "input",
                "block_id": "value",
                "label": {"type": "plain_text", "text": "Value (GBP)"},
                "element": {
                    "type": "number_input",
                    "is_decimal_allowed": True,
                    "action_id": "value_in",
                },
            },
            {
                "type": "input",
                "block_id": "when",
                "label": {"type": "plain_text", "text": "Date"},
                "element": {"type": "datepicker", "action_id": "when_in"},
            },
        ],
        **overrides,
    }


# -- Web API ------------------------------------------------------------------------------


def test_valid_message_is_recorded_with_dm_channel(fake: FakeSlack, client: WebClient) -> None:
    first = client.chat_postMessage(channel="U123", text="Gift declared", blocks=[SECTION])
    second = client.chat_postMessage(channel="C1", text="again")

    assert first["channel"] == "DU123"
    assert first["message"]["blocks"] == [SECTION]
    assert float(second["ts"]) > float(first["ts"])
    call = fake.wait_for("chat.postMessage")
    assert call.args["blocks"] == [SECTION]
    assert call.token == "xoxb-test"
    assert call.response["ts"] == first["ts"]
    assert [r["channel"] for r in fake.responses("chat.postMessage")] == ["DU123", "C1"]
    assert fake.wait_for("chat.postMessage", count=2).args["channel"] == "C1"
    fake.assert_clean()


def test_form_encoded_json_args_are_decoded(fake: FakeSlack, client: WebClient) -> None:
    client.api_call(
        "chat.update",
        data={"channel": "C1", "ts": "1.000100", "text": "x", "blocks": json.dumps([SECTION])},
    )
    assert fake.calls("chat.update")[0].args["blocks"] == [SECTION]
    fake.assert_clean()


def test_unknown_method_is_a_problem(fake: FakeSlack, client: WebClient) -> None:
    assert (
        _error(lambda: client.api_call("chat.postMesage", json={"channel": "C1"}))["error"]
        == "unknown_method"
    )
    assert fake.problems and "chat.postMesage" in fake.problems[0]
    assert fake.calls() == []
    with pytest.raises(AssertionError, match="unknown method"):
        fake.assert_clean()


def test_missing_required_argument_is_a_problem(fake: FakeSlack, client: WebClient) -> None:
    assert (
        _error(lambda: client.api_call("chat.postMessage", json={"text": "hi"}))["error"]
        == "invalid_arguments"
    )
    assert any("'channel'" in p for p in fake.problems)


def test_missing_token_is_a_problem(fake: FakeSlack) -> None:
    _error(lambda: WebClient(base_url=fake.api_url).chat_postMessage(channel="C1", text="hi"))
    assert any("not_authed" in p for p in fake.problems)


def _button(text: str) -> dict[str, Any]:
    return {
        "type": "actions",
        "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": "a"}
        ],
    }


def _select(option_text: str) -> dict[str, Any]:
    option = {"text": {"type": "plain_text", "text": option_text}, "value": "v"}
    return {
        **SECTION,
        "accessory": {"type": "static_select", "action_id": "s", "options": [option]},
    }


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ({"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}, "3000"),
        (_button("x" * 76), "75"),
        (_select("x" * 76), "longer than 75"),  # slack_sdk leaves options unchecked
        ({"type": "sektion", "text": {"type": "mrkdwn", "text": "x"}}, "unknown block type"),
        ({**SECTION, "acessory": {"type": "image"}}, "unknown key"),
        ({**SECTION, "accessory": None}, "null value"),
        ({"type": "header", "text": {"type": "mrkdwn", "text": "x"}}, "plain_text"),
        ({"type": "actions", "elements": [{"type": "buton"}]}, "not recognised"),
    ],
)
def test_invalid_blocks_are_problems(
    fake: FakeSlack, client: WebClient, block: dict[str, Any], expected: str
) -> None:
    response = _error(lambda: client.chat_postMessage(channel="C1", text="t", blocks=[block]))
    assert response["error"] == "invalid_arguments"
    assert any(expected in p for p in fake.problems), fake.problems


def test_too_many_blocks_and_long_text_are_problems(fake: FakeSlack, client: WebClient) -> None:
    _error(lambda: client.chat_postMessage(channel="C1", text="t", blocks=[SECTION] * 51))
    _error(lambda: client.chat_postMessage(channel="C1", text="x" * 40001))
    assert len(fake.problems) == 2


def test_blocks_without_text_fallback_is_a_problem(fake: FakeSlack, client: WebClient) -> None:
    with pytest.warns(UserWarning):  # slack_sdk warns too, but still sends it
        _error(lambda: client.chat_postMessage(channel="C1", blocks=[SECTION]))
    assert any("fallback" in p for p in fake.problems)


def test_valid_modal_opens_once_per_trigger(fake: FakeSlack, client: WebClient) -> None:
    trigger = fake.new_trigger_id()
    view = client.views_open(trigger_id=trigger, view=modal())["view"]
    assert view["id"].startswith("V")
    assert view["callback_id"] == "declare_gift"
    assert fake.calls("views.open")[0].args["view"]["title"]["text"] == "Declare a gift"
    fake.assert_clean()

    _error(lambda: client.views_open(trigger_id=trigger, view=modal()))
    _error(lambda: client.views_open(trigger_id="123.456.abc", view=modal()))
    assert [p.split("' ")[-1] for p in fake.problems] == [
        "reused (Slack allows one use)",
        "was never issued (use new_trigger_id())",
    ]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"title": {"type": "plain_text", "text": "x" * 30}}, "24"),
        ({"titel": {"type": "plain_text", "text": "x"}}, "unknown key"),
        ({"submit": None}, "submit: required"),
        ({"private_metadata": "x" * 3001}, "private_metadata"),
        ({"blocks": [SECTION] * 101}, "at most 100"),
    ],
)
def test_invalid_modals_are_problems(
    fake: FakeSlack, client: WebClient, overrides: dict[str, Any], expected: str
) -> None:
    view = {k: v for k, v in modal(**overrides).items() if v is not None}
    _error(lambda: client.views_open(trigger_id=fake.new_trigger_id(), view=view))
    assert any(expected in p for p in fake.problems), fake.problems


def test_home_tab_publish(fake: FakeSlack, client: WebClient) -> None:
    home = {"type": "home", "blocks": [SECTION]}
    assert client.views_publish(user_id="U1", view=home)["view"]["type"] == "home"
    _error(lambda: client.views_publish(user_id="U1", view=modal()))
    assert any("needs a home view" in p for p in fake.problems)


def test_users_lookup(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("Ann.Smith@example.org", "U42", tz="Europe/London")
    user = client.users_lookupByEmail(email="ann.smith@EXAMPLE.org")["user"]
    assert (user["id"], user["tz"], user["profile"]["email"]) == (
        "U42",
        "Europe/London",
        "Ann.Smith@example.org",
    )
    assert client.users_info(user="U42")["user"]["name"] == "ann.smith"
    assert _error(lambda: client.users_lookupByEmail(email="nobody@example.org"))["error"] == (
        "users_not_found"
    )
    fake.assert_clean()


def test_rate_limit_is_retried_after_retry_after(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleeps: list[float] = []
    monkeypatch.setattr(builtin_handlers.time, "sleep", sleeps.append)  # record, don't wait
    fake.fail_next("chat.postMessage", status=429, retry_after=2)
    client = WebClient(
        token="xoxb-test",
        base_url=fake.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    assert [(r.status, r.error) for r in fake.rejected] == [(429, "ratelimited")]
    assert len(sleeps) == 1 and 2 <= sleeps[0] < 3  # Retry-After honoured
    assert len(fake.calls("chat.postMessage")) == 1
    fake.assert_clean()


def test_injected_failures(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    limited = _error(lambda: client.chat_postMessage(channel="C1", text="hi"))
    assert limited["error"] == "ratelimited"
    fake.fail_next("chat.postMessage", status=503, times=2)
    for _ in range(2):
        assert _error(lambda: client.chat_postMessage(channel="C1", text="hi")) == {
            "ok": False,
            "error": "fatal_error",
        }
    fake.slack_error_next("chat.postMessage", "channel_not_found")
    assert _error(lambda: client.chat_postMessage(channel="C1", text="hi"))["error"] == (
        "channel_not_found"
    )
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    assert [r.status for r in fake.rejected] == [429, 503, 503, 200]
    fake.assert_clean()


def test_wait_for_timeout_lists_calls(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="hello")
    with pytest.raises(AssertionError, match=r"(?s)chat.update.*calls seen.*hello"):
        fake.wait_for("chat.update", timeout=0.1)
    with pytest.raises(AssertionError):
        fake.assert_no_call("chat.postMessage", lambda c: c.args["text"] == "hello", settle=0)
    fake.assert_no_call("chat.postMessage", lambda c: c.args["nope"], settle=0)


def test_response_url_posts_are_recorded(fake: FakeSlack) -> None:
    webhook = WebhookClient(fake.response_url("cmd1"))
    assert webhook.send(text="Done", blocks=[SECTION], replace_original=True).status_code == 200
    call = fake.wait_for("response_url")
    assert (call.response_name, call.args["blocks"]) == ("cmd1", [SECTION])
    fake.assert_clean()
    webhook.send(blocks=[SECTION])
    assert any("fallback" in p for p in fake.problems)


# -- signing and payloads -----------------------------------------------------------------


def test_sign_matches_slack_sdk_verifier() -> None:
    body = slash_command_form("/gift", "", "U1", trigger_id="t", response_url="http://x/r")
    headers = sign(SECRET, body)
    verifier = SignatureVerifier(SECRET)
    assert set(headers) == {"X-Slack-Request-Timestamp", "X-Slack-Signature"}
    assert verifier.is_valid_request(body, headers)
    assert not SignatureVerifier("other").is_valid_request(body, headers)
    stale = sign(SECRET, body, timestamp=int(time.time()) - 3600)
    assert not verifier.is_valid_request(body, stale)


def test_post_sends_signed_request(fake: FakeSlack) -> None:
    status, headers, text = post(fake.api_url + "auth.test", "token=xoxb-test", SECRET)
    assert status == 200 and json.loads(text)["user_id"] == "UBOT"
    assert headers["Content-Type"].startswith("application/json")


def test_payloads_drive_a_real_bolt_app(fake: FakeSlack) -> None:
    """The payload builders produce what Bolt parses, end to end through the fake."""
    app = App(
        token="xoxb-test",
        signing_secret=SECRET,
        client=WebClient(token="xoxb-test", base_url=fake.api_url),
    )
    seen: dict[str, Any] = {}

    @app.command("/gift")
    def open_modal(ack: Any, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=modal())
        respond(text="Opening the form…")

    @app.action("approve")
    def approve(ack: Any, body: dict[str, Any], respond: Any) -> None:
        ack()
        seen["action"] = (body["actions"][0]["value"], body["message"]["ts"])
        respond(text="Approved", replace_original=True)

    @app.view("declare_gift")
    def submit(ack: Any, view: dict[str, Any]) -> None:
        seen["values"] = view["state"]["values"]
        ack()

    def dispatch(body: str) -> int:
        return app.dispatch(BoltRequest(body=body, headers=sign(SECRET, body))).status

    trigger = fake.new_trigger_id()
    command = slash_command_form(
        "/gift", "", "U1", trigger_id=trigger, response_url=fake.response_url("cmd")
    )
    assert parse_qs(command)["command"] == ["/gift"]
    assert dispatch(command) == 200
    assert fake.wait_for("views.open").args["trigger_id"] == trigger
    assert fake.wait_for("response_url").args["text"] == "Opening the form…"

    click = block_actions_form(
        "U2",
        "approve",
        "gift-7",
        block_id="b",
        channel_id="C1",
        message_ts="1700000000.000100",
        message={"text": "Approve?", "blocks": [_button("Approve")]},
        response_url=fake.response_url("click"),
        trigger_id=fake.new_trigger_id(),
    )
    assert dispatch(click) == 200
    assert fake.wait_for("response_url", lambda c: c.response_name == "click").args[
        "replace_original"
    ]
    assert seen["action"] == ("gift-7", "1700000000.000100")

    values = view_state(
        modal(), {"desc_in": "Wine", "kind_in": "hosp", "value_in": 25.5, "when_in": "2024-05-01"}
    )
    assert dispatch(view_submission_form("U1", modal(), values)) == 200
    assert seen["values"]["kind"]["kind_in"]["selected_option"]["value"] == "hosp"
    assert seen["values"]["value"]["value_in"] == {"type": "number_input", "value": "25.5"}
    fake.wait_for("auth.test")
    fake.assert_clean()


def test_state_value_shapes() -> None:
    assert state_value("plain_text_input", None) == {"type": "plain_text_input", "value": None}
    assert state_value("users_select", "U1") == {"type": "users_select", "selected_user": "U1"}
    assert state_value("checkboxes", [("a", "A")])["selected_options"] == [
        {"text": {"type": "plain_text", "text": "A", "emoji": True}, "value": "a"}
    ]
    assert state_value("radio_buttons", None) == {"type": "radio_buttons", "selected_option": None}
    with pytest.raises(KeyError):
        view_state(modal(), {"kind_in": "cash"})


# -- Socket Mode --------------------------------------------------------------------------


def _await_client_closing(client: SocketModeClient) -> None:
    """Let the client's receiver finish handling the server's close frame first: slack_sdk's
    disconnect() tests `sock is not None` outside its locks, so closing while the receiver
    clears it raises AttributeError inside the SDK."""
    deadline = time.monotonic() + 5
    session = client.current_session
    while session is not None and session.sock is not None and time.monotonic() < deadline:
        time.sleep(0.01)


def test_socket_mode_hello_envelope_and_ack(fake: FakeSlack) -> None:
    sock = FakeSocketModeServer().start()
    fake.socket_url = sock.url
    client = SocketModeClient(
        app_token="xapp-test",
        web_client=WebClient(base_url=fake.api_url),
        auto_reconnect_enabled=False,
    )

    def listener(c: SocketModeClient, req: SocketModeRequest) -> None:
        if req.type == "slash_commands":
            text = f"got {req.payload['command']}"
            c.send_socket_mode_response(SocketModeResponse(req.envelope_id, {"text": text}))

    client.socket_mode_request_listeners.append(listener)
    try:
        client.connect()
        sock.wait_connected()
        payload = slash_command_payload(
            "/gift", "", "U1", trigger_id="t", response_url=fake.response_url("s")
        )
        envelope_id = sock.send_envelope("slash_commands", payload)
        ack = sock.wait_ack(envelope_id)
        assert ack == {"envelope_id": envelope_id, "payload": {"text": "got /gift"}}
        # The client pings on connect; the server's pong must carry its payload back.
        deadline = time.monotonic() + 10  # generous: the suite runs on two busy cores
        while client.current_session.last_ping_pong_time is None:
            assert time.monotonic() < deadline, "no pong for the client's ping"
            time.sleep(0.01)
    finally:
        # Server first: its close frame ends the client's blocking recv (3 s timeout otherwise).
        sock.stop()
        _await_client_closing(client)
        client.close()
    assert fake.wait_for("apps.connections.open").token == "xapp-test"
    fake.assert_clean()
