"""The handlers tier for the yearly answers and the registers' forms: the listeners called
directly with spec'd mocks (the use cases below run on a real database), and a refusal of
several fields at once answered on each field."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest.mock import create_autospec

import pytest
from slack_bolt import Ack, BoltContext, BoltResponse
from slack_sdk import WebClient
from sqlalchemy import event
from sqlmodel import select

from bot.outbox import Posted, Worker
from bot.rules.refusal import Refused
from bot.ui.reviews import ReviewRef
from bot.usecases import delegate
from bot.usecases.answers import ANNUAL_RECORDED, UNDERTAKING_ACCEPTED
from bot.usecases.reviews import ANSWERED
from handlers.annual.ids import AnnualRef
from handlers.annual.listeners import nothing_changed
from handlers.errors import handle_error
from handlers.home.listeners import end_delegation
from handlers.notifier import Notifier
from handlers.outgoing import SlackSender
from handlers.reviews import listeners as reviews
from handlers.undertaking.ids import UndertakingRef
from handlers.undertaking.listeners import accept
from storage.db import Database
from storage.models import OutboxMessage, Staff
from tests.handlers.env import env_for, turn_for
from tests.usecases.people import REVIEWED, SETTINGS, audited, granted_permission, owed, seed

NOW = datetime(2027, 4, 2, 10, 0, tzinfo=UTC)
UNTIL = date(2027, 5, 3)  # a delegation's last day


def pressed(channel: str = "D0ALICE", ts: str = "1700000000.000100") -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": "UALICE"},
        "container": {"channel_id": channel, "message_ts": ts},
        "trigger_id": "1.2.3",
    }


class Ticking:
    """The pace's clock, moved on by the worker's waits rather than by real time."""

    def __init__(self) -> None:
        self.t = 0.0

    def clock(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


def send_owed(db: Database, notifier: Notifier, at: datetime = NOW) -> int:
    """What the answers owe, sent by the outbox's worker through Slack's sender `at`; how
    many were taken to send."""
    ticking = Ticking()
    worker = Worker(
        db,
        SlackSender(db, notifier, policy=SETTINGS.policy, now=lambda: at),
        now=lambda: at,
        clock=ticking.clock,
        sleep=ticking.sleep,
    )
    return worker.run_once()  # waits out the pace (one a second to a conversation)


def receipts(db: Database, card: str) -> list[dict[str, Any]]:
    return [o.payload for o in owed(db) if o.card == card]


def test_nothing_has_changed_is_recorded_and_the_dm_becomes_its_receipt(db: Database) -> None:
    """Pressed on the DM and again on a reminder: one answer, and each message it was pressed
    on redrawn as the receipt of the answer that stands, by the outbox after the ack."""
    alice = seed(db)["alice"]
    ack, notifier = create_autospec(Ack), create_autospec(Notifier, instance=True)
    for ts in ("1700000000.000100", "1700000500.000200"):
        env = env_for(db, lambda: NOW, notifier)
        nothing_changed(turn_for(env, alice, body=pressed(ts=ts), ack=ack), AnnualRef(year=2027))
    assert ack.call_count == 2
    assert len(audited(db, "annual_declaration_confirmed")) == 1
    assert not notifier.update.called  # nothing sent on the request's thread
    assert send_owed(db, notifier) == 2
    redrawn = [call.args for call in notifier.update.call_args_list]
    assert [where for where, _ in redrawn] == [
        Posted("D0ALICE", "1700000000.000100"),
        Posted("D0ALICE", "1700000500.000200"),
    ]
    assert all("2027" in receipt.text for _, receipt in redrawn)
    assert redrawn[0][1] == redrawn[1][1]  # the same answer, the first one


def test_a_form_refused_on_several_fields_shows_each_error_on_its_field() -> None:
    body = {"type": "view_submission", "user": {"id": "UMO"}, "view": {"blocks": []}}
    refused = Refused.on_fields({"ground": "Choose one.", "note": "Say why."})
    answer = handle_error(
        refused,
        body,
        BoltContext(),
        create_autospec(WebClient, instance=True),
        BoltResponse(status=200, body=""),
    )
    assert answer is not None
    assert json.loads(answer.body) == {
        "response_action": "errors",
        "errors": {"ground": "Choose one.", "note": "Say why."},
    }


# -- a press is acked once its answer is committed (issue 10: nothing acknowledged is lost) ---


def ack_noting(stored: Callable[[], bool]) -> Any:
    """An `ack` that notes, each time it is called, whether the answer was committed then."""
    ack = create_autospec(Ack)
    ack.seen = []
    ack.side_effect = lambda *_args, **_kwargs: ack.seen.append(stored())
    return ack


def committed(db: Database, action: str, receipt: str | None = None) -> Callable[[], bool]:
    """The answer audited once, and its `receipt` owed with it."""
    return lambda: len(audited(db, action)) == 1 and (
        receipt is None or len(receipts(db, receipt)) == 1
    )


def test_nothing_has_changed_is_acked_once_committed(db: Database) -> None:
    alice = seed(db)["alice"]
    ack = ack_noting(committed(db, "annual_declaration_confirmed", ANNUAL_RECORDED))
    env = env_for(db, lambda: NOW)
    nothing_changed(turn_for(env, alice, body=pressed(), ack=ack), AnnualRef(year=2027))
    assert ack.seen == [True]


def test_the_undertaking_is_acked_once_committed(db: Database) -> None:
    bob = seed(db)["bob"]
    ack = ack_noting(committed(db, "undertaking_accepted", UNDERTAKING_ACCEPTED))
    notifier = create_autospec(Notifier, instance=True)
    accept(
        turn_for(env_for(db, lambda: NOW, notifier), bob, body=pressed(), ack=ack),
        UndertakingRef(version="v1"),
    )
    assert ack.seen == [True]
    assert send_owed(db, notifier) == 1
    where, receipt = notifier.update.call_args.args
    assert where == Posted("D0ALICE", "1700000000.000100")
    assert "You accepted this undertaking" in str(receipt.blocks[1].text.text)


def test_a_refusal_before_the_ack_records_nothing(db: Database) -> None:
    seed(db)
    ack = ack_noting(committed(db, "annual_declaration_confirmed"))
    turn = turn_for(env_for(db, lambda: NOW), None, body=pressed(), ack=ack)
    with pytest.raises(Refused):  # handlers.errors tells them, and acks
        nothing_changed(turn, AnnualRef(year=2027))
    assert ack.seen == []
    assert audited(db, "annual_declaration_confirmed") == []


@pytest.mark.parametrize(
    ("press", "action"),
    [
        (reviews.unchanged, "outside_work_reviewed"),
        (reviews.changed, "outside_work_reviewed"),
        (reviews.ended, "ended"),
    ],
    ids=["unchanged", "changed", "ended"],
)
def test_a_review_is_acked_once_its_answer_is_committed(
    db: Database, press: Callable[..., None], action: str
) -> None:
    people = seed(db)
    permission = granted_permission(db, people)
    ack = ack_noting(committed(db, action, ANSWERED))
    notifier = create_autospec(Notifier, instance=True)
    env = env_for(db, lambda: NOW, notifier, settings=SETTINGS)
    press(
        turn_for(env, people["alice"], body=pressed(), ack=ack),
        ReviewRef(declaration_id=permission, period=REVIEWED),
    )
    assert ack.seen == [True]
    assert not notifier.update.called
    sent = send_owed(db, notifier)  # the DM redrawn after the ack (and the manager told)
    assert sent == (2 if press is reviews.ended else 1)
    where, receipt = notifier.update.call_args.args
    assert where == Posted("D0ALICE", "1700000000.000100")
    assert not any(b.type == "actions" for b in receipt.blocks)  # no buttons left


def test_ending_delegations_from_home_is_acked_once_committed(db: Database) -> None:
    people = seed(db)
    with db.session() as session:
        manager = session.get(Staff, people["manager"].id)
        assert manager is not None
        manager.slack_user_id = "UMANNY"
        session.add(manager)
        session.commit()
        session.refresh(manager)
        delegate.delegate(
            session,
            delegator=manager,
            deputy_id=people["bob"].id or 0,
            deputy_chosen=True,
            starts_on=None,
            ends_on=UNTIL,
            today=NOW.date(),
            now=NOW,
            confirm=True,
        )
    ack = ack_noting(committed(db, "delegation_ended"))
    body = {**pressed(), "user": {"id": "UMANNY"}}
    end_delegation(turn_for(env_for(db, lambda: NOW), None, body=body, ack=ack))
    assert ack.seen == [True]


@pytest.mark.parametrize("taken", [True, False], ids=["replaced", "refused: chat.update"])
def test_the_receipt_goes_through_the_presss_response_url_not_chat_update(
    db: Database, taken: bool
) -> None:
    """chat.update is a Tier 3 method (50+ a minute); a force's annual morning is hundreds
    a minute. The press's response_url is not counted against it: the receipt goes there, and
    by chat.update only if Slack did not take it (expired, or used five times)."""
    alice = seed(db)["alice"]
    notifier = create_autospec(Notifier, instance=True)
    notifier.replace.return_value = taken
    body = {**pressed(), "response_url": "https://hooks.slack.example/actions/T1/1/abc"}
    nothing_changed(
        turn_for(env_for(db, lambda: NOW, notifier), alice, body=body), AnnualRef(year=2027)
    )
    assert not notifier.replace.called  # not on the request's thread
    assert send_owed(db, notifier) == 1
    url, receipt = notifier.replace.call_args.args
    assert url == body["response_url"] and "2027" in receipt.text
    assert notifier.update.called is not taken


def test_a_receipt_slack_could_not_be_reached_for_goes_again(db: Database) -> None:
    """The response_url not reached (a network failure): the receipt stays owed, and goes
    with the worker's next try."""
    alice = seed(db)["alice"]
    notifier = create_autospec(Notifier, instance=True)
    notifier.replace.side_effect = [OSError("connection reset"), True]
    body = {**pressed(), "response_url": "https://hooks.slack.example/actions/T1/1/abc"}
    nothing_changed(
        turn_for(env_for(db, lambda: NOW, notifier), alice, body=body), AnnualRef(year=2027)
    )
    send_owed(db, notifier)
    with db.session() as session:
        [row] = session.exec(select(OutboxMessage).where(OutboxMessage.kind == ANNUAL_RECORDED))
        assert row.status == "failed" and "Slack not reached" in (row.last_error or "")
    assert send_owed(db, notifier, at=NOW + timedelta(hours=1)) == 1  # its retry, due
    assert notifier.replace.call_count == 2 and not notifier.update.called


def test_sending_a_receipt_reads_nobody(db: Database) -> None:
    """An update names its message's place: the worker draws and sends it without looking up
    the person it goes to (on the annual morning, one statement fewer a press)."""
    alice = seed(db)["alice"]
    notifier = create_autospec(Notifier, instance=True)
    env = env_for(db, lambda: NOW, notifier)
    nothing_changed(turn_for(env, alice, body=pressed()), AnnualRef(year=2027))
    seen: list[str] = []

    def counted(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        assert send_owed(db, notifier) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    assert notifier.update.called
    assert seen and not any("FROM staff" in s for s in seen), "\n".join(seen)
