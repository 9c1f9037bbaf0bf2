"""The message shortcut "Declare this offer" end to end: a signed message_action in, the /gift
form opened through the fake Web API with the message's text, and the declaration stored
with a link to the message in its audit trail."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlmodel import select

from bot.rules.gifts import FIELD_LIMITS
from handlers.gifts.ids import MESSAGE_SHORTCUT_ID
from handlers.registers.trail import entry_words
from storage.db import Database
from storage.models import AuditEntry, Staff
from tests.e2e.harness import SECRET, Clock, Nolan
from tests.e2e.test_gifts_flow import declarations, hospitality
from tests.fakeslack import FakeSlack, message_action_form, post

EMAIL = (
    "Fwd: Invitation\n\nDear Alice, Acme Cleaning Ltd would be delighted to host you at our "
    "annual dinner at the Grand Hotel on 12 March. <https://acme.example/rsvp|RSVP here>"
)
CHANNEL, TS = "C0FWD", "1700000000.123456"
LINK = f"https://nolan-test.slack.com/archives/{CHANNEL}/p1700000000123456"


def shortcut(
    nolan: Nolan, user: str, text: str, *, ts: str = TS, **message: Any
) -> tuple[int, str, str]:
    """The person chooses "Declare this offer" on a message; returns the HTTP status, body
    and the response_url's name."""
    name = f"shortcut-{user}-{time.monotonic_ns()}"
    body = message_action_form(
        user,
        MESSAGE_SHORTCUT_ID,
        channel_id=CHANNEL,
        message={"ts": ts, "text": text, **message},
        trigger_id=nolan.fake.new_trigger_id(),
        response_url=nolan.fake.response_url(name),
    )
    status, _headers, reply = post(nolan.events_url, body, SECRET)
    return status, reply, name


def opened_form(fake: FakeSlack, count: int = 1) -> dict[str, Any]:
    return fake.wait_for("views.open", count=count).args["view"]


def description_of(view: dict[str, Any]) -> str:
    block = next(b for b in view["blocks"] if b.get("block_id") == "description")
    return block["element"]["initial_value"]


def test_declare_this_offer_prefills_the_form_and_keeps_a_link_to_the_message(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    status, reply, _ = shortcut(nolan, "UALICE", EMAIL)
    assert (status, reply) == (200, "")  # acknowledged at once; the form opens by API
    view = opened_form(fake)
    assert view["callback_id"] == "gift_declare"
    assert description_of(view) == EMAIL
    intro = view["blocks"][0]["text"]["text"]
    assert "a link to the message is kept with your declaration" in intro

    answers = hospitality(clock, description_input=EMAIL)
    assert nolan.submit("UALICE", view, answers) == {}

    (declaration, offer), *_ = declarations(db)
    assert offer.description == EMAIL
    with db.session() as session:
        submitted = session.exec(
            select(AuditEntry).where(
                AuditEntry.declaration_id == declaration.id, AuditEntry.action == "submitted"
            )
        ).one()
        assert json.loads(submitted.detail)["source"] == LINK
        names = {org["alice"].id: "Alice Able"}
        assert entry_words(submitted, names) == (
            f"Declared by Alice Able, from the Slack message {LINK}"
        )
    # The link is the record's, not the public register's.
    assert LINK not in offer.description


def test_a_long_message_is_cut_to_the_descriptions_limit(
    nolan: Nolan, fake: FakeSlack, org: dict[str, Staff]
) -> None:
    limit = FIELD_LIMITS["description"]
    shortcut(nolan, "UALICE", "word " * limit)
    description = description_of(opened_form(fake))
    assert len(description) == limit and description.startswith("word word")


def test_a_reply_in_a_thread_links_to_the_thread(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    shortcut(
        nolan,
        "UALICE",
        "Tickets for the match?",
        ts="1700000100.000200",
        thread_ts="1700000000.000100",
    )
    view = opened_form(fake)
    assert nolan.submit("UALICE", view, hospitality(clock)) == {}
    (declaration, _offer), *_ = declarations(db)
    with db.session() as session:
        detail = session.exec(
            select(AuditEntry.detail).where(
                AuditEntry.declaration_id == declaration.id, AuditEntry.action == "submitted"
            )
        ).one()
    assert json.loads(detail)["source"] == (
        f"https://nolan-test.slack.com/archives/{CHANNEL}/p1700000100000200"
        f"?thread_ts=1700000000.000100&cid={CHANNEL}"
    )


def test_someone_not_in_the_org_chart_is_told_so_and_no_form_opens(
    nolan: Nolan, fake: FakeSlack, org: dict[str, Staff]
) -> None:
    status, _reply, name = shortcut(nolan, "USTRANGER", EMAIL)
    assert status == 200
    told = fake.wait_for("response_url", lambda c: c.response_name == name)
    assert told.args["response_type"] == "ephemeral"
    assert "can't find you in the office's org chart" in told.args["text"]
    assert fake.calls("views.open") == []
