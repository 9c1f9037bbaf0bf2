"""The handlers tier for the yearly answers and the registers' forms: the listeners called
directly with spec'd mocks (the use cases below run on a real database), and a refusal of
several fields at once answered on each field."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from unittest.mock import create_autospec

from slack_bolt import Ack, BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.outbox import Posted
from bot.rules.refusal import Refused
from handlers.annual.ids import AnnualRef
from handlers.annual.listeners import nothing_changed
from handlers.errors import handle_error
from handlers.notifier import Notifier
from storage.db import Database
from tests.handlers.env import env_for, turn_for
from tests.usecases.people import audited, seed

NOW = datetime(2027, 4, 2, 10, 0, tzinfo=UTC)


def pressed(channel: str = "D0ALICE", ts: str = "1700000000.000100") -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": "UALICE"},
        "container": {"channel_id": channel, "message_ts": ts},
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
