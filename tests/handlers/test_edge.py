"""The handlers tier for the way in and out: middleware, Refused, the error reference, the
edge's checks and replays — called directly with spec'd mocks, milliseconds each."""

from __future__ import annotations

import json
import re
import time
from typing import Any
from unittest.mock import create_autospec

import pytest
from slack_bolt import Ack, BoltContext, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.rules.refusal import NOT_IN_ORG_CHART, STALE_BUTTON, STALE_FORM, Refused
from bot.usecases.gifts import declare_gift
from bot.usecases.withdraw import NOT_YOURS, UNKNOWN
from handlers import slack_ui
from handlers.context import ACTOR, META, PAYLOAD, KeptAck, known, load_actor, meta
from handlers.edge import Accepted, Refusal, admit
from handlers.errors import ON_FAILURE, handle_error
from handlers.metadata import Decision, DeclarationRef
from handlers.payloads import BlockActions, Malformed, SlashCommand, ViewSubmission, parse
from handlers.replays import ReleasingAck
from handlers.withdraw.listeners import withdraw
from storage.db import Database
from storage.models import Declaration, Staff
from tests.e2e.harness import seed_org
from tests.fakeslack import (
    block_actions_payload,
    sign,
    slash_command_payload,
    view_submission_payload,
)
from tests.handlers.env import env_for, turn_for
from tests.usecases.world import NOW, hospitality, settings

FORM = {
    "callback_id": "gift_declare",
    "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Declare"}},
        {"type": "input", "block_id": "kind", "element": {"type": "radio_buttons"}},
    ],
}


@pytest.fixture(scope="module")
def _spec_client() -> Any:
    # Spec'ing WebClient reads its ~300 methods: once per module, not per test.
    return create_autospec(WebClient, instance=True)


@pytest.fixture
def client(_spec_client: Any) -> Any:
    _spec_client.reset_mock()
    return _spec_client


def button(value: str, **extra: Any) -> dict[str, Any]:
    return block_actions_payload(
        "UALICE",
        "conduct_withdraw",
        value,
        block_id="b",
        channel_id="DUALICE",
        message_ts="1.2",
        response_url="https://hooks.example/r",
        trigger_id="T1",
        **extra,
    )


def submission(private_metadata: str = "", blocks: list[Any] | None = None) -> dict[str, Any]:
    view = {**FORM, "private_metadata": private_metadata}
    if blocks is not None:
        view["blocks"] = blocks
    return view_submission_payload("UALICE", view, {})


def command() -> dict[str, Any]:
    return slash_command_payload(
        "/gift", "pen", "UALICE", trigger_id="T", response_url="https://hooks.example/c"
    )


def context_for(body: dict[str, Any], **values: Any) -> BoltContext:
    context = BoltContext({PAYLOAD: parse(body), **values})
    if body.get("response_url"):
        context["response_url"] = body["response_url"]
    return context


def passes(middleware: Any, context: BoltContext) -> bool:
    called = []
    middleware(context=context, next=lambda: called.append(True))
    return called == [True]


# -- the typed payload ---------------------------------------------------------------------


def test_payloads_are_typed_by_kind() -> None:
    assert isinstance(parse(command()), SlashCommand)
    assert isinstance(parse(button("{}")), BlockActions)
    assert isinstance(parse(submission()), ViewSubmission)


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"type": "block_actions", "user": {"id": "U"}, "actions": []},
        {**button("{}"), "user": "UALICE"},
        {**button("{}"), "response_url": None},  # a press on a message always has one
        {**submission(), "view": {"id": "V", "type": "modal"}},  # no state
        {k: v for k, v in command().items() if k != "user_id"},
        {"type": "event_callback", "event": {"type": ["app_home_opened"]}},
    ],
)
def test_a_payload_missing_what_is_read_is_malformed(body: Any) -> None:
    with pytest.raises(Malformed):
        parse(body)


# -- the edge: signed first, then well-formed ----------------------------------------------


def test_the_edge_checks_the_signature_before_the_body() -> None:
    assert admit(b"{", {}, "secret") == Refusal(401, "missing or non-numeric timestamp")
    assert admit(b"{", sign("other", b"{"), "secret") == Refusal(401, "bad signature")
    assert admit(b"{", sign("secret", b"{"), "secret").status == 400  # type: ignore[union-attr]
    old = sign("secret", b"{}", timestamp=int(time.time()) - 301)
    assert admit(b"{}", old, "secret").status == 401  # type: ignore[union-attr]
    body = json.dumps({"type": "url_verification", "challenge": "c"}).encode()
    assert isinstance(admit(body, sign("secret", body), "secret"), Accepted)


