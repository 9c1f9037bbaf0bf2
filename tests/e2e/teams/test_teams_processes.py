"""Nolan's Teams mode as an operator runs it: `python -m bot` forks an HTTP process and, on
SQLite, the delivery process (bot.delivery_process). A gift sent from the Teams dialog, signed
as the Bot Framework signs it, is recorded by the HTTP process; the approver's card goes out
from the delivery process at once (the bell, not its 30 s poll), and the Approve press on it
is answered and tells the declarant. A request whose token is missing or forged gets 401 and
changes nothing; a killed delivery process is replaced and what it held still goes. The Slack
side of the same: tests/e2e/test_delivery_process.py."""

from __future__ import annotations

import json
import os
import re
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.ui.home_model import Action
from storage import outbox
from storage.db import Database
from storage.models import ApprovalStep, Declaration, OutboxMessage, Staff
from storage.types import utcnow
from tests.e2e.harness import Clock
from tests.e2e.process import Launched, until
from tests.e2e.teams.approving import (
    ALICE,
    MANNY,
    about_approvals,
    add_manny,
    card_to,
    press,
    replaced_card,
    step_of,
    text_of,
)
from tests.e2e.teams.dialogs import (
    button_data,
    closed_with,
    count,
    dialog_of,
    fetch,
    rows,
    send_form,
)
from tests.e2e.teams.harness import TeamsNolan, cards_of
from tests.e2e.teams.test_declare import gift_answers
from tests.e2e.test_processes import delivery_pids
from tests.faketeams import APP_ID, APP_PASSWORD, TENANT_ID, FakeTeams, Forgery

# Far below the delivery process's poll (bot.outbox.SWEEP_EVERY, 30 s): only the bell is this
# quick.
PROMPTLY = 8.0


class TeamsProcess(Launched, TeamsNolan):
    """`python -m bot` in Teams mode in its own processes, over the test's database and
    against the Microsoft fakes; spoken to as Teams speaks (TeamsNolan.post)."""

    def __init__(self, fake: FakeTeams, db: Database, workdir: Path, **env: str) -> None:
        super().__init__(fake, db, Clock(datetime.now(UTC)))  # the process keeps real time
        self.workdir, self.env = workdir, env

    def start(self) -> TeamsProcess:
        self.launch(
            {
                "TEAMS_APP_ID": APP_ID,
                "TEAMS_APP_PASSWORD": APP_PASSWORD,
                "TEAMS_TENANT_ID": TENANT_ID,
                "TEAMS_OPENID_METADATA_URL": self.fake.openid_metadata_url,
                "TEAMS_TOKEN_URL": self.fake.token_url,
                "TEAMS_GRAPH_URL": self.fake.graph_url,
                "TEAMS_SERVICE_URL": self.fake.service_url("default"),
                "DATABASE_URL": self.db.url,
            },
            dropped=lambda name: name.startswith(("SLACK_", "TEAMS_")),
        )
        return self

    def settle(self) -> None:
        """Wait until nothing due is left unsent (the delivery process's outbox, seen from
        the database: this process has no worker of its own)."""

        def idle() -> bool:
            with self.db.session() as session:
                return outbox.waiting(session, now=utcnow()) == 0

        until("the outbox to settle", idle)


@pytest.fixture
def bot(
    fake: FakeTeams, db: Database, org: dict[str, Staff], tmp_path: Path
) -> Iterator[TeamsProcess]:
    add_manny(fake, db, org)  # Alice's line manager: the dialog asks for none
    process = TeamsProcess(fake, db, tmp_path, HTTP_PROCESSES="1", DELIVERY_PROCESS="1")
    yield process
    process.stop()
    print(process.log())  # shown if the test failed


def server_pids(log: str) -> list[int]:
    return [int(pid) for pid in re.findall(r"Server process \d+ of \d+ started \(pid (\d+)\)", log)]


def connector_callers(log: str) -> set[int]:
    """The processes that called the Bot Connector (httpx logs each request, on a line naming
    its process)."""
    return {int(pid) for pid in re.findall(r"\[(\d+)\]: HTTP Request: \w+ \S+/connector/", log)}


def ready(bot: TeamsProcess) -> tuple[int, int]:
    """The HTTP process's pid and the delivery process's, once the delivery process has
    started the sweep (on Teams at once; its catch-up run done, it waits on its bell)."""
    until("the delivery process to start its sweep", lambda: "Daily sweep scheduled" in bot.log())
    log = bot.log()
    [server], [delivery] = server_pids(log), delivery_pids(log)
    return server, delivery


