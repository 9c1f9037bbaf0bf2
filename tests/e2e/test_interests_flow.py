"""/interest end to end: signed requests in, Web API calls out, the Register of Interests in
the database — declaring, Noted / Needs action, a restricted post, a named colleague, and
ending an interest from /conduct mine."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import func, select

from handlers.approvals.ids import decide_action
from storage.db import Database
from storage.models import (
    ApprovalStep,
    AuditEntry,
    Declaration,
    GiftOffer,
    Interest,
    OutboxMessage,
    Staff,
)
from tests.e2e.harness import SECRET, Clock, Nolan, dm_to
from tests.fakeslack import FakeSlack, block_actions_payload, interaction_form, post
from tests.fakeslack.server import Call

DAY = timedelta(days=1)
NOTED, NEEDS_ACTION = decide_action("noted"), decide_action("action_required")
END = "conduct_end_interest"


def financial(clock: Clock, **overrides: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "category_input": "financial",
        "organisation_input": "Acme Cleaning Ltd",
        "description_input": "I own 5% of the shares",
        "started_on_input": date(2021, 4, 1),
        "conflict_input": "Acme bids for the office's cleaning contract",
        "proposal_input": "Take no part in the cleaning contract award",
    }
    answers.update(overrides)
    return answers


def relationship(clock: Clock, colleague: str, **overrides: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "category_input": "relationship",
        "colleague_input": colleague,
        "description_input": "My partner works in the team and is up for promotion",
        "started_on_input": clock.today - 400 * DAY,
        "conflict_input": "I could be asked to sit on the promotion panel",
        "proposal_input": "I will take no part in the promotion process",
    }
    answers.update(overrides)
    return answers


def declare(nolan: Nolan, user: str, answers: dict[str, Any], text: str = "") -> dict[str, Any]:
    view = nolan.open_modal(user, "/interest", text)
    return nolan.submit(user, view, answers)


def stored(db: Database) -> list[tuple[Declaration, Interest]]:
    with db.session() as session:
        return list(
            session.exec(select(Declaration, Interest).join(Interest).order_by(Declaration.id))
        )


def count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def actions(db: Database, declaration_id: int) -> list[str]:
    with db.session() as session:
        return list(
            session.exec(
                select(AuditEntry.action)
                .where(AuditEntry.declaration_id == declaration_id)
                .order_by(AuditEntry.id)
            )
        )


def has_buttons(call: Call) -> bool:
    return any(b.get("type") == "actions" for b in call.args.get("blocks", []))


def blocks_text(call: Call) -> str:
    return json.dumps(call.args.get("blocks", []), ensure_ascii=False)


def note_it(nolan: Nolan, fake: FakeSlack, approver: str = "UMGR") -> None:
    """The approver presses Noted on the first interest card they were sent."""
    nolan.press(approver, dm_to(fake, approver, has_buttons), NOTED)
    fake.wait_for("chat.update")


def mine(nolan: Nolan, user: str) -> dict[str, Any]:
    status, reply = nolan.command(user, "/conduct", "mine")
    assert status == 200
    return json.loads(reply)


def press_in_ephemeral(
    nolan: Nolan, fake: FakeSlack, user: str, reply: dict[str, Any], action_id: str
) -> tuple[int, str]:
    """Press a button in an ephemeral reply to a slash command, as Slack sends it: container
    of type "message" with is_ephemeral true, a response_url, and no message to update."""
    button = next(
        b["accessory"]
        for b in reply["blocks"]
        if b.get("accessory", {}).get("action_id") == action_id
    )
    payload = block_actions_payload(
        user,
        action_id,
        button["value"],
        block_id="mine",
        channel_id="C1",
        message_ts="1700000000.000100",
        response_url=fake.response_url(f"ephemeral-{user}-{time.monotonic_ns()}"),
        trigger_id=fake.new_trigger_id(),
    )
    payload["container"]["is_ephemeral"] = True
    payload.pop("message", None)
    status, _headers, body = post(nolan.events_url, interaction_form(payload), SECRET)
    return status, body


def end_buttons(reply: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        b["accessory"]
        for b in reply.get("blocks", [])
        if b.get("accessory", {}).get("action_id") == END
    ]


# --- Declaring, Noted, Needs action ----------------------------------------------------------


def test_declare_goes_to_the_line_manager_and_noted_tells_the_member_of_staff(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    view = nolan.open_modal("UALICE", "/interest", "I own 5% of the shares")
    description = next(b for b in view["blocks"] if b.get("block_id") == "description")
    assert description["element"]["initial_value"] == "I own 5% of the shares"
    colleague = next(b for b in view["blocks"] if b.get("block_id") == "colleague")
    assert colleague["element"]["type"] == "users_select" and colleague["optional"]
    ended = next(b for b in view["blocks"] if b.get("block_id") == "ended_on")
    assert ended["element"]["type"] == "datepicker" and ended["optional"]
    assert "§8" in json.dumps(view["blocks"], ensure_ascii=False)

    assert nolan.submit("UALICE", view, financial(clock)) == {}

    card = dm_to(fake, "UMGR", has_buttons)
    text = blocks_text(card)
    for expected in (
        "Alice Able",
        "Financial interest",
        "Acme Cleaning Ltd",
        "I own 5% of the shares",
        "01 Apr 2021",
        "Ongoing",
        "cleaning contract",
        "Take no part in the cleaning contract award",
        "Noted",
        "Needs action",
    ):
        assert expected in text, expected
    receipt = dm_to(fake, "UALICE")
    assert "Manny Manager" in receipt.args["text"]
    assert "your interest in Acme Cleaning Ltd (financial interest)" in receipt.args["text"]
    [(declaration, interest)] = stored(db)
    assert declaration.reference == "INT-00001" and declaration.status == "pending"
    assert declaration.created_at == clock.now  # declared on the injected clock's day
    assert (interest.category, interest.started_on, interest.ended_on) == (
        "financial",
        date(2021, 4, 1),
        None,
    )
    assert not interest.restricted_post and interest.action is None
    nolan.settle()  # the DMs arrived: their audit entries are written as each is recorded sent
    assert actions(db, declaration.id)[:3] == ["submitted", "routed", "notified"]

    nolan.press("UMGR", card, NOTED)
    update = fake.wait_for("chat.update")
    assert update.args["ts"] == card.response["ts"]
    assert not has_buttons(update)
    assert "*Noted* by Manny Manager" in blocks_text(update)
    told = dm_to(fake, "UALICE", lambda c: "*Noted*" in c.args["text"])
    assert "your interest in Acme Cleaning Ltd (financial interest)" in told.args["text"]
    assert "End this interest" in told.args["text"]
    [(declaration, interest)] = stored(db)
    assert declaration.status == "noted" and interest.action is None
    with db.session() as session:
        step = session.exec(select(ApprovalStep)).one()
    assert step.decided_by_id == org["manager"].id


def test_needs_action_asks_for_the_action_stores_it_and_tells_the_member_of_staff(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", financial(clock))
    card = dm_to(fake, "UMGR", has_buttons)
    nolan.press("UMGR", card, NEEDS_ACTION)
    form = fake.wait_for("views.open", lambda c: "What must they do" in json.dumps(c.args)).args[
        "view"
    ]

    reply = nolan.submit("UMGR", form, {"text_input": "  "})
    assert reply["response_action"] == "errors" and "text" in reply["errors"]
    assert stored(db)[0][0].status == "pending" and stored(db)[0][1].action is None

    action = "Take no part in the cleaning contract award"
    assert nolan.submit("UMGR", form, {"text_input": action}) == {}
    update = fake.wait_for("chat.update")
    assert "*Needs action* by Manny Manager" in blocks_text(update)
    told = dm_to(fake, "UALICE", lambda c: "*Needs action*" in c.args["text"])
    assert f"The action you must take:* {action}" in told.args["text"]
    assert "Acme Cleaning Ltd" in told.args["text"]
    [(declaration, interest)] = stored(db)
    assert declaration.status == "action_required"
    assert interest.action == action

    # /conduct mine shows it, with the button to end it later.
    reply = mine(nolan, "UALICE")
    assert "Noted, with action needed by Manny Manager" in json.dumps(reply["blocks"])
    assert len(end_buttons(reply)) == 1


# --- Political activity in a restricted post -------------------------------------------------


def restrict(db: Database, staff_id: int) -> None:
    with db.session() as session:
        person = session.get(Staff, staff_id)
        assert person is not None
        person.politically_restricted = True
        session.add(person)
        session.commit()


def political(clock: Clock) -> dict[str, Any]:
    return financial(
        clock,
        category_input="political",
        organisation_input="Anytown Borough Council",
        description_input="Standing as a candidate in the May borough election",
        started_on_input=clock.today + 30 * DAY,
        conflict_input="The council appoints members to the police and crime panel",
        proposal_input=None,
    )


def test_political_activity_in_a_restricted_post_is_told_at_once_and_goes_to_the_mo(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    restrict(db, org["alice"].id)
    assert declare(nolan, "UALICE", political(clock)) == {}

    warning = dm_to(fake, "UALICE")
    assert "Your post is politically restricted" in warning.args["text"]
    assert "derbyshire §7" in warning.args["text"]
    assert "avon-and-somerset §3.15" in warning.args["text"]
    mo_card = dm_to(fake, "UMO", has_buttons)
    manager_card = dm_to(fake, "UMGR", has_buttons)
    # At once: owed before either approver's card, and sent with them, side by side (the
    # outbox's lanes send to different people at the same time).
    with db.session() as session:
        owed = session.exec(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert owed.index("restricted_post") < owed.index("approval")
    for card in (mo_card, manager_card):
        assert "Politically restricted post" in blocks_text(card)
        assert "Anytown Borough Council" in blocks_text(card)
    receipt = dm_to(fake, "UALICE", count=2)
    assert "Manny Manager" in receipt.args["text"]
    assert "Morgan Monitor (Monitoring Officer)" in receipt.args["text"]

    [(declaration, interest)] = stored(db)
    assert interest.restricted_post
    with db.session() as session:
        steps = session.exec(select(ApprovalStep).order_by(ApprovalStep.id)).all()
    assert [(s.role, s.purpose, s.stage) for s in steps] == [
        ("line_manager", "note", 1),
        ("monitoring_officer", "note", 1),
    ]

    # Both note it; the declaration is noted once both have.
    nolan.press("UMO", mo_card, NOTED)
    fake.wait_for("chat.update")
    assert stored(db)[0][0].status == "pending"
    nolan.press("UMGR", manager_card, NEEDS_ACTION)
    form = fake.wait_for("views.open", lambda c: "What must they do" in json.dumps(c.args)).args[
        "view"
    ]
    nolan.submit("UMGR", form, {"text_input": "Do not stand while in this post"})
    fake.wait_for("chat.update", count=2)
    [(declaration, interest)] = stored(db)
    assert declaration.status == "action_required"
    assert interest.action == "Do not stand while in this post"


def test_the_monitoring_officer_is_asked_once_when_they_are_the_line_route(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    # Bob has no manager in the org chart, so his line route is the monitoring officer too.
    restrict(db, org["bob"].id)
    declare(nolan, "UBOB", political(clock))
    dm_to(fake, "UMO", has_buttons)
    assert "politically restricted" in dm_to(fake, "UBOB").args["text"]
    receipt = dm_to(fake, "UBOB", count=2)
    assert receipt.args["text"].count("Morgan Monitor") == 1
    nolan.settle()  # everything owed has gone: none more came
    assert len([c for c in fake.calls("chat.postMessage") if c.args["channel"] == "UMO"]) == 1
    with db.session() as session:
        [step] = session.exec(select(ApprovalStep)).all()
    assert step.approver_id == org["mo"].id
    assert stored(db)[0][1].restricted_post


def test_political_activity_in_an_unrestricted_post_is_an_ordinary_declaration(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", political(clock))
    dm_to(fake, "UMGR", has_buttons)
    receipt = dm_to(fake, "UALICE")
    assert "isn't politically restricted" in receipt.args["text"]
    fake.assert_no_call("chat.postMessage", lambda c: c.args["channel"] == "UMO", settle=0.2)
    assert not stored(db)[0][1].restricted_post
    assert count(db, ApprovalStep) == 1


# --- The colleague named -----------------------------------------------------------------


def test_the_colleague_named_cannot_decide_it_goes_up_a_role(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    # Eve's manager is Manny; she names him, so Manny's manager (the head) notes it.
    assert declare(nolan, "UEVE", relationship(clock, "UMGR")) == {}
    card = dm_to(fake, "UHEAD", has_buttons)
    text = blocks_text(card)
    assert "Colleague concerned" in text and "Manny Manager" in text
    assert "take no part" in text
    receipt = dm_to(fake, "UEVE")
    assert "Harriet Head" in receipt.args["text"]
    assert "As you named Manny Manager, they won't be asked to decide it" in receipt.args["text"]
    fake.assert_no_call("chat.postMessage", lambda c: c.args["channel"] == "UMGR", settle=0.2)
    [(declaration, _interest)] = stored(db)
    assert declaration.named_staff_id == org["manager"].id

    # Pressing the head's button does not let the named manager decide either.
    nolan.press("UMGR", card, NOTED)
    refused = fake.wait_for("response_url")
    assert refused.args["response_type"] == "ephemeral"
    assert stored(db)[0][0].status == "pending"

    nolan.press("UHEAD", card, NOTED)
    fake.wait_for("chat.update")
    told = dm_to(fake, "UEVE", lambda c: "*Noted*" in c.args["text"])
    assert "your relationship with Manny Manager" in told.args["text"]
    assert stored(db)[0][0].status == "noted"


def test_naming_yourself_or_someone_outside_the_org_chart_is_a_field_error(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    view = nolan.open_modal("UALICE", "/interest")
    reply = nolan.submit("UALICE", view, relationship(clock, "UALICE"))
    assert reply["response_action"] == "errors"
    assert "yourself" in reply["errors"]["colleague"]
    reply = nolan.submit("UALICE", view, relationship(clock, "UNOBODY"))
    assert "org chart" in reply["errors"]["colleague"]
    assert count(db, Declaration) == 0
    fake.assert_no_call("chat.postMessage", settle=0.1)


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"category_input": None}, "category", "kind of interest"),
        ({"organisation_input": None}, "organisation", "organisation"),
        ({"organisation_input": "x" * 201}, "organisation", "200 characters"),
        ({"description_input": "   "}, "description", "describe"),
        ({"conflict_input": None}, "conflict", "conflict"),
        ({"started_on_input": None}, "started_on", "since when"),
        ({"started_on_input": "2030-01-01"}, "started_on", "year ahead"),
        ({"ended_on_input": "2021-03-31"}, "ended_on", "before the start"),
        ({"category_input": "relationship", "colleague_input": None}, "colleague", "colleague"),
    ],
)
def test_bad_input_gets_an_error_on_its_field_and_stores_nothing(
    nolan: Nolan,
    fake: FakeSlack,
    db: Database,
    clock: Clock,
    changes: dict[str, Any],
    field: str,
    words: str,
) -> None:
    reply = declare(nolan, "UALICE", financial(clock, **changes))
    assert reply["response_action"] == "errors"
    assert words in reply["errors"][field]
    assert count(db, Declaration) == 0 and count(db, AuditEntry) == 0
    fake.assert_no_call("chat.postMessage", settle=0.1)


def test_someone_outside_the_org_chart_is_told_why(nolan: Nolan, fake: FakeSlack) -> None:
    status, reply = nolan.command("UNOBODY", "/interest", "shares")
    assert status == 200
    assert "org chart" in json.loads(reply)["text"]
    fake.assert_no_call("views.open", settle=0.1)


# --- Related history on the card ---------------------------------------------------------


def test_the_card_shows_other_interests_and_offers_from_the_same_organisation(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    declare(nolan, "UALICE", financial(clock))
    first = dm_to(fake, "UMGR", has_buttons)
    assert "Related history" not in blocks_text(first)
    with db.session() as session:
        offer = Declaration(kind="gift", declarant_id=org["alice"].id, status="approved")
        session.add(offer)
        session.flush()
        offer.reference = f"GH-{offer.id:05d}"
        session.add(
            GiftOffer(
                declaration_id=offer.id,
                kind="hospitality",
                offered_by="ACME Cleaning Ltd ",
                relationship="contractor",
                description="Dinner",
                value_pence=8500,
                date_offered=date(2026, 6, 1),
                response="accepted",
            )
        )
        other = Declaration(kind="gift", declarant_id=org["eve"].id, status="approved")
        session.add(other)
        session.flush()
        other.reference = f"GH-{other.id:05d}"
        session.add(
            GiftOffer(
                declaration_id=other.id,
                kind="gift",
                offered_by="Acme Cleaning Ltd",
                relationship="contractor",
                description="Eve's pen",
                value_pence=500,
                date_offered=date(2026, 6, 2),
                response="accepted",
            )
        )
        session.commit()
        offer_ref, other_ref = offer.reference, other.reference

    declare(
        nolan,
        "UALICE",
        financial(
            clock,
            category_input="non_financial",
            organisation_input="acme cleaning ltd",
            description_input="I chair Acme's community fund panel",
        ),
    )
    second = dm_to(fake, "UMGR", has_buttons, count=2)
    history = blocks_text(second)
    assert "Related history" in history
    assert "INT-00001" in history and "financial interest in Acme Cleaning Ltd" in history
    assert offer_ref in history and "£85.00" in history
    assert other_ref not in history  # someone else's offer is not this person's history


# --- Ending an interest ------------------------------------------------------------------


def test_end_an_interest_from_conduct_mine_keeps_the_record_and_tells_the_manager(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    declare(nolan, "UALICE", financial(clock))
    reply = mine(nolan, "UALICE")
    assert end_buttons(reply) == []  # still waiting: Withdraw, not End
    note_it(nolan, fake)
    reply = mine(nolan, "UALICE")
    [button] = end_buttons(reply)
    assert button["text"]["text"] == "End this interest…"

    status, _ = press_in_ephemeral(nolan, fake, "UALICE", reply, END)
    assert status == 200
    form = fake.wait_for("views.open", lambda c: c.args["view"]["callback_id"] == "interest_end")
    view = form.args["view"]
    picker = next(b for b in view["blocks"] if b.get("block_id") == "end_date")
    assert picker["element"]["initial_date"] == clock.today.isoformat()
    assert "INT-00001" in json.dumps(view["blocks"])

    reply_err = nolan.submit("UALICE", view, {"end_date_input": "2021-03-01"})
    assert "started on 01 Apr 2021" in reply_err["errors"]["end_date"]
    reply_err = nolan.submit("UALICE", view, {"end_date_input": clock.today + 400 * DAY})
    assert "year ahead" in reply_err["errors"]["end_date"]
    reply_err = nolan.submit("UALICE", view, {"end_date_input": None})
    assert reply_err["response_action"] == "errors"
    assert stored(db)[0][1].ended_on is None

    ended_on = clock.today - 3 * DAY
    assert nolan.submit("UALICE", view, {"end_date_input": ended_on}) == {}
    told = dm_to(fake, "UMGR", lambda c: "has ended" in c.args["text"])
    assert "Alice Able" in told.args["text"] and "INT-00001" in told.args["text"]
    assert "stays on the Register of Interests" in told.args["text"]
    confirmed = dm_to(fake, "UALICE", lambda c: c.args["text"].startswith("Recorded"))
    assert ended_on.strftime("%d %b %Y") in confirmed.args["text"]

    [(declaration, interest)] = stored(db)
    assert interest.ended_on == ended_on
    assert declaration.status == "noted"  # the decision stays; the end date is its own fact
    assert "ended" in actions(db, declaration.id)

    # The same submission again, and the button pressed again: already ended.
    again = nolan.submit("UALICE", view, {"end_date_input": ended_on})
    assert "already ended" in again["errors"]["end_date"]
    press_in_ephemeral(nolan, fake, "UALICE", reply, END)
    answer = fake.wait_for("response_url", lambda c: "already ended" in c.args["text"])
    assert answer.args["response_type"] == "ephemeral"
    assert len(fake.calls("views.open")) == 2  # the /interest modal and one end form

    listing = mine(nolan, "UALICE")
    assert end_buttons(listing) == []
    assert f"ended {ended_on:%d %b %Y}" in json.dumps(listing["blocks"], ensure_ascii=False)
    assert count(db, Interest) == 1  # never deleted


def test_only_the_declarant_can_end_an_interest(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", financial(clock))
    note_it(nolan, fake)
    reply = mine(nolan, "UALICE")
    press_in_ephemeral(nolan, fake, "UEVE", reply, END)
    answer = fake.wait_for("response_url", lambda c: "Only the person" in c.args["text"])
    assert answer.args["response_type"] == "ephemeral"
    fake.assert_no_call(
        "views.open", lambda c: c.args["view"]["callback_id"] == "interest_end", settle=0.1
    )
    assert stored(db)[0][1].ended_on is None


def test_ending_a_restricted_political_interest_tells_the_monitoring_officer_too(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    restrict(db, org["alice"].id)
    declare(nolan, "UALICE", political(clock))
    nolan.press("UMO", dm_to(fake, "UMO", has_buttons), NOTED)
    fake.wait_for("chat.update")
    nolan.press("UMGR", dm_to(fake, "UMGR", has_buttons), NOTED)
    fake.wait_for("chat.update", count=2)
    press_in_ephemeral(nolan, fake, "UALICE", mine(nolan, "UALICE"), END)
    form = fake.wait_for("views.open", lambda c: c.args["view"]["callback_id"] == "interest_end")
    end_on = clock.today + 40 * DAY
    assert nolan.submit("UALICE", form.args["view"], {"end_date_input": end_on}) == {}
    dm_to(fake, "UMGR", lambda c: "has ended" in c.args["text"])
    dm_to(fake, "UMO", lambda c: "has ended" in c.args["text"])
    assert stored(db)[0][1].ended_on == end_on
