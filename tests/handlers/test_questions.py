"""The handlers tier for questions: the Slack listeners called directly with spec'd mocks over
a real database; they read the form, call the use case and answer (bot.usecases.questions)."""

from __future__ import annotations

from typing import Any
from unittest.mock import create_autospec

import pytest
from slack_bolt import Ack
from slack_sdk import WebClient

from bot.rules.refusal import Refused
from bot.ui.payload import StepRef
from bot.ui.questions import QuestionRef
from handlers.questions.listeners import (
    open_question_form,
    open_reply_form,
    submit_answer,
    submit_question,
)
from storage.db import Database
from tests.handlers.env import env_for, turn_for
from tests.usecases.office import NOW, Office, seed


@pytest.fixture
def office(db: Database) -> Office:
    return seed(db)


def typed(block: str, text: str) -> dict[str, Any]:
    return {
        "state": {
            "values": {block: {f"{block}_input": {"type": "plain_text_input", "value": text}}}
        }
    }


def test_asking_opens_the_form_and_sending_it_answers_with_what_happens_next(
    office: Office, db: Database
) -> None:
    step = office.declare("alice")
    assert step.id is not None
    ack, client = create_autospec(Ack, instance=True), create_autospec(WebClient, instance=True)
    manager = office.staff("manager")

    open_question_form(
        turn_for(env_for(db), manager, body={"trigger_id": "T1"}, ack=ack, client=client),
        StepRef(step_id=step.id),
    )
    assert ack.call_count == 1 and ack.call_args.args == () and ack.call_args.kwargs == {}
    form = client.views_open.call_args.kwargs["view"].to_dict()
    assert form["callback_id"] == "question_ask"

    ack = create_autospec(Ack, instance=True)
    view = typed("question", "Who else is going?")
    submit_question(
        turn_for(env_for(db, lambda: NOW), manager, body={"view": view}, ack=ack),
        StepRef(step_id=step.id),
    )
    assert ack.call_args.kwargs["response_action"] == "update"
    assert "Alice Able" in str(ack.call_args.kwargs["view"].to_dict())
    assert [card for card, _, _ in office.owed()] == ["question"]


def test_a_refusal_is_raised_for_the_error_handler_and_nothing_is_acked(
    office: Office, db: Database
) -> None:
    step = office.declare("alice")
    assert step.id is not None
    ack, client = create_autospec(Ack, instance=True), create_autospec(WebClient, instance=True)
    with pytest.raises(Refused) as refused:
        submit_question(
            turn_for(
                env_for(db, lambda: NOW),
                office.staff("manager"),
                body={"view": typed("question", "  ")},
                ack=ack,
            ),
            StepRef(step_id=step.id),
        )
    assert (refused.value.text, refused.value.field) == ("Please write your question.", "question")
    ack.assert_not_called()
    with pytest.raises(Refused):
        open_question_form(
            turn_for(env_for(db), office.staff("eve"), body={"trigger_id": "T1"}, client=client),
            StepRef(step_id=step.id),
        )
    client.views_open.assert_not_called()


def test_the_reply_form_keeps_where_the_question_is_and_the_answer_updates_it(
    office: Office, db: Database
) -> None:
    step = office.declare("alice")
    assert step.id is not None
    submit_question(
        turn_for(
            env_for(db, lambda: NOW),
            office.staff("manager"),
            body={"view": typed("question", "Who else?")},
        ),
        StepRef(step_id=step.id),
    )
    question_id = office.owed()[0][2]["question_id"]
    client = create_autospec(WebClient, instance=True)
    body = {"trigger_id": "T2", "container": {"channel_id": "DALICE", "message_ts": "1.5"}}
    alice = office.staff("alice")
    open_reply_form(
        turn_for(env_for(db), alice, body=body, client=client),
        QuestionRef(question_id=question_id),
    )
    form = client.views_open.call_args.kwargs["view"].to_dict()
    ref = QuestionRef.model_validate_json(form["private_metadata"])
    assert (ref.channel, ref.ts) == ("DALICE", "1.5")

    ack = create_autospec(Ack, instance=True)
    submit_answer(
        turn_for(
            env_for(db, lambda: NOW), alice, body={"view": typed("answer", "Only me.")}, ack=ack
        ),
        ref,
    )
    assert ack.call_count == 1 and ack.call_args.args == () and ack.call_args.kwargs == {}
    answered = [p for card, _, p in office.owed() if card == "question_answered"]
    # Where the form said the question is, kept for a question sent before the outbox.
    assert [(p["channel"], p["ts"]) for p in answered] == [("DALICE", "1.5")]
