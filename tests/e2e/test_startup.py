"""Start-up as an operator meets it: Slack out of reach, or refusing a token. One line each,
never a traceback; HTTP mode serves /health meanwhile and retries until Slack answers."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.serve import wait_for_slack
from bot.slack_client import SlackFailure
from tests.e2e.process import Bot, free_port
from tests.fakeslack import FakeSlack, FakeSocketModeServer


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
    slack_port = free_port()  # nothing listens here yet
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
    # The HTTP process and the delivery process each try: their lines interleave, each
    # process's counted on its own (the log line names its pid).
    by_process: dict[str, list[str]] = {}
    for line in tries:
        pid = re.search(r"\[(\d+)\]:", line)
        by_process.setdefault(pid[1] if pid else "", []).append(line)
    for lines in by_process.values():
        for n, line in enumerate(lines, start=1):
            # One line per attempt, naming the cause and the setting to check.
            reach = f"(attempt {n}): cannot reach Slack at http://127.0.0.1:{slack_port}/api/"
            assert reach in line, bot.output()
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
        # Not retried: each process that checks the token (in HTTP mode the server process and
        # the delivery process) asks once at most, and the refused one's stops them all.
        checks = 2 if mode == "http" else 1
        assert 1 <= len(fake.calls("auth.test")) + len(fake.rejected) <= checks
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


def test_a_port_already_taken_is_one_line_and_exit_1(tmp_path: Path, bots: list[Bot]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        bot = Bot(tmp_path, SLACK_API_URL="http://127.0.0.1:9/api/", PORT=str(port))
        bots.append(bot)
        assert bot.exit_code() == 1
    errors = [line for line in bot.lines if "error" in line.lower()]
    assert len(errors) == 1 and errors[0].startswith(
        f"nolan: error: cannot listen on 127.0.0.1:{port}: "
    ), bot.output()
    assert errors[0].endswith("(check HOST and PORT)")
    assert "Traceback" not in bot.output()


def test_socket_mode_retries_until_slack_is_reached(tmp_path: Path, bots: list[Bot]) -> None:
    slack_port = free_port()
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