def test_the_edge_logs_one_line_per_refusal(caplog: pytest.LogCaptureFixture) -> None:
    admit(b"\xff" * 10, {"X-Slack-Request-Timestamp": "x" * 50}, "secret")
    assert [(r.levelname, r.exc_info) for r in caplog.records] == [("WARNING", None)]


# -- middleware ----------------------------------------------------------------------------


def test_meta_decodes_a_buttons_value_for_the_listener() -> None:
    context = context_for(button('{"declaration_id": 7}'))
    assert passes(meta(DeclarationRef), context)
    assert context[META] == DeclarationRef(declaration_id=7)


def test_meta_refuses_an_unreadable_button_as_stale() -> None:
    with pytest.raises(Refused) as refused:
        meta(DeclarationRef)(context=context_for(button("nonsense")), next=lambda: None)
    assert refused.value.text == STALE_BUTTON


def test_meta_refuses_an_unreadable_form_on_its_field() -> None:
    context = context_for(submission('{"step_id": "one"}'))
    with pytest.raises(Refused) as refused:
        meta(Decision, field="text")(context=context, next=lambda: None)
    assert (refused.value.text, refused.value.field) == (STALE_FORM, "text")


def test_known_lets_only_the_org_chart_through() -> None:
    assert passes(known(), BoltContext({ACTOR: Staff(email="a@x", id=1)}))
    with pytest.raises(Refused, match="org chart"):
        known()(context=BoltContext({ACTOR: None}), next=lambda: None)


def test_load_actor_finds_the_staff_row_by_slack_id(db: Database) -> None:
    with db.session() as session:
        session.add(Staff(email="alice@x", name="Alice", slack_user_id="UALICE"))
        session.commit()
    context = context_for(button("{}"), db=db)
    assert passes(load_actor, context)
    assert context[ACTOR].name == "Alice"
    context = context_for({**button("{}"), "user": {"id": "USTRANGER"}}, db=db)
    assert passes(load_actor, context) and context[ACTOR] is None


# -- Refused and unexpected errors, answered in one place ----------------------------------


def answered(response: BoltResponse) -> dict[str, Any]:
    assert response.status == 200
    return json.loads(response.body)


def test_a_refused_form_gets_the_error_on_its_field(client: Any) -> None:
    body = submission()
    response = handle_error(
        Refused("Too long", "text"),
        body,
        BoltContext(),
        client,
        BoltResponse(status=500),
    )
    assert answered(response) == {"response_action": "errors", "errors": {"text": "Too long"}}


def test_a_refusal_without_a_field_goes_on_the_forms_first_input(client: Any) -> None:
    response = handle_error(
        Refused("x" * 400),
        submission(),
        BoltContext(),
        client,
        BoltResponse(status=500),
    )
    errors = answered(response)["errors"]
    assert list(errors) == ["kind"] and len(errors["kind"]) <= 150


def test_a_refusal_on_a_field_answers_as_a_rules_field_errors_do(client: Any) -> None:
    """One Slack answer for both: `Refused(text, field)` and a rule's `FieldErrors`."""
    text = "x" * 400
    response = handle_error(
        Refused(text, "text"), submission(), BoltContext(), client, BoltResponse(status=500)
    )
    expected = slack_ui.field_errors({"text": text})
    assert answered(response) == expected
    assert expected["response_action"] == "errors" and len(expected["errors"]["text"]) == 150


def test_a_refused_command_is_an_ephemeral_reply(client: Any) -> None:
    response = handle_error(
        Refused(NOT_IN_ORG_CHART),
        command(),
        BoltContext(),
        client,
        BoltResponse(status=500),
    )
    assert answered(response) == {"response_type": "ephemeral", "text": NOT_IN_ORG_CHART}


def test_a_refused_button_after_its_ack_is_told_by_response_url(client: Any) -> None:
    respond = create_autospec(Respond, instance=True)
    context = BoltContext({"respond": respond})
    assert handle_error(Refused("No"), button("{}"), context, client, None) is None
    respond.assert_called_once()
    assert respond.call_args.kwargs == {
        "text": "No",
        "response_type": "ephemeral",
        "replace_original": False,
    }


