"""Teams transport end to end: the real /api/messages endpoint, signed activities, the fake
Bot Connector and token endpoint; who is let in, who is answered, and delivery that loses
nothing (429 retried as Teams asks, 403 parked until Nolan is installed)."""

from __future__ import annotations

import time
import urllib.request

import pytest
from sqlmodel import select

from bot import outbox
from bot.teams.drawers import DRAWERS, Drawer, Drawn, Where, card, text_block
from storage.db import Database
from storage.models import Staff
from tests.e2e.teams.harness import ORG, STRANGER, Person, TeamsNolan, card_text
from tests.faketeams import FakeTeams, Forgery

ALICE, BOB, MO = ORG

CONNECTOR_OPS = ("create_conversation", "send", "reply", "update")


def staff_row(db: Database, person: Person) -> Staff:
    with db.session() as session:
        row = session.exec(select(Staff).where(Staff.email == person.email)).one()
        session.expunge(row)
        return row


def connector_calls(fake: FakeTeams) -> list[str]:
    return [c.op for c in fake.calls() if c.op in CONNECTOR_OPS]


# -- who is let in ------------------------------------------------------------------------------


@pytest.mark.parametrize("forgery", list(Forgery))
def test_a_forged_token_is_refused_and_nothing_is_stored_or_sent(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, forgery: Forgery
) -> None:
    status, _ = nolan.post(nolan.activity(ALICE, "message", text="help"), forgery=forgery)
    assert status == 401
    status, _ = nolan.post(  # an install, forged the same way
        nolan.activity(ALICE, "conversationUpdate",
                       extra={"membersAdded": [{"id": f"28:{fake.app_id}"}]}),
        forgery=forgery,
    )
    assert status == 401
    nolan.settle()
    assert nolan.outbox() == [] and connector_calls(fake) == []
    assert staff_row(db, ALICE).teams_conversation_id is None


def test_no_token_a_token_for_another_service_or_an_activity_without_one_is_refused(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    message = nolan.activity(ALICE, "message", text="help")
    assert nolan.post(message, headers={"Authorization": ""})[0] == 401
    assert nolan.post(message, headers={"Authorization": "Basic YWxpY2U6eA=="})[0] == 401
    other = fake.service_url("amer")
    assert nolan.post(message, token_service_url=other)[0] == 401
    # The claim is compared with the activity's URL, trailing '/' aside.
    assert nolan.post(message, token_service_url=message["serviceUrl"].rstrip("/"))[0] == 200
    del message["serviceUrl"]
    assert nolan.post(message, token_service_url=fake.service_url())[0] == 401
    nolan.settle()
    assert len(fake.delivered()) == 1  # the one genuine "help"


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'{"type": "message"}', b'{"type": "nonsense", "id": "1"}',
     b"\xff\xfe"],
)
def test_a_malformed_body_is_400_never_500(
    nolan: TeamsNolan, fake: FakeTeams, body: bytes
) -> None:
    status, reply = nolan.post(body)
    assert status == 400 and "error" in reply
    nolan.settle()
    assert nolan.outbox() == [] and connector_calls(fake) == []


def test_health_beside_the_endpoint_and_nothing_else(nolan: TeamsNolan) -> None:
    with urllib.request.urlopen(f"{nolan.url}/health", timeout=5) as response:
        assert response.status == 200
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{nolan.url}/slack/events", timeout=5)
    assert missing.value.code == 404


# -- who is answered ----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["help", "/HELP", "<at>Nolan</at> Help me", "  help  "])
def test_a_known_persons_help_is_answered_in_their_chat(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, typed: str
) -> None:
    assert nolan.say(ALICE, typed) == (200, None)
    sent = fake.wait_for("send", lambda c: c.status == 201)
    chat = fake.conversation_of(ALICE.object_id)
    assert sent.conversation_id == chat
    text = card_text(sent)
    assert "gift" in text and "outside-work" in text and "doesn't know" not in text
    assert sent.body["summary"]  # what a notification shows
    row = staff_row(db, ALICE)
    assert (row.teams_conversation_id, row.teams_service_url) == (chat, fake.service_url())
    nolan.settle()
    assert "create_conversation" not in connector_calls(fake)  # the chat it wrote in


def test_an_unknown_command_gets_help_naming_it(nolan: TeamsNolan, fake: FakeTeams) -> None:
    nolan.say(ALICE, "Frobnicate the widgets")
    assert "doesn't know “frobnicate”" in card_text(fake.wait_for("send"))


def test_someone_not_in_the_org_chart_is_told_so_and_nothing_else(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    fake.install(STRANGER.object_id)
    assert nolan.say(STRANGER, "gift")[0] == 200
    sent = fake.wait_for("send")
    assert sent.conversation_id == fake.conversation_of(STRANGER.object_id)
    assert "not in Nolan's org chart" in card_text(sent)
    status, reply = nolan.post(nolan.activity(
        STRANGER, "invoke", name="task/fetch", value={"data": {"_action": "gift"}}
    ))
    assert status == 200 and "not in Nolan's org chart" in reply["task"]["value"]
    with db.session() as session:
        assert session.exec(select(Staff).where(Staff.teams_id == STRANGER.object_id)).all() == []


def test_an_invoke_nothing_handles_yet_is_answered_in_the_request(nolan: TeamsNolan) -> None:
    status, reply = nolan.post(nolan.activity(
        ALICE, "invoke", name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "nothing-here", "data": {}}},
    ))
    assert status == 200
    assert reply["type"] == "application/vnd.microsoft.activity.message"
    status, reply = nolan.post(nolan.activity(
        ALICE, "invoke", name="task/submit", value={"data": {"_form": "nope"}}
    ))
    assert (status, reply["task"]["type"]) == (200, "message")


