"""The delivery process (bot.delivery_process), as an operator runs it: `python -m bot` in HTTP
mode forks an HTTP process and a delivery process (on SQLite as on PostgreSQL). A message
queued by a request is sent by the delivery process at once (the bell, not its 30 s poll), and
by it alone; one killed is replaced and what it held or what was queued meanwhile still goes;
SIGTERM stops the HTTP process first, then the delivery process, and exits 0.
DELIVERY_PROCESS=0 is one process, as before. Several HTTP processes beside it:
tests/e2e/test_processes.py."""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from storage.db import Database
from storage.models import OutboxMessage
from storage.types import utcnow
from tests.e2e.harness import watching
from tests.e2e.process import until
from tests.e2e.test_gifts_flow import hospitality
from tests.e2e.test_kill_flow import NolanProcess, owed, running, sends
from tests.e2e.test_processes import delivery_pids
from tests.fakeslack import FakeSlack

# Far below the worker's poll (bot.outbox.SWEEP_EVERY, 30 s): only the bell is this quick.
PROMPTLY = 8.0


@pytest.fixture
def bot(fake: FakeSlack, db: Database, org: Any, tmp_path: Path) -> Iterator[NolanProcess]:
    # DEBUG: slack_sdk logs each Web API call, on a line naming its process.
    yield from running(fake, db, tmp_path, LOG_LEVEL="DEBUG", DELIVERY_PROCESS="1")


def server_pids(log: str) -> list[int]:
    return [int(pid) for pid in re.findall(r"Server process \d+ of \d+ started \(pid (\d+)\)", log)]


def posted_by(log: str, method: str) -> set[int]:
    """The processes that called `method` of the Web API."""
    return {
        int(pid) for pid in re.findall(rf"\[(\d+)\]: Sending a request - url: \S+/{method}", log)
    }


def declare(bot: NolanProcess, user: str = "UALICE") -> float:
    """A gift declared through the HTTP process; when it was acknowledged."""
    view = bot.open_modal(user, "/gift")
    assert bot.submit(user, view, hospitality(bot.clock)) == {}
    return time.monotonic()


def cards_to_manager(fake: FakeSlack, count: int) -> None:
    fake.wait_for(
        "chat.postMessage", lambda c: c.args["channel"] == "UMGR", count=count, timeout=PROMPTLY
    )


def ready(bot: NolanProcess) -> tuple[int, int]:
    """The HTTP process's pid and the delivery process's, once the delivery process has
    reached Slack and started the sweep (its catch-up run done: it waits on its bell)."""
    until(
        "the delivery process to start its sweep", lambda: "Daily sweep scheduled" in bot.log()
    )
    log = bot.log()
    [server], [delivery] = server_pids(log), delivery_pids(log)
    return server, delivery


def test_the_delivery_process_sends_what_a_request_queued_at_once_and_alone(
    bot: NolanProcess, fake: FakeSlack, db: Database
) -> None:
    bot.start()
    server, delivery = ready(bot)
    watching(db, "UALICE")  # her Home is open: the declaration owes it a refresh
    acked = declare(bot)
    cards_to_manager(fake, 1)
    assert time.monotonic() - acked < PROMPTLY
    until("the receipt", lambda: len(sends(fake, "chat.postMessage", "UALICE")) == 1)
    # The Home refresh the HTTP process queued after the request, drawn by the delivery process.
    fake.wait_for("views.publish", lambda c: c.args["user_id"] == "UALICE", timeout=PROMPTLY)
    log = bot.log()
    assert posted_by(log, "chat.postMessage") == posted_by(log, "views.publish") == {delivery}
    assert posted_by(log, "views.open") == {server}  # the request's own call, in its process

    log = bot.stopped_in_order(server, delivery)
    assert len(re.findall(r"\]: Scheduler started", log)) == 1


def test_a_killed_delivery_process_is_replaced_and_loses_nothing(
    bot: NolanProcess, fake: FakeSlack, db: Database
) -> None:
    bot.start()
    _server, delivery = ready(bot)
    os.kill(delivery, signal.SIGSTOP)
    declare(bot)
    # As if the delivery process had claimed the card and receipt when it died: the one that
    # replaces it puts them back rather than wait STALE_CLAIM (10 minutes) for them.
    with db.session() as session:
        for row in session.exec(
            select(OutboxMessage).where(col(OutboxMessage.id).in_([r.id for r in owed(db)]))
        ):
            row.status, row.claimed_at = "claimed", utcnow()
        session.commit()
    os.kill(delivery, signal.SIGKILL)
    declare(bot)  # while none delivers
    cards_to_manager(fake, 2)
    log = bot.log()
    assert f"delivery process (pid {delivery}) stopped (killed by SIGKILL); starting another" in log
    [_, replacement] = delivery_pids(log)
    assert "Put back 2 messages the stopped delivery process had in hand" in log
    until("every message to be delivered", lambda: all(r.status == "sent" for r in owed(db)))
    assert len(sends(fake, "chat.postMessage", "UMGR")) == 2  # each card once
    assert posted_by(bot.log(), "chat.postMessage") == {replacement}


def test_without_a_delivery_process_one_process_serves_and_sends(
    fake: FakeSlack, db: Database, org: Any, tmp_path: Path
) -> None:
    bot = NolanProcess(fake, db, tmp_path, DELIVERY_PROCESS="0")
    try:
        bot.start()
        declare(bot)
        cards_to_manager(fake, 1)
        assert bot.process is not None
        bot.process.terminate()
        assert bot.process.wait(timeout=30) == 0
        bot.process = None
    finally:
        bot.stop()
    log = bot.log()
    assert "Delivery process started" not in log and "Server process" not in log, log
    assert "Stopping" in log and "Traceback" not in log
