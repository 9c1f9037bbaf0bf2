"""`kill -9` loses nothing acknowledged: the bot runs as its own process against the fake
Slack, is killed right after a submission's ack and right after a decision's ack — while
Slack is refusing messages (fake.refuse, released by the test: no timing) — and is started
again. Every message owed arrives exactly once, and the decided card loses its buttons."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import Mock

import pytest
from sqlmodel import col, select

from bot.settings import Settings
from handlers.approvals.ids import decide_action
from handlers.approvals.listeners import decide_by_button
from handlers.gifts.listeners import submit_gift
from handlers.metadata import Decision, decode
from storage import staff
from storage.db import Database
from storage.models import ApprovalStep, Declaration, OutboxMessage
from tests.e2e.harness import SECRET, Clock, Nolan, dm_to
from tests.e2e.process import Launched, until
from tests.e2e.test_gifts_flow import has_buttons, hospitality
from tests.fakeslack import FakeSlack, block_actions_payload, view_state, view_submission_payload
from tests.handlers.env import env_for, turn_for

SENDS = ("chat.postMessage", "chat.update")


def refuse_sends(fake: FakeSlack) -> None:
    """Slack answers every message "service_unavailable", Retry-After 3 s (HTTP 200, so the
    client's own retry handlers leave it to the outbox), until released."""
    for method in SENDS:
        fake.refuse(method, status=200, retry_after=3)


class NolanProcess(Launched, Nolan):
    """`python -m bot` in its own process, over the test's database: it can be killed."""

    def __init__(self, fake: FakeSlack, db: Database, workdir: Path, **env: str) -> None:
        super().__init__(fake, db, Clock(datetime.now(UTC)))
        self.workdir, self.env = workdir, env

    def start(self) -> NolanProcess:
        self.launch(
            {
                "SLACK_BOT_TOKEN": "xoxb-kill-token",
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": self.fake.api_url,
                "DATABASE_URL": self.db.url,
            },
            dropped=lambda name: name == "SLACK_APP_TOKEN",
        )
        return self

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(timeout=10) == -signal.SIGKILL
        self.process = None


def running(fake: FakeSlack, db: Database, workdir: Path, **env: str) -> Iterator[NolanProcess]:
    """A fixture's bot process: stopped after the test, its log shown if the test failed."""
    process = NolanProcess(fake, db, workdir, **env)
    yield process
    process.stop()
    print(process.log()[-3000:])


@pytest.fixture
def bot(fake: FakeSlack, db: Database, org: Any, tmp_path: Path) -> Iterator[NolanProcess]:
    yield from running(fake, db, tmp_path)


def owed(db: Database) -> list[OutboxMessage]:
    """The messages queued with the changes (not the Home refreshes queued after them: one
    in hand when the bot is killed waits for its claim to go stale)."""
    with db.session() as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(col(OutboxMessage.payload).is_not(None), OutboxMessage.kind != "home")
                .order_by(col(OutboxMessage.id))
            )
        )


def refused_and_recorded(db: Database, count: int) -> Callable[[], bool]:
    """The `count` messages not yet delivered were each tried, refused by Slack and recorded
    as failed, none to be tried again within a second: the worker is in back-off
    (Retry-After), holding no claim, so a kill now is "after the ack, before its
    messages"."""

    def check() -> bool:
        waiting = [r for r in owed(db) if r.status not in ("sent", "skipped")]
        soon = datetime.now(UTC) + timedelta(seconds=1)
        return len(waiting) == count and all(
            r.status == "failed" and r.not_before and r.not_before > soon for r in waiting
        )

    return check


def delivered(db: Database) -> Callable[[], bool]:
    return lambda: all(r.status in ("sent", "skipped") for r in owed(db))


def sends(fake: FakeSlack, method: str, user: str) -> list[Any]:
    return [c for c in fake.calls(method) if c.args.get("channel") in (user, f"D{user}")]