def gift_form(bot: TeamsProcess) -> dict[str, Any]:
    """The Teams gift dialog's invoke as Alice sends it (task/submit), unsigned yet."""
    card = dialog_of(fetch(bot, ALICE, button_data(Action.DECLARE_GIFT)))
    [submit] = [a for a in card["actions"] if a["type"] == "Action.Submit"]
    value = {"data": {**submit["data"], **gift_answers(bot.clock)}, "context": {"theme": "default"}}
    return bot.activity(ALICE, "invoke", name="task/submit", value=value)


def declare(bot: TeamsProcess) -> float:
    """Alice declares a gift from the Teams dialog; when Nolan acknowledged it."""
    card = dialog_of(fetch(bot, ALICE, button_data(Action.DECLARE_GIFT)))
    assert "Recorded as GH-" in closed_with(send_form(bot, ALICE, card, gift_answers(bot.clock)))
    return time.monotonic()


def post_unsigned(bot: TeamsProcess, body: dict[str, Any]) -> int:
    """POST an activity with no Authorization header at all; the status."""
    request = urllib.request.Request(
        f"{bot.url}/api/messages", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return int(response.status)
    except urllib.error.HTTPError as failure:
        return int(failure.code)


def test_a_gift_from_the_dialog_is_carded_by_the_delivery_process_and_approved(
    bot: TeamsProcess, fake: FakeTeams, db: Database
) -> None:
    bot.start()
    server, delivery = ready(bot)

    # Missing or forged tokens: 401 from the HTTP process, nothing recorded, queued or sent.
    form = gift_form(bot)
    assert post_unsigned(bot, form) == 401
    for forgery in (Forgery.UNSIGNED, Forgery.WRONG_KEY, Forgery.WRONG_AUDIENCE):
        assert bot.post(form, forgery=forgery)[0] == 401, forgery
    assert count(db, Declaration) == count(db, OutboxMessage) == 0
    assert fake.delivered() == []

    acked = declare(bot)
    [step] = [s.id for s in rows(db, ApprovalStep)]
    sent = card_to(fake, MANNY)  # the approver's card, within the fake's wait
    assert time.monotonic() - acked < PROMPTLY
    assert connector_callers(bot.log()) == {delivery}  # sent by it alone, none by the server

    status, reply = press(bot, MANNY, sent, "decide_approved")
    assert status == 200
    decided = text_of(replaced_card(reply))
    assert "Approved" in decided and "Manny Manager" in decided
    assert step_of(db, step).status == "approved"
    outcome = card_to(fake, ALICE)  # the declarant told
    assert "Approved" in outcome.body["summary"]
    assert "Manny Manager" in text_of(cards_of(outcome)[0])
    assert connector_callers(bot.log()) == {delivery}

    bot.stopped_in_order(server, delivery)


def test_a_killed_delivery_process_is_replaced_and_its_cards_still_go(
    bot: TeamsProcess, fake: FakeTeams, db: Database
) -> None:
    bot.start()
    _server, delivery = ready(bot)
    os.kill(delivery, signal.SIGSTOP)
    declare(bot)
    # As if the delivery process had claimed what was owed when it died: the one replacing
    # it puts them back rather than wait STALE_CLAIM (10 minutes) for them.
    with db.session() as session:
        held = 0
        for row in session.exec(select(OutboxMessage).where(col(OutboxMessage.status) == "queued")):
            row.status, row.claimed_at = "claimed", utcnow()
            held += 1
        session.commit()
    assert held
    os.kill(delivery, signal.SIGKILL)
    declare(bot)  # while none delivers
    card_to(fake, MANNY, count=2)
    log = bot.log()
    assert f"delivery process (pid {delivery}) stopped (killed by SIGKILL); starting another" in log
    [_, replacement] = delivery_pids(log)
    assert f"Put back {held} message" in log
    until("every card and receipt to be sent", lambda: _settled(db))
    assert connector_callers(bot.log()) == {replacement}
    assert len(about_approvals(fake, MANNY)) == 2  # each card once
    assert [s.status for s in rows(db, ApprovalStep)] == ["pending", "pending"]


def _settled(db: Database) -> bool:
    with db.session() as session:
        return outbox.waiting(session, now=utcnow()) == 0