def test_an_install_stores_the_persons_chat(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    assert nolan.install(MO) == (200, None)
    row = staff_row(db, MO)
    assert row.teams_conversation_id == fake.conversation_of(MO.object_id)
    assert row.teams_service_url == fake.service_url()


# -- delivery that loses nothing ----------------------------------------------------------------


def owe_help(db: Database, person: Person) -> int:
    with db.session() as session:
        row = session.exec(select(Staff).where(Staff.email == person.email)).one()
        assert row.id is not None
        recipient = outbox.to_staff(row.id)
        message_id = outbox.queue(session, "help", subject=recipient, recipient=recipient)
        session.commit()
        return message_id


def test_a_queued_message_opens_the_chat_and_is_sent(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    owe_help(db, ALICE)
    opened = fake.wait_for("create_conversation")
    assert opened.path.startswith("/connector/default/")  # TEAMS_SERVICE_URL: never heard from
    assert opened.body["members"] == [{"id": ALICE.object_id}]
    assert opened.body["tenantId"] == fake.tenant_id
    sent = fake.wait_for("send")
    assert "gift" in card_text(sent)
    nolan.settle()
    [row] = nolan.outbox()
    assert (row.status, row.channel, row.ts) == ("sent", row.recipient, sent.response["id"])
    assert staff_row(db, ALICE).teams_conversation_id == fake.conversation_of(ALICE.object_id)
    owe_help(db, ALICE)
    fake.wait_for("send", count=2)
    nolan.settle()
    assert len(fake.calls("create_conversation")) == 1  # the chat is kept


def test_a_throttled_message_is_retried_after_retry_after(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    nolan.install(ALICE)
    nolan.settle()  # the Home card an install brings
    fake.fail_next("send", 429, retry_after=2)
    owe_help(db, ALICE)
    throttled = fake.wait_for("send", lambda c: c.status == 429)
    seen = time.monotonic()
    fake.wait_for("send", lambda c: c.status == 201, count=2, timeout=20)
    assert time.monotonic() - seen >= 1.5  # Retry-After: 2, as Teams asked
    nolan.settle()
    [row] = [r for r in nolan.outbox() if r.kind == "help"]
    assert row.status == "sent" and row.attempts == 2 and throttled.status == 429
    assert len(fake.delivered()) == 2  # the Home card, then the help once


def test_a_person_without_nolan_is_parked_then_reached_once_installed(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    owe_help(db, BOB)
    refused = fake.wait_for("create_conversation")
    assert refused.status == 403
    nolan.settle()
    [row] = nolan.outbox()
    assert row.status == "parked" and "403" in (row.last_error or "")
    assert fake.delivered() == []
    fake.install(BOB.object_id)  # IT installs Nolan for Bob; Teams tells the bot
    assert nolan.install(BOB)[0] == 200
    sent = fake.wait_for("send")
    assert sent.conversation_id == fake.conversation_of(BOB.object_id)
    nolan.settle()
    # The parked help, once, and the Home card the install brings.
    assert [(r.kind, r.status) for r in nolan.outbox()] == [("help", "sent"), ("home", "sent")]
    assert len(fake.delivered()) == 2


def test_an_update_replaces_the_card_in_place(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message queued to update an earlier one (updates_id) is a PUT on that activity."""

    def redraw(_session: object, message: outbox.Queued) -> Drawn:
        assert message.updates is not None
        decided = card(text_block("Decided by Morgan"))
        return Drawn("Decided", decided, update=Where(*message.updates))

    monkeypatch.setitem(DRAWERS, "redrawn", Drawer(redraw))
    first = owe_help(db, ALICE)
    sent = fake.wait_for("send")
    with db.session() as session:
        recipient = nolan.outbox()[0].recipient
        outbox.queue(session, "redrawn", subject=recipient, recipient=recipient, updates_id=first)
        session.commit()
    updated = fake.wait_for("update")
    assert (updated.status, updated.activity_id) == (200, sent.response["id"])
    assert card_text(updated) == "Decided by Morgan"
    chat = fake.conversation_of(ALICE.object_id)
    assert len(fake.versions(chat, sent.response["id"])) == 2
    nolan.settle()
    assert [r.status for r in nolan.outbox()] == ["sent", "sent"]


def test_a_failing_handler_is_a_reference_not_a_500(
    nolan: TeamsNolan, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert nolan.runtime is not None and nolan.runtime.teams is not None
    router = nolan.runtime.teams.router

    def broken(_turn: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setitem(router.invokes, ("task/fetch", None), broken)
    monkeypatch.setitem(router.commands, "help", broken)
    status, reply = nolan.post(nolan.activity(
        ALICE, "invoke", name="task/fetch", value={"data": {}}
    ))
    assert status == 200 and "Something went wrong (ref " in reply["task"]["value"]
    assert nolan.say(ALICE, "help") == (200, None)