def test_a_kill_after_the_acks_loses_no_message_and_leaves_no_live_button(
    bot: NolanProcess, fake: FakeSlack, db: Database
) -> None:
    refuse_sends(fake)
    bot.start()
    today = bot.clock
    view = bot.open_modal("UALICE", "/gift")
    assert bot.submit("UALICE", view, hospitality(today)) == {}  # the ack
    until("the card and receipt to be refused", refused_and_recorded(db, 2))
    bot.kill()
    with db.session() as session:
        assert len(session.exec(select(Declaration)).all()) == 1  # stored before the ack
    assert fake.calls("chat.postMessage") == []

    for method in SENDS:
        fake.release(method)
    bot.start()  # a new process picks up what the dead one owed
    card = fake.wait_for("chat.postMessage", lambda c: c.args["channel"] == "UMGR", timeout=60)
    assert has_buttons(card)
    until("the first messages to be delivered", delivered(db))
    dm_to(fake, "UALICE")
    assert len(sends(fake, "chat.postMessage", "UMGR")) == 1
    assert len(sends(fake, "chat.postMessage", "UALICE")) == 1  # the receipt, once

    refuse_sends(fake)
    status, _reply = bot.press("UMGR", card, decide_action("approved"))
    assert status == 200  # the ack
    with db.session() as session:
        [step] = session.exec(select(ApprovalStep)).all()
        assert step.status == "approved"  # stored before the ack
    until("the decision's messages to be refused", refused_and_recorded(db, 2))
    bot.kill()

    for method in SENDS:
        fake.release(method)
    bot.start()
    outcome = dm_to(fake, "UALICE", count=2)  # the receipt came before it
    assert "approved" in outcome.args["text"].lower()
    update = fake.wait_for("chat.update", timeout=60)
    until("the decision's messages to be delivered", delivered(db))
    posted = fake.responses("chat.postMessage")[fake.calls("chat.postMessage").index(card)]
    assert (update.args["channel"], update.args["ts"]) == (posted["channel"], posted["ts"])
    assert not has_buttons(update)
    assert len(sends(fake, "chat.postMessage", "UALICE")) == 2  # receipt, outcome: once each
    assert len(fake.calls("chat.update")) == 1
    assert len(sends(fake, "chat.postMessage", "UMGR")) == 1


# -- the ack comes after the commit (listeners called directly) ------------------------------


def _ack_noting(stored: Callable[[], bool]) -> Mock:
    """An `ack` that notes, when called, whether the change was already committed."""
    seen: list[bool] = []
    ack = Mock(side_effect=lambda *_args, **_kwargs: seen.append(stored()))
    ack.seen = seen
    return ack


def _settings(nolan: Nolan) -> Settings:
    return Settings(
        slack_bot_token="xoxb-e2e-token",
        slack_signing_secret=SECRET,
        slack_api_url=nolan.fake.api_url,
        database_url=nolan.db.url,
        policy=nolan.policy,
    )


def test_a_declaration_and_its_messages_are_committed_before_the_ack(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    view = nolan.open_modal("UALICE", "/gift")
    body = view_submission_payload("UALICE", view, view_state(view, hospitality(clock)))
    ack = _ack_noting(lambda: len(owed(db)) == 2)  # the manager's card, the receipt
    with db.session() as session:
        alice = staff.by_slack_id(session, slack_user_id="UALICE")
    env = env_for(db, clock, settings=_settings(nolan))
    submit_gift(turn_for(env, alice, body=body, ack=ack))
    assert ack.seen == [True]
    nolan.settle()  # the running bot's worker sends them
    assert len(sends(fake, "chat.postMessage", "UMGR")) == 1


def test_a_decision_and_its_messages_are_committed_before_the_ack(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    nolan.submit("UALICE", nolan.open_modal("UALICE", "/gift"), hospitality(clock))
    card = dm_to(fake, "UMGR", has_buttons)
    nolan.settle()
    approve = decide_action("approved")
    [(block_id, value)] = [
        (b["block_id"], e["value"])
        for b in card.args["blocks"]
        if b.get("type") == "actions"
        for e in b["elements"]
        if e["action_id"] == approve
    ]

    def decided() -> bool:
        with db.session() as session:
            [step] = session.exec(select(ApprovalStep)).all()
        return step.status == "approved" and len(owed(db)) == 2 + 2  # card update, outcome

    ack = _ack_noting(decided)
    body = block_actions_payload(
        "UMGR",
        approve,
        value,
        block_id=block_id,
        channel_id=card.response["channel"],
        message_ts=card.response["ts"],
        trigger_id=fake.new_trigger_id(),
    )
    meta = decode(Decision, value)
    with db.session() as session:
        manager = staff.by_slack_id(session, slack_user_id="UMGR")
    env = env_for(db, clock, settings=_settings(nolan))
    decide_by_button(turn_for(env, manager, body=body, ack=ack, client=Mock()), meta)
    assert ack.seen == [True]
    nolan.settle()
    update = fake.wait_for("chat.update")
    assert not has_buttons(update)
