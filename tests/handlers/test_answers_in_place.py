"""The handlers tier for the yearly answers and the registers' forms: the listeners called
directly with spec'd mocks (the use cases below run on a real database), and a refusal of
several fields at once answered on each field."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from unittest.mock import create_autospec

import pytest
from slack_bolt import Ack, BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.outbox import Posted
from bot.rules.refusal import Refused
from bot.ui.reviews import ReviewRef
from bot.usecases import delegate
from handlers.annual.ids import AnnualRef
from handlers.annual.listeners import nothing_changed
from handlers.errors import handle_error
from handlers.home.listeners import end_delegation
from handlers.notifier import Notifier
from handlers.reviews import listeners as reviews
from handlers.undertaking.ids import UndertakingRef
from handlers.undertaking.listeners import accept
from storage.db import Database
from storage.models import Staff
from tests.handlers.env import env_for, turn_for
from tests.usecases.people import REVIEWED, SETTINGS, audited, granted_permission, seed

NOW = datetime(2027, 4, 2, 10, 0, tzinfo=UTC)
UNTIL = date(2027, 5, 3)  # a delegation's last day


def pressed(channel: str = "D0ALICE", ts: str = "1700000000.000100") -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": "UALICE"},
        "container": {"channel_id": channel, "message_ts": ts},
        "trigger_id": "1.2.3",
    }


def test_nothing_has_changed_is_recorded_and_the_dm_becomes_its_receipt(db: Database) -> None:
    alice = seed(db)["alice"]
    ack, notifier = create_autospec(Ack), create_autospec(Notifier, instance=True)
    for _ in range(2):  # a second press finds the first answer
        env = env_for(db, lambda: NOW, notifier)
        nothing_changed(turn_for(env, alice, body=pressed(), ack=ack), AnnualRef(year=2027))
    assert ack.call_count == 2
    assert len(audited(db, "annual_declaration_confirmed")) == 1
    where, receipt = notifier.update.call_args.args
    assert where == Posted("D0ALICE", "1700000000.000100")
    assert "2027" in receipt.text


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


def committed(db: Database, action: str) -> Callable[[], bool]:
    return lambda: len(audited(db, action)) == 1


def test_nothing_has_changed_is_acked_once_committed(db: Database) -> None:
    alice = seed(db)["alice"]
    ack = ack_noting(committed(db, "annual_declaration_confirmed"))
    env = env_for(db, lambda: NOW)
    nothing_changed(turn_for(env, alice, body=pressed(), ack=ack), AnnualRef(year=2027))
    assert ack.seen == [True]


def test_the_undertaking_is_acked_once_committed(db: Database) -> None:
    bob = seed(db)["bob"]
    ack = ack_noting(committed(db, "undertaking_accepted"))
    accept(
        turn_for(env_for(db, lambda: NOW), bob, body=pressed(), ack=ack),
        UndertakingRef(version="v1"),
    )
    assert ack.seen == [True]


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
    ack, notifier = ack_noting(committed(db, action)), create_autospec(Notifier, instance=True)
    env = env_for(db, lambda: NOW, notifier, settings=SETTINGS)
    press(
        turn_for(env, people["alice"], body=pressed(), ack=ack),
        ReviewRef(declaration_id=permission, period=REVIEWED),
    )
    assert ack.seen == [True]
    notifier.update.assert_called_once()  # the DM redrawn after the ack


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
    by chat.update only if Slack did not take it."""
    alice = seed(db)["alice"]
    notifier = create_autospec(Notifier, instance=True)
    notifier.replace.return_value = taken
    body = {**pressed(), "response_url": "https://hooks.slack.example/actions/T1/1/abc"}
    nothing_changed(
        turn_for(env_for(db, lambda: NOW, notifier), alice, body=body), AnnualRef(year=2027)
    )
    url, receipt = notifier.replace.call_args.args
    assert url == body["response_url"] and "2027" in receipt.text
    assert notifier.update.called is not taken
