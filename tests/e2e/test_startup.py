"""Start-up as an operator meets it: Slack out of reach, or refusing a token. One line each,
never a traceback; HTTP mode serves /health meanwhile and retries until Slack answers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.serve import wait_for_slack
from bot.slack_client import SlackFailure
from tests.fakeslack import FakeSlack, FakeSocketModeServer

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bot:
    """`python -m bot` as a process, its output collected line by line as it comes."""

    def __init__(self, tmp_path: Path, **env: str) -> None:
        environ = {
            k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SLACK_APP_TOKEN")
        }
        environ.update(
            SLACK_BOT_TOKEN="xoxb-process-token",
            SLACK_SIGNING_SECRET="process-secret",
            HOST="127.0.0.1",
            PYTHONPATH=str(REPO),
            **env,
        )
        self.port = int(environ.setdefault("PORT", str(_free_port())))
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=tmp_path,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_until(self, what: str, ok: Callable[[], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not ok():
            assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{self.output()}"
            time.sleep(0.1)

    def health(self) -> tuple[int, dict[str, str]] | None:
        url = f"http://127.0.0.1:{self.port}/health"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
        except OSError:
            return None

    def exit_code(self, timeout: float = 30) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
        return self.exit_code(timeout=15)


@pytest.fixture
def bots() -> Iterator[list[Bot]]:
    started: list[Bot] = []
    yield started
    for bot in started:
        if bot.process.poll() is None:
            bot.process.kill()
            bot.process.wait(timeout=10)


def test_http_mode_serves_health_while_slack_is_out_of_reach_then_connects(
    tmp_path: Path, bots: list[Bot]
) -> None:
    slack_port = _free_port()  # nothing listens here yet
    bot = Bot(tmp_path, SLACK_API_URL=f"http://127.0.0.1:{slack_port}/api/")
    bots.append(bot)
    bot.wait_until("/health to answer", lambda: bot.health() is not None)
    assert bot.health() == (503, {"status": "starting", "slack": "unreachable"})
    bot.wait_until("a retry line", lambda: "attempt 1" in bot.output())

    with FakeSlack().start(port=slack_port) as fake:  # Slack comes back at the same address
        bot.wait_until("/health to say ok", lambda: bot.health() == (200, {"status": "ok"}))
        assert fake.calls("auth.test")[0].token == "xoxb-process-token"
        assert bot.stop() == 0
    tries = [line for line in bot.lines if "Slack not reached" in line]
    assert tries, bot.output()
    for n, line in enumerate(tries, start=1):
        # One line per attempt, naming the cause and the setting to check.
        assert f"(attempt {n}): cannot reach Slack at http://127.0.0.1:{slack_port}/api/" in line
        assert "(check SLACK_API_URL); trying again in" in line
    assert "Traceback" not in bot.output()
    assert not any("slack_sdk" in line for line in bot.lines), bot.output()


@pytest.mark.parametrize("mode", ["http", "socket"])
def test_a_refused_bot_token_is_one_line_and_exit_1(
    tmp_path: Path, bots: list[Bot], mode: str
) -> None:
    with FakeSlack() as fake:
        fake.slack_error_next("auth.test", "invalid_auth")
        extra = {"SLACK_APP_TOKEN": "xapp-process-token"} if mode == "socket" else {}
        bot = Bot(tmp_path, SLACK_API_URL=fake.api_url, **extra)
        bots.append(bot)
        assert bot.exit_code() == 1
        assert len(fake.calls("auth.test")) + len(fake.rejected) == 1  # not retried
    errors = [line for line in bot.lines if "error" in line.lower()]
    assert errors == [
        "nolan: error: Slack refused auth.test (invalid_auth): check SLACK_BOT_TOKEN"
    ], bot.output()
    assert "Traceback" not in bot.output()


def test_a_refused_app_token_is_one_line_and_exit_1(tmp_path: Path, bots: list[Bot]) -> None:
    with FakeSlack() as fake:
        fake.slack_error_next("apps.connections.open", "invalid_auth")
        bot = Bot(tmp_path, SLACK_API_URL=fake.api_url, SLACK_APP_TOKEN="xapp-refused")
        bots.append(bot)
        assert bot.exit_code() == 1
    errors = [line for line in bot.lines if "error" in line.lower()]
    assert errors == [
        "nolan: error: Slack refused apps.connections.open (invalid_auth): check SLACK_APP_TOKEN"
    ], bot.output()
    assert "Traceback" not in bot.output()


def test_socket_mode_retries_until_slack_is_reached(tmp_path: Path, bots: list[Bot]) -> None:
    slack_port = _free_port()
    bot = Bot(
        tmp_path,
        SLACK_API_URL=f"http://127.0.0.1:{slack_port}/api/",
        SLACK_APP_TOKEN="xapp-process-token",
    )
    bots.append(bot)
    bot.wait_until("a retry line", lambda: "attempt 1" in bot.output())
    socket_server = FakeSocketModeServer().start()
    try:
        with FakeSlack().start(port=slack_port) as fake:
            fake.socket_url = socket_server.url
            socket_server.wait_connected(timeout=30)
            assert fake.wait_for("apps.connections.open").token == "xapp-process-token"
            assert bot.stop() == 0
    finally:
        socket_server.stop()
    assert "cannot reach Slack" in bot.output() and "Traceback" not in bot.output()


# -- the retry loop itself, without processes --------------------------------------------


def test_wait_for_slack_backs_off_then_succeeds() -> None:
    outcomes: list[SlackFailure | None] = [
        SlackFailure("cannot reach Slack", refused=False),
        SlackFailure("cannot reach Slack", refused=False),
        SlackFailure("cannot reach Slack", refused=False),
        None,
    ]
    slept: list[float] = []

    def check() -> None:
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome

    assert wait_for_slack(check, sleep=lambda s: slept.append(s), delays=(1, 2)) is True
    assert slept == [1, 2, 2]  # the last delay repeats


def test_wait_for_slack_does_not_retry_a_refusal_and_stops_when_told() -> None:
    refusal = SlackFailure("Slack refused auth.test (invalid_auth)", refused=True)

    def refuse() -> None:
        raise refusal

    with pytest.raises(SlackFailure) as raised:
        wait_for_slack(refuse, sleep=lambda s: pytest.fail("slept"))
    assert raised.value is refusal

    def unreachable() -> None:
        raise SlackFailure("cannot reach Slack", refused=False)

    assert wait_for_slack(unreachable, sleep=lambda s: True) is False
