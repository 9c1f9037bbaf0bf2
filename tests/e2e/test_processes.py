"""HTTP_PROCESSES=2 as an operator runs it (bot.processes): `python -m bot` binds the port once
and two children serve it on PostgreSQL, the delivery process beside them. Each answers on its
own (the other stopped with SIGSTOP meanwhile), a declaration made through either is routed
once, a child that dies is replaced, one that cannot start stops them all with one line, and
SIGTERM stops every one.
On SQLite several processes are refused (tests/bot/test_processes.py)."""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from storage.db import Database
from tests.conftest import PG_URL
from tests.e2e.process import Bot, gone, until
from tests.e2e.test_gifts_flow import hospitality
from tests.e2e.test_kill_flow import NolanProcess, delivered, running, sends
from tests.fakeslack import FakeSlack

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="several processes need PostgreSQL (SQLite is refused)"
)


def reached(log: str) -> list[int]:
    """The pids of the HTTP processes that have reached Slack (each line names its process;
    the delivery process's says it is that one)."""
    return sorted({int(pid) for pid in re.findall(r"\[(\d+)\]: Slack reached at \S+$", log, re.M)})


def delivery_pids(log: str) -> list[int]:
    """The delivery processes started so far, in order."""
    return [int(pid) for pid in re.findall(r"Delivery process started \(pid (\d+)\)", log)]


@contextmanager
def stopped(pid: int) -> Iterator[None]:
    """`pid` takes no connection meanwhile: the other process must answer."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


@pytest.fixture
def bot(fake: FakeSlack, db: Database, org: Any, tmp_path: Path) -> Iterator[NolanProcess]:
    yield from running(fake, db, tmp_path, HTTP_PROCESSES="2", DELIVERY_PROCESS="1")


def test_two_processes_each_answer_and_route_a_declaration_once(
    bot: NolanProcess, fake: FakeSlack, db: Database
) -> None:
    bot.start()
    until("both processes to reach Slack", lambda: len(reached(bot.log())) == 2)
    first, second = reached(bot.log())
    for other in (second, first):  # each answers while the other is stopped
        with stopped(other):
            assert bot._healthy()
            view = bot.open_modal("UALICE", "/gift")
            assert bot.submit("UALICE", view, hospitality(bot.clock)) == {}
    until("every message to be delivered", delivered(db))
    assert len(sends(fake, "chat.postMessage", "UMGR")) == 2  # each card once
    assert len(sends(fake, "chat.postMessage", "UALICE")) == 2  # each receipt once

    assert bot.process is not None
    bot.process.terminate()
    assert bot.process.wait(timeout=30) == 0, bot.log()
    bot.process = None
    log = bot.log()
    for pid in (first, second):
        assert f"[{pid}]: Stopping" in log
        assert gone(pid)
    assert "Traceback" not in log
    assert len(re.findall(r"\]: Scheduler started", log)) == 1  # the daily sweep's, in one


def test_a_process_that_dies_is_replaced(bot: NolanProcess, fake: FakeSlack) -> None:
    bot.start()
    until("both processes to reach Slack", lambda: len(reached(bot.log())) == 2)
    first, second = reached(bot.log())
    os.kill(first, signal.SIGKILL)
    until("another process to reach Slack", lambda: len(reached(bot.log())) == 3)
    log = bot.log()
    assert f"(pid {first}) stopped (killed by SIGKILL); starting another" in log
    [third] = set(reached(log)) - {first, second}
    with stopped(second):
        assert bot._healthy()  # the new one serves
    assert bot.process is not None
    bot.process.terminate()
    assert bot.process.wait(timeout=30) == 0, bot.log()
    bot.process = None
    assert gone(second) and gone(third)


def test_the_processes_stop_when_their_parent_is_killed(bot: NolanProcess) -> None:
    bot.start()
    until("both processes to reach Slack", lambda: len(reached(bot.log())) == 2)
    first, second = reached(bot.log())
    [delivery] = delivery_pids(bot.log())
    assert bot.process is not None
    bot.process.kill()  # SIGKILL: the parent forwards nothing
    bot.process.wait(timeout=10)
    bot.process = None
    until("every process to stop", lambda: all(map(gone, (first, second, delivery))), timeout=30)
    log = bot.log()
    for pid in (first, second, delivery):
        assert f"[{pid}]: The parent process is gone; stopping" in log
        assert f"[{pid}]: Stopping" in log
    assert "Traceback" not in log


def test_a_process_that_cannot_start_stops_them_all_in_one_line(
    fake: FakeSlack, db_url: str, tmp_path: Path
) -> None:
    fake.slack_error_next("auth.test", "invalid_auth")  # one of the two is refused
    bot = Bot(tmp_path, SLACK_API_URL=fake.api_url, DATABASE_URL=db_url, HTTP_PROCESSES="2")
    try:
        assert bot.exit_code() == 1, bot.output()
    finally:
        bot.stop()
    errors = [line for line in bot.lines if line.startswith("nolan: error")]
    assert errors == [
        "nolan: error: Slack refused auth.test (invalid_auth): check SLACK_BOT_TOKEN"
    ], bot.output()
    assert "Traceback" not in bot.output(), bot.output()