def test_a_refused_press_on_the_home_opens_a_notice(client: Any) -> None:
    body = block_actions_payload(
        "UALICE",
        "home_more",
        "{}",
        block_id="b",
        trigger_id="T9",
        container_type="view",
        view={"id": "VH", "type": "home", "blocks": [], "state": {"values": {}}},
    )
    handle_error(Refused("No"), body, BoltContext(), client, None)
    assert client.views_open.call_args.kwargs["trigger_id"] == "T9"


def test_a_bug_is_told_with_a_reference_the_log_also_holds(
    caplog: pytest.LogCaptureFixture, client: Any
) -> None:
    response = handle_error(
        KeyError("values"),
        command(),
        BoltContext(),
        client,
        BoltResponse(status=500),
    )
    text = answered(response)["text"]
    reference = re.search(r"Something went wrong \(ref ([A-Z0-9]{6})\)", text)
    assert reference
    [logged] = [r for r in caplog.records if reference.group(1) in r.getMessage()]
    assert logged.levelname == "ERROR" and logged.exc_info is not None


def test_a_form_slack_would_not_open_is_said_without_a_traceback(
    caplog: pytest.LogCaptureFixture, client: Any
) -> None:
    failed = SlackApiError(
        "no",
        SlackResponse(
            client=None,
            http_verb="POST",
            api_url="https://slack.com/api/views.open",
            req_args={},
            data={"ok": False, "error": "expired_trigger_id"},
            headers={},
            status_code=200,
        ),
    )
    respond = create_autospec(Respond, instance=True)
    body = command()
    handle_error(failed, body, BoltContext({"respond": respond}), client, None)
    said = respond.call_args.kwargs["text"]
    assert "would not open the form (expired_trigger_id)" in said
    assert all(r.exc_info is None for r in caplog.records)


def test_an_event_failing_is_only_logged(client: Any) -> None:
    body = {"type": "event_callback", "event": {"type": "app_home_opened", "user": "U"}}
    assert handle_error(RuntimeError("x"), body, BoltContext(), client, None) is None
    assert client.mock_calls == []


def test_failure_undoes_the_requests_claims(client: Any) -> None:
    undone = []
    context = BoltContext({ON_FAILURE: [lambda: undone.append(True)]})
    handle_error(Refused("No"), submission(), context, client, BoltResponse(status=500))
    assert undone == [True]


# -- acks ----------------------------------------------------------------------------------


def test_an_ack_once_given_is_kept() -> None:
    ack = KeptAck()
    ack()
    ack.response = None  # what Bolt's runner does when the listener fails after acking
    assert ack.response is not None and ack.response.status == 200


def test_a_form_answered_with_errors_gives_its_replay_claim_back() -> None:
    released = []
    ack = ReleasingAck(lambda: released.append(True))
    ack(**slack_ui.field_errors({"kind": "Choose one"}))
    assert released == [True]
    ReleasingAck(lambda: released.append(False))()
    assert released == [True]


# -- a listener called directly: withdraw --------------------------------------------------


def test_withdraw_refuses_an_unknown_declaration(db: Database) -> None:
    ack = create_autospec(Ack, instance=True)
    with pytest.raises(Refused) as refused:
        withdraw(
            turn=turn_for(env_for(db), Staff(id=1, email="a@x"), ack=ack),
            meta=DeclarationRef(declaration_id=999_999),
            respond=create_autospec(Respond, instance=True),
        )
    ack.assert_not_called()  # refused before the ack: handlers.errors tells them, and acks
    assert refused.value.text == UNKNOWN
    assert NOT_YOURS != UNKNOWN


def test_withdraw_is_acked_once_the_withdrawal_is_committed(db: Database) -> None:
    org = seed_org(db)
    done = declare_gift(
        db, declarant=org["alice"], offer=hospitality(), settings=settings(), now=NOW
    )

    def withdrawn() -> bool:
        with db.session() as session:
            declaration = session.get(Declaration, done.declaration_id)
            return declaration is not None and declaration.status == "withdrawn"

    seen: list[bool] = []
    ack = create_autospec(Ack, instance=True)
    ack.side_effect = lambda *_a, **_k: seen.append(withdrawn())
    respond = create_autospec(Respond, instance=True)
    withdraw(
        turn=turn_for(env_for(db, lambda: NOW), org["alice"], ack=ack),
        meta=DeclarationRef(declaration_id=done.declaration_id),
        respond=respond,
    )
    assert seen == [True]
    respond.assert_called_once()  # then told, ephemerally
