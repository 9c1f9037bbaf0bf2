"""`python -m bot` as an operator runs it: a real process, HTTP mode, default database."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.fakeslack import FakeSlack, post, slash_command_form

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_python_m_bot_serves_http_on_an_empty_default_database(
    fake: FakeSlack, tmp_path: Path
) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SLACK_APP_TOKEN")}
    env.update(
        SLACK_BOT_TOKEN="xoxb-process-token",
        SLACK_SIGNING_SECRET="process-secret",
        SLACK_API_URL=fake.api_url.rstrip("/"),  # without the slash works too
        HOST="127.0.0.1",
        PORT=str(port),
        PYTHONPATH=str(REPO),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    assert json.loads(r.read()) == {"status": "ok"}
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "bot did not start"
                time.sleep(0.2)
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
            f"http://127.0.0.1:{port}/slack/events", body, "process-secret"
        )
        assert status == 200
        assert "/gift" in json.loads(reply)["text"]
    finally:
        process.terminate()
        # SIGTERM is a clean stop, not a crash.
        assert process.wait(timeout=10) == 0


def test_python_m_bot_runs_socket_mode_when_an_app_token_is_set(
    fake: FakeSlack, tmp_path: Path
) -> None:
    from tests.fakeslack import FakeSocketModeServer, slash_command_payload

    socket_server = FakeSocketModeServer().start()
    fake.socket_url = socket_server.url
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        SLACK_BOT_TOKEN="xoxb-process-token",
        SLACK_SIGNING_SECRET="process-secret",
        SLACK_APP_TOKEN="xapp-process-token",
        SLACK_API_URL=fake.api_url,
        PYTHONPATH=str(REPO),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
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
        process.terminate()
        assert process.wait(timeout=15) == 0
