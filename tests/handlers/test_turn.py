"""The handlers tier for the Turn: what a button's or a form's listener works with, gathered
by middleware (handlers.context.load_turn), and a use case run as the person who acted."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from unittest.mock import create_autospec

import pytest
from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.rules.refusal import NOT_IN_ORG_CHART, Refused
from handlers.context import ACTOR, ENV, TURN, KeptAck, load_turn
from storage.db import Database
from storage.models import Staff
from tests.fakeslack import block_actions_payload
from tests.handlers.env import env_for, turn_for


def test_load_turn_gathers_what_a_button_or_form_listener_works_with(db: Database) -> None:
    env, ack, alice = env_for(db), KeptAck(), Staff(id=7, email="alice@x", name="Alice")
    client = create_autospec(WebClient, instance=True)
    body = block_actions_payload(
        "UALICE",
        "conduct_withdraw",
        '{"declaration_id": 3}',
        block_id="b",
        trigger_id="T1",
        channel_id="DUALICE",
        message_ts="1.2",
    )
    context = BoltContext({ENV: env, "ack": ack, "client": client, ACTOR: alice})
    called: list[bool] = []
    load_turn(body=body, context=context, next=lambda: called.append(True))
    turn = context[TURN]
    assert called == [True]
    assert (turn.env, turn.ack, turn.body, turn.client, turn.actor) == (
        env,
        ack,
        body,
        client,
        alice,
    )
    assert turn.action_value == '{"declaration_id": 3}'
    assert (turn.staff_id, turn.user_id) == (7, "UALICE")


def test_a_turn_runs_a_use_case_as_the_person_who_acted(db: Database) -> None:
    now, earlier = datetime(2027, 4, 2, 10, tzinfo=UTC), datetime(2027, 4, 2, 9, tzinfo=UTC)
    alice = Staff(id=7, email="alice@x")
    turn = turn_for(env_for(db, lambda: now), alice)
    seen: list[tuple[Any, ...]] = []

    def use_case(db: Database, *, actor: Staff, settings: Any, now: datetime, x: int) -> str:
        seen.append((db, actor, settings, now, x))
        return "done"

    assert turn.call(use_case, x=1) == "done"
    turn.call(use_case, x=2, now=earlier)  # a time taken earlier in the request
    assert seen == [(db, alice, turn.settings, now, 1), (db, alice, turn.settings, earlier, 2)]


def test_a_turn_without_a_staff_row_is_refused_where_staff_is_needed(db: Database) -> None:
    turn = turn_for(env_for(db), None)
    with pytest.raises(Refused) as refused:
        assert turn.staff_id is None  # not reached: refused
    assert refused.value.text == NOT_IN_ORG_CHART
