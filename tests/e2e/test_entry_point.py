"""`python -m bot` as an operator runs it: a real process, HTTP mode, default database."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.process import Bot
from tests.fakeslack import FakeSlack, post, slash_command_form


def test_python_m_bot_serves_http_on_an_empty_default_database(
    fake: FakeSlack, tmp_path: Path
) -> None:
    # Without the trailing slash works too.
    bot = Bot(tmp_path, SLACK_API_URL=fake.api_url.rstrip("/"))
    try:
        bot.wait_until("the bot to start", lambda: bot.health() == (200, {"status": "ok"}))
        assert (tmp_path / "data" / "nolan.db").exists()
        assert fake.wait_for("auth.test").token == "xoxb-process-token"

        body = slash_command_form(
            "/conduct",
            "help",
            "UALICE",
            trigger_id=fake.new_trigger_id(),
            response_url=fake.response_url("p"),
        )
        status, _headers, reply = post(
            f"http://127.0.0.1:{bot.port}/slack/events", body, "process-secret"
        )
        assert status == 200
        assert "/gift" in json.loads(reply)["text"]
    finally:
        # SIGTERM is a clean stop, not a crash.
        assert bot.stop() == 0, bot.output()


def test_python_m_bot_runs_socket_mode_when_an_app_token_is_set(
    fake: FakeSlack, tmp_path: Path
) -> None:
    from tests.fakeslack import FakeSocketModeServer, slash_command_payload

    socket_server = FakeSocketModeServer().start()
    fake.socket_url = socket_server.url
    bot = Bot(tmp_path, SLACK_APP_TOKEN="xapp-process-token", SLACK_API_URL=fake.api_url)
    try:
        socket_server.wait_connected(timeout=30)
        assert fake.wait_for("apps.connections.open").token == "xapp-process-token"
        envelope = socket_server.send_envelope(
            "slash_commands",
            slash_command_payload(
                "/conduct",
                "help",
                "UALICE",
                trigger_id=fake.new_trigger_id(),
                response_url=fake.response_url("s"),
            ),
        )
        ack = socket_server.wait_ack(envelope, timeout=10)
        assert "/gift" in ack["payload"]["text"]
    finally:
        socket_server.stop()
        assert bot.stop() == 0, bot.output()
