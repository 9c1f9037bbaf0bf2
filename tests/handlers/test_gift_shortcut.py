"""The handlers tier for the message shortcut "Declare this offer": its typed payload, the
link kept to the message, and the listener called directly with spec'd mocks."""

from __future__ import annotations

from typing import Any
from unittest.mock import create_autospec

import pytest
from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.rules.refusal import NOT_IN_ORG_CHART, Refused
from handlers.context import ACTOR
from handlers.errors import handle_error
from handlers.gifts.ids import MESSAGE_SHORTCUT_ID
from handlers.gifts.shortcut import declare_this_offer, message_link
from handlers.metadata import MessageSource, decode
from handlers.payloads import Malformed, MessageShortcut, parse
from storage.db import Database
from storage.models import Staff
from tests.fakeslack import message_action_payload
from tests.handlers.env import env_for

CHANNEL, TS = "C0FWD", "1700000000.123456"


def shortcut(user: str = "UALICE", **message: Any) -> dict[str, Any]:
    return message_action_payload(
        user,
        MESSAGE_SHORTCUT_ID,
        channel_id=CHANNEL,
        message={"ts": TS, "text": "Dinner at the Grand Hotel", **message},
        trigger_id="T1",
        response_url="https://hooks.example/s",
    )


@pytest.fixture
def client() -> Any:
    return create_autospec(WebClient, instance=True)


def test_a_message_shortcut_is_typed_with_its_message() -> None:
    parsed = parse(shortcut())
    assert isinstance(parsed, MessageShortcut)
    assert (parsed.message.ts, parsed.message.text) == (TS, "Dinner at the Grand Hotel")
    assert message_link(parsed) == (
        f"https://nolan-test.slack.com/archives/{CHANNEL}/p1700000000123456"
    )


def test_a_reply_links_to_its_thread() -> None:
    parsed = parse(shortcut(thread_ts="1700000000.000100"))
    assert isinstance(parsed, MessageShortcut)
    assert message_link(parsed).endswith(f"?thread_ts=1700000000.000100&cid={CHANNEL}")


@pytest.mark.parametrize(
    "body",
    [
        {k: v for k, v in shortcut().items() if k != "message"},
        {**shortcut(), "message": {"text": "no ts"}},
        {**shortcut(), "message": "Dinner"},
        {**shortcut(), "channel": None},
        {**shortcut(), "response_url": "not a web address"},
        {**shortcut(), "callback_id": ""},
    ],
)
def test_a_message_shortcut_missing_what_is_read_is_malformed(body: dict[str, Any]) -> None:
    with pytest.raises(Malformed):
        parse(body)


def test_someone_not_in_the_org_chart_is_refused_before_any_form(db: Database, client: Any) -> None:
    ack = create_autospec(Ack, instance=True)
    parsed = parse(shortcut("USTRANGER"))
    context = BoltContext({ACTOR: None})  # as handlers.context.load_actor leaves it
    with pytest.raises(Refused) as refused:
        declare_this_offer(ack=ack, parsed=parsed, client=client, env=env_for(db), context=context)  # type: ignore[arg-type]
    assert refused.value.text == NOT_IN_ORG_CHART
    ack.assert_not_called()
    client.views_open.assert_not_called()


def test_the_form_opens_with_the_message_and_its_link(db: Database, client: Any) -> None:
    with db.session() as session:
        alice = Staff(email="alice@x", name="Alice", slack_user_id="UALICE")
        session.add(alice)
        session.commit()
    ack = create_autospec(Ack, instance=True)
    parsed = parse(shortcut())
    context = BoltContext({ACTOR: alice})
    declare_this_offer(ack=ack, parsed=parsed, client=client, env=env_for(db), context=context)  # type: ignore[arg-type]
    ack.assert_called_once()
    assert ack.call_args.kwargs == {}
    view = client.views_open.call_args.kwargs["view"].to_dict()
    assert client.views_open.call_args.kwargs["trigger_id"] == "T1"
    assert "Dinner at the Grand Hotel" in str(view["blocks"])
    assert decode(MessageSource, view["private_metadata"]).link.endswith("/p1700000000123456")


def test_a_refused_shortcut_is_told_by_its_response_url(client: Any) -> None:
    respond = create_autospec(Respond, instance=True)
    context = BoltContext({"respond": respond})
    assert handle_error(Refused(NOT_IN_ORG_CHART), shortcut(), context, client, None) is None
    assert respond.call_args.kwargs == {
        "text": NOT_IN_ORG_CHART,
        "response_type": "ephemeral",
        "replace_original": False,
    }
