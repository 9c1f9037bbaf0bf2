"""/gift end to end: signed requests in, Web API calls out, the register in the database."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import func, select

from handlers.approvals.ids import decide_action
from storage.db import Database
from storage.models import ApprovalStep, AuditEntry, Declaration, GiftOffer, Staff
from tests.e2e.harness import SECRET, Clock, Nolan, dm_to
from tests.fakeslack import FakeSlack, post, slash_command_form

DAY = timedelta(days=1)
APPROVE, DECLINE, HAND_ON = (decide_action(o) for o in ("approved", "declined", "handed_on"))


def hospitality(clock: Clock, **overrides: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "kind_input": "hospitality",
        "offered_by_input": "Acme Cleaning Ltd",
        "relationship_input": "contractor",
        "description_input": "Dinner at the Grand Hotel",
        "value_input": "85",
        "date_offered_input": clock.today - 2 * DAY,
        "event_date_input": clock.today + 10 * DAY,
        "response_input": "wants_to_accept",
        "reason_input": "Representing the office at the launch",
    }
    answers.update(overrides)
    return answers


def gift(clock: Clock, **overrides: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "kind_input": "gift",
        "gift_type_input": "item",
        "offered_by_input": "Stationery Direct",
        "relationship_input": "contractor",
        "description_input": "A desk calendar",
        "value_input": "8",
        "date_offered_input": clock.today,
        "response_input": "accepted",
        "reason_input": "Useful in the office",
        "circumstances_input": ["use_at_work"],
    }
    answers.update(overrides)
    return answers


def declare(nolan: Nolan, user: str, answers: dict[str, Any], text: str = "") -> dict[str, Any]:
    view = nolan.open_modal(user, "/gift", text)
    return nolan.submit(user, view, answers)


def declarations(db: Database) -> list[tuple[Declaration, GiftOffer]]:
    with db.session() as session:
        return list(
            session.exec(
                select(Declaration, GiftOffer).join(GiftOffer).order_by(Declaration.id)
            ).all()
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
            ).all()
        )


def has_buttons(call: Any) -> bool:
    return any(b.get("type") == "actions" for b in call.args.get("blocks", []))


def test_hospitality_happy_path_to_approval(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    view = nolan.open_modal("UALICE", "/gift", "Dinner at the Grand Hotel")
    description = next(b for b in view["blocks"] if b.get("block_id") == "description")
    assert description["element"]["initial_value"] == "Dinner at the Grand Hotel"
    assert not any(b.get("block_id") == "line_manager" for b in view["blocks"])
    # Most gifts are items, so the sort of gift starts there (hospitality ignores it).
    sort = next(b for b in view["blocks"] if b.get("block_id") == "gift_type")
    assert sort["element"]["initial_option"]["value"] == "item"

    # Slack submits the initial option unless changed: hospitality has no sort of gift.
    assert nolan.submit("UALICE", view, hospitality(clock, gift_type_input="item")) == {}

    request = dm_to(fake, "UMGR", has_buttons)
    text = json.dumps(request.args["blocks"], ensure_ascii=False)
    for expected in (
        "Alice Able",
        "Acme Cleaning Ltd",
        "£85.00",
        "Dinner at the Grand Hotel",
        "Representing the office",
        "Contractor or supplier",
    ):
        assert expected in text
    receipt = dm_to(fake, "UALICE")
    assert "Manny Manager" in receipt.args["text"]
    [(declaration, offer)] = declarations(db)
    assert (declaration.status, offer.flags, offer.gift_type) == ("pending", "", None)
    nolan.settle()  # the DMs arrived: their audit entries are written as each is recorded sent

    status, _ = nolan.press("UMGR", request, APPROVE)
    assert status == 200

    update = fake.wait_for("chat.update")
    assert update.args["channel"] == "DUMGR" and update.args["channel"].startswith("D")
    assert update.args["ts"] == request.response["ts"]
    assert not has_buttons(update)
    assert "*Approved* by Manny Manager" in json.dumps(update.args["blocks"], ensure_ascii=False)
    outcome = dm_to(fake, "UALICE", lambda c: "*Approved*" in c.args["text"])
    assert "Acme Cleaning Ltd" in outcome.args["text"]
    assert "Dinner at the Grand Hotel" in outcome.args["text"]

    [(declaration, _offer)] = declarations(db)
    assert declaration.status == "approved"
    with db.session() as session:
        step = session.exec(select(ApprovalStep)).one()
    assert step.decided_by_id == org["manager"].id and step.decided_at is not None
    assert actions(db, declaration.id)[:3] == ["submitted", "routed", "notified"]
    assert "decided" in actions(db, declaration.id)


def test_decline_needs_a_reason_and_tells_the_member_of_staff(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    request = dm_to(fake, "UMGR", has_buttons)
    nolan.press("UMGR", request, DECLINE)
    form = fake.wait_for(
        "views.open", lambda c: "Decline" in json.dumps(c.args["view"], ensure_ascii=False), count=1
    ).args["view"]
    assert form["callback_id"] == "approval_decision_text"

    reply = nolan.submit("UMGR", form, {"text_input": "   "})
    assert reply["response_action"] == "errors" and "text" in reply["errors"]
    assert declarations(db)[0][0].status == "pending"

    assert nolan.submit("UMGR", form, {"text_input": "A current bidder is the host"}) == {}
    update = fake.wait_for("chat.update")
    assert "*Declined* by Manny Manager" in json.dumps(update.args["blocks"], ensure_ascii=False)
    assert "A current bidder is the host" in json.dumps(update.args["blocks"], ensure_ascii=False)
    told = dm_to(fake, "UALICE", lambda c: "*Declined*" in c.args["text"])
    assert "A current bidder is the host" in told.args["text"]
    assert "Acme Cleaning Ltd" in told.args["text"]
    assert declarations(db)[0][0].status == "declined"


@pytest.mark.parametrize("gift_type", ["monetary", "legacy"])
def test_cash_and_legacies_are_refused_and_the_manager_told_without_buttons(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, gift_type: str
) -> None:
    declare(
        nolan,
        "UALICE",
        gift(clock, gift_type_input=gift_type, value_input="50", circumstances_input=[]),
    )
    told = dm_to(fake, "UMGR")
    assert not has_buttons(told)
    assert "information" in json.dumps(told.args["blocks"], ensure_ascii=False)
    why = dm_to(fake, "UALICE")
    assert "always be refused" in why.args["text"]
    [(declaration, _offer)] = declarations(db)
    assert declaration.status == "refused"
    assert count(db, ApprovalStep) == 0


def test_token_gift_of_use_at_work_is_noted_without_approval(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", gift(clock))
    receipt = dm_to(fake, "UALICE")
    assert "no approval is needed" in receipt.args["text"]
    fake.assert_no_call("chat.postMessage", lambda c: c.args["channel"] == "UMGR")
    [(declaration, _offer)] = declarations(db)
    assert declaration.status == "recorded"


def test_declined_offer_is_recorded_and_the_manager_told(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock, response_input="declined", reason_input=None))
    assert not has_buttons(dm_to(fake, "UMGR"))
    assert declarations(db)[0][0].status == "recorded"


def test_unsolicited_gift_is_decided_by_the_monitoring_officer(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(
        nolan,
        "UALICE",
        gift(
            clock,
            value_input="120",
            description_input="A hamper",
            circumstances_input=["unsolicited"],
        ),
    )
    request = dm_to(fake, "UMO", has_buttons)
    fake.assert_no_call("chat.postMessage", lambda c: c.args["channel"] == "UMGR", settle=0.1)
    nolan.press("UMO", request, HAND_ON)
    update = fake.wait_for("chat.update")
    assert "handed on" in json.dumps(update.args["blocks"], ensure_ascii=False)
    told = dm_to(fake, "UALICE", lambda c: "*To be handed on*" in c.args["text"])
    assert "A hamper" in told.args["text"]
    [(declaration, offer)] = declarations(db)
    assert (declaration.status, offer.disposal) == ("handed_on", "handed_on")


def test_someone_else_pressing_approve_is_refused_and_nothing_changes(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    request = dm_to(fake, "UMGR", has_buttons)
    for intruder in ("UEVE", "UALICE", "UHEAD", "UNOBODY"):
        nolan.press(intruder, request, APPROVE)
    refusals = [fake.wait_for("response_url", count=n) for n in range(1, 5)]
    assert all(r.args["response_type"] == "ephemeral" for r in refusals)
    assert all(r.args.get("replace_original") is False for r in refusals)
    assert any("your own" in r.args["text"] for r in refusals)
    fake.assert_no_call("chat.update")
    assert declarations(db)[0][0].status == "pending"


def test_double_press_records_one_decision(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    request = dm_to(fake, "UMGR", has_buttons)
    nolan.press("UMGR", request, APPROVE)
    fake.wait_for("chat.update")
    nolan.press("UMGR", request, APPROVE)
    again = fake.wait_for("response_url")
    assert "already decided" in again.args["text"]
    nolan.settle()  # everything owed has gone: none more came
    assert len(fake.calls("chat.update")) == 1


def test_two_people_pressing_at_once_record_one_decision(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    request = dm_to(fake, "UMGR", has_buttons)
    presses = [
        threading.Thread(target=nolan.press, args=(user, request, APPROVE))
        for user in ("UMGR", "UMO", "UMGR", "UMO")
    ]
    for press in presses:
        press.start()
    for press in presses:
        press.join()
    fake.wait_for("chat.update")
    fake.wait_for("response_url", count=3)
    nolan.settle()  # everything owed has gone: none more came
    assert len(fake.calls("chat.update")) == 1
    with db.session() as session:
        decided = session.exec(select(AuditEntry).where(AuditEntry.action == "decided")).all()
    assert len(decided) == 1


def test_restart_between_submission_and_decision_loses_nothing(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    request = dm_to(fake, "UMGR", has_buttons)
    nolan.restart()
    nolan.press("UMGR", request, APPROVE)
    fake.wait_for("chat.update")
    assert declarations(db)[0][0].status == "approved"


def test_bad_signature_and_stale_timestamp_are_rejected_and_nothing_stored(
    nolan: Nolan, fake: FakeSlack, db: Database
) -> None:
    body = slash_command_form(
        "/gift", "", "UALICE", trigger_id=fake.new_trigger_id(), response_url=fake.response_url("x")
    )
    status, _h, _b = post(nolan.events_url, body, "not-the-secret")
    assert status == 401
    status, _h, _b = post(nolan.events_url, body, SECRET, timestamp=int(time.time()) - 600)
    assert status == 401
    fake.assert_no_call("views.open")
    assert count(db, Declaration) == 0
    assert count(db, AuditEntry) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"value_input": "-10"}, "value"),
        ({"value_input": "about twenty"}, "value"),
        ({"value_input": "250000"}, "value"),
        ({"offered_by_input": None}, "offered_by"),
        ({"relationship_input": None}, "relationship"),
        ({"description_input": "x" * 2001}, "description"),
        ({"event_date_input": None}, "event_date"),
        ("event-before-offer", "event_date"),
        ({"reason_input": None}, "reason"),
    ],
)
def test_bad_input_gets_an_error_on_its_field_and_stores_nothing(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, overrides: Any, field: str
) -> None:
    if overrides == "event-before-offer":
        overrides = {
            "date_offered_input": clock.today - DAY,
            "event_date_input": clock.today - 3 * DAY,
        }
    reply = declare(nolan, "UALICE", hospitality(clock, **overrides))
    assert reply["response_action"] == "errors"
    assert field in reply["errors"]
    assert count(db, Declaration) == 0
    fake.assert_no_call("chat.postMessage", settle=0.1)


def test_gift_type_is_required_for_gifts(nolan: Nolan, db: Database, clock: Clock) -> None:
    reply = declare(nolan, "UALICE", gift(clock, gift_type_input=None))
    assert set(reply["errors"]) == {"gift_type"}


def test_someone_outside_the_org_chart_is_told_why(nolan: Nolan, fake: FakeSlack) -> None:
    status, reply = nolan.command("USTRANGER", "/gift")
    assert status == 200
    assert "org chart" in json.loads(reply)["text"]
    fake.assert_no_call("views.open", settle=0.1)


def test_without_a_manager_in_the_org_chart_the_form_asks_for_one(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    view = nolan.open_modal("UBOB", "/gift")
    assert any(b.get("block_id") == "line_manager" for b in view["blocks"])
    reply = nolan.submit("UBOB", view, hospitality(clock, line_manager_input="UBOB"))
    assert "line_manager" in reply["errors"]
    reply = nolan.submit("UBOB", view, hospitality(clock, line_manager_input="USTRANGER"))
    assert "line_manager" in reply["errors"]
    assert nolan.submit("UBOB", view, hospitality(clock, line_manager_input="UEVE")) == {}
    dm_to(fake, "UEVE", has_buttons)
    [(declaration, _offer)] = declarations(db)
    with db.session() as session:
        eve = session.exec(select(Staff).where(Staff.slack_user_id == "UEVE")).one()
    assert declaration.chosen_approver_id == eve.id


def test_head_of_office_goes_to_the_monitoring_officer(
    nolan: Nolan, fake: FakeSlack, clock: Clock
) -> None:
    declare(nolan, "UHEAD", hospitality(clock))
    request = dm_to(fake, "UMO", has_buttons)
    assert "Harriet Head" in json.dumps(request.args["blocks"], ensure_ascii=False)


def test_retrospective_hospitality_is_flagged_to_the_approver(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(
        nolan,
        "UALICE",
        hospitality(
            clock,
            relationship_input="bidder",
            date_offered_input=clock.today - 9 * DAY,
            event_date_input=clock.today - 2 * DAY,
            response_input="accepted",
        ),
    )
    request = dm_to(fake, "UMGR", has_buttons)
    blocks = json.dumps(request.args["blocks"], ensure_ascii=False)
    assert "Retrospective" in blocks and "bidding" in blocks
    assert declarations(db)[0][1].flags == "bidder;retrospective"


def test_conduct_mine_lists_own_declarations(nolan: Nolan, fake: FakeSlack, clock: Clock) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    dm_to(fake, "UMGR", has_buttons)
    status, reply = nolan.command("UALICE", "/conduct", "mine")
    body = json.loads(reply)
    assert status == 200 and body["response_type"] == "ephemeral"
    listing = json.dumps(body["blocks"], ensure_ascii=False)
    assert "GH-00001" in listing and "Acme Cleaning Ltd" in listing
    assert "Waiting for a decision from Manny Manager" in listing
    status, reply = nolan.command("UEVE", "/conduct", "mine")
    assert "no declarations" in json.loads(reply)["text"]


def test_conduct_help(nolan: Nolan) -> None:
    status, reply = nolan.command("UALICE", "/conduct", "")
    body = json.loads(reply)
    assert status == 200 and "/gift" in body["text"]
    status, reply = nolan.command("UALICE", "/conduct", "frobnicate")
    assert "frobnicate" in json.loads(reply)["text"]


def test_health(nolan: Nolan) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{nolan.url}/health", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "ok"}
