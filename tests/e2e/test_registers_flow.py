"""The officers' register search, a declaration's record and withholding, end to end:
signed requests in, Web API calls out, the audit trail in the database."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from sqlmodel import col, select

from handlers.registers.ids import WithholdMeta
from handlers.registers.record import withhold_form
from storage.db import Database
from storage.models import AuditEntry, Declaration, GiftOffer, Staff
from tests.e2e.harness import SECRET, Clock, Nolan
from tests.fakeslack import FakeSlack, block_actions_form, post

DAY = timedelta(days=1)


def hospitality(clock: Clock) -> dict[str, Any]:
    return {
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


def declare_hospitality(nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock) -> int:
    """Alice declares through /gift, so the record has steps and a real audit trail."""
    view = nolan.open_modal("UALICE", "/gift")
    assert nolan.submit("UALICE", view, hospitality(clock)) == {}
    fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "UMGR")
    with db.session() as session:
        found = session.exec(select(Declaration.id).order_by(col(Declaration.id).desc())).first()
        assert found is not None
        return found


def seed_offers(db: Database, who: Staff, count: int) -> None:
    """Older offers from the same giver, written straight to the register."""
    assert who.id is not None
    with db.session() as session:
        for n in range(count):
            row = Declaration(kind="gift", declarant_id=who.id, status="approved")
            session.add(row)
            session.flush()
            row.reference = f"GH-{row.id:05d}"
            session.add(
                GiftOffer(
                    declaration_id=row.id,
                    kind="gift",
                    offered_by="ACME Cleaning Ltd",
                    relationship="contractor",
                    description=f"Box of chocolates {n}",
                    value_pence=1500,
                    date_offered=date(2026, 6, 1) + n * DAY,
                    response="accepted",
                )
            )
        session.commit()


def entries(db: Database, action: str) -> list[AuditEntry]:
    with db.session() as session:
        return list(
            session.exec(
                select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
            ).all()
        )


def text(view: dict[str, Any]) -> str:
    return json.dumps(view.get("blocks", []), ensure_ascii=False)


def buttons(view: dict[str, Any], action_id: str) -> list[tuple[str, str]]:
    """(block_id, value) of each button `action_id` in a view, as sections or actions."""
    found = []
    for block in view["blocks"]:
        elements = list(block.get("elements", [])) if block["type"] == "actions" else []
        if block.get("accessory"):
            elements.append(block["accessory"])
        for element in elements:
            if element.get("action_id") == action_id:
                found.append((block.get("block_id", ""), element.get("value", "")))
    return found


def press(
    nolan: Nolan, fake: FakeSlack, user: str, view: dict[str, Any], action_id: str, value: str = ""
) -> None:
    matches = [(b, v) for b, v in buttons(view, action_id) if value in v]
    assert matches, f"no {action_id} button with {value!r}"
    block_id, button_value = matches[0]
    body = block_actions_form(
        user,
        action_id,
        button_value,
        block_id=block_id,
        trigger_id=fake.new_trigger_id(),
        container_type="view",
        view=view,
    )
    status, _headers, reply = post(nolan.events_url, body, SECRET)
    assert status == 200, reply


def latest(fake: FakeSlack, method: str, count: int) -> dict[str, Any]:
    """The view Slack holds after the count-th call of `method` (with its id)."""
    fake.wait_for(method, count=count)
    return fake.responses(method)[count - 1]["view"]


def test_the_monitoring_officer_searches_opens_and_withholds(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    first = declare_hospitality(nolan, fake, db, clock)
    seed_offers(db, org["eve"], 21)
    form = nolan.open_modal("UMO", "/conduct", "search")
    assert form["callback_id"] == "registers_search_form"

    # Dates the wrong way round, someone not in the org chart: each error on its field.
    reply = nolan.submit(
        "UMO",
        form,
        {
            "date_from_input": date(2026, 7, 1),
            "date_to_input": date(2026, 6, 1),
            "person_input": "UNOBODY",
        },
    )
    assert reply["response_action"] == "errors"
    assert set(reply["errors"]) == {"date_to", "person"}
    assert "org chart" in reply["errors"]["person"]

    reply = nolan.submit("UMO", form, {"offeror_input": "acme CLEANING"})
    assert reply["response_action"] == "update"
    results = {**reply["view"], "id": "V1", "type": "modal"}
    assert "1–20 of 22" in text(results)
    assert len(buttons(results, "registers_record")) == 20
    assert "Eve Other" in text(results) and "Box of chocolates 20" in text(results)
    assert buttons(results, "registers_page_next") and not buttons(
        results, "registers_page_previous"
    )

    press(nolan, fake, "UMO", results, "registers_page_next")
    page_two = fake.wait_for("views.update").args
    assert page_two["view_id"] == "V1"
    second = {**page_two["view"], "id": "V1", "type": "modal"}
    assert "21–22 of 22" in text(second) and "Alice Able" in text(second)
    assert buttons(second, "registers_page_previous")
    assert not buttons(second, "registers_page_next")

    # The full record, over the results.
    press(nolan, fake, "UMO", second, "registers_record", str(first))
    record = latest(fake, "views.push", 1)
    shown = text(record)
    for expected in (
        "Acme Cleaning Ltd",
        "Dinner at the Grand Hotel",
        "Approval steps",
        "Manny Manager",
        "Audit trail",
        "Declared by Alice Able",
        "Sent to Manny Manager to authorise",
        "Viewed by Morgan Monitor",
        # Officers see the flags as they stand now: the 21 older offers came in afterwards.
        "Risk flags",
        "Repeated offers",
    ):
        assert expected in shown, expected
    [viewed] = entries(db, "viewed")
    assert (viewed.actor_id, viewed.declaration_id) == (org["mo"].id, first)

    # Withhold it, with a ground and a note (a missing note is asked for).
    press(nolan, fake, "UMO", record, "registers_withhold", str(first))
    withhold = latest(fake, "views.push", 2)
    assert withhold["callback_id"] == "registers_withhold_form"
    reply = nolan.submit("UMO", withhold, {"ground_input": "personal_safety", "note_input": " "})
    assert reply["response_action"] == "errors" and set(reply["errors"]) == {"note"}
    assert entries(db, "withheld") == []
    reply = nolan.submit(
        "UMO",
        withhold,
        {"ground_input": "personal_safety", "note_input": "Threats against the host"},
    )
    assert reply == {}
    with db.session() as session:
        stored = session.get(Declaration, first)
        assert stored is not None
        assert (stored.withheld_reason, stored.withheld_by_id) == ("personal_safety", org["mo"].id)
        assert stored.withheld_at is not None
    [withheld] = entries(db, "withheld")
    assert withheld.actor_id == org["mo"].id
    assert json.loads(withheld.detail) == {
        "ground": "personal_safety",
        "note": "Threats against the host",
    }
    # The record beneath the form now shows it, with the way back.
    refreshed = fake.wait_for("views.update", count=2).args
    assert refreshed["view_id"] == record["id"]
    shown = text(refreshed["view"])
    assert "Withheld from publication" in shown and "Personal safety (FOIA s38)" in shown
    assert "Threats against the host" in shown and "Morgan Monitor" in shown
    assert buttons(refreshed["view"], "registers_republish")
    assert not buttons(refreshed["view"], "registers_withhold")

    # The declarant sees that it is withheld and on what ground, not the officer's note.
    press(nolan, fake, "UALICE", home_with_view_button(first), "registers_record")
    hers = text(latest(fake, "views.open", 3))  # after /gift's form and /conduct search's
    assert "Withheld from publication" in hers and "Personal safety (FOIA s38)" in hers
    assert "Threats against the host" not in hers

    # Published again, with a reason.
    again = {**refreshed["view"], "id": record["id"]}
    press(nolan, fake, "UMO", again, "registers_republish", str(first))
    form_again = latest(fake, "views.push", 3)
    assert nolan.submit("UMO", form_again, {"reason_input": "The threat has passed"}) == {}
    with db.session() as session:
        stored = session.get(Declaration, first)
        assert stored is not None and stored.withheld_at is None
        assert stored.withheld_reason is None and stored.withheld_by_id is None
    [published] = entries(db, "published_again")
    assert json.loads(published.detail)["reason"] == "The threat has passed"
    assert published.actor_id == org["mo"].id


def test_a_member_of_staff_is_refused_the_search(
    nolan: Nolan, fake: FakeSlack, org: dict[str, Staff]
) -> None:
    status, reply = nolan.command("UALICE", "/conduct", "search")
    body = json.loads(reply)
    assert status == 200 and body["response_type"] == "ephemeral"
    assert "Only the monitoring officer and the head of office" in body["text"]
    fake.assert_no_call("views.open", settle=0.2)


def home_with_view_button(declaration_id: int) -> dict[str, Any]:
    """An App Home tab as Slack sends it back, with a "View" button on a declaration."""
    return {
        "id": "VHOME",
        "type": "home",
        "blocks": [
            {
                "type": "section",
                "block_id": "mine",
                "text": {"type": "mrkdwn", "text": "Your declarations"},
                "accessory": {
                    "type": "button",
                    "action_id": "registers_record",
                    "text": {"type": "plain_text", "text": "View"},
                    "value": str(declaration_id),
                },
            }
        ],
    }


def test_own_record_from_home_is_not_audited_and_has_no_withholding(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    seed_offers(db, org["eve"], 2)  # so Alice's is the third offer from the giver
    first = declare_hospitality(nolan, fake, db, clock)
    press(nolan, fake, "UALICE", home_with_view_button(first), "registers_record")
    record = latest(fake, "views.open", 2)  # the first was the /gift form
    assert record["callback_id"] == "registers_record_view"
    assert "Dinner at the Grand Hotel" in text(record) and "Audit trail" in text(record)
    assert not buttons(record, "registers_withhold")
    # The flag counts a colleague's offers: not shown to the declarant.
    assert "Risk flags" not in text(record)
    # The approver it was routed to sees it too, with the flags their card showed; neither
    # view is audited.
    press(nolan, fake, "UMGR", home_with_view_button(first), "registers_record")
    routed = latest(fake, "views.open", 3)
    assert routed["callback_id"] == "registers_record_view"
    assert "Repeated offers" in text(routed)
    assert entries(db, "viewed") == []


def test_an_admin_without_an_officer_role_cannot_read_others(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    first = declare_hospitality(nolan, fake, db, clock)
    with db.session() as session:
        bob = session.get(Staff, org["bob"].id)
        assert bob is not None
        bob.roles = "admin"
        session.add(bob)
        session.commit()
    for user in ("UBOB", "UEVE"):
        press(nolan, fake, user, home_with_view_button(first), "registers_record")
    for n in (2, 3):
        refused = latest(fake, "views.open", n)
        assert "You can't see this declaration" in text(refused)
        assert "Dinner" not in text(refused)
    _status, reply = nolan.command("UBOB", "/conduct", "search")
    assert "Only the monitoring officer" in json.loads(reply)["text"]
    assert entries(db, "viewed") == []


def test_an_officer_cannot_withhold_their_own_declaration(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    view = nolan.open_modal("UMO", "/gift")
    assert nolan.submit("UMO", view, hospitality(clock)) == {}
    with db.session() as session:
        own = session.exec(select(Declaration.id).order_by(col(Declaration.id).desc())).first()
    assert own is not None
    press(nolan, fake, "UMO", home_with_view_button(own), "registers_record")
    record = latest(fake, "views.open", 2)
    assert record["callback_id"] == "registers_record_view"
    assert not buttons(record, "registers_withhold")
    # A withhold form forged for it is refused on its field, and nothing changes.
    forged = withhold_form(WithholdMeta(declaration_id=own), "GH-X", "hospitality").to_dict()
    reply = nolan.submit("UMO", forged, {"ground_input": "personal_safety", "note_input": "Mine"})
    assert reply["response_action"] == "errors"
    assert "own declaration" in json.dumps(reply["errors"])
    assert entries(db, "withheld") == []
