"""/outside-work end to end: signed requests in, Web API calls out, the record in the database.

Two steps: the line manager recommends, then the head of office grants or refuses
(warwickshire "Commitments Outside of Work"; derbyshire §12; avon-and-somerset §3.14).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import func, select

from bot.settings import Policy
from handlers.approvals.ids import decide_action
from storage.db import Database
from storage.models import ApprovalStep, AuditEntry, Declaration, OutsideWork, Staff
from tests.e2e.harness import Clock, Nolan, dm_to
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call

DAY = timedelta(days=1)
SUPPORT, NOT_SUPPORT, GRANT, REFUSE = (
    decide_action(o) for o in ("supported", "not_supported", "granted", "refused")
)
DECISION_FORM = "approval_decision_text"


def answers(clock: Clock, **overrides: Any) -> dict[str, Any]:
    given: dict[str, Any] = {
        "organisation_input": "Riverside Rugby Club",
        "role_input": "Youth coach",
        "pay_input": "voluntary",
        "hours_input": "4.5",
        "when_input": "outside_hours",
        "start_date_input": clock.today + 14 * DAY,
        "involves_partner_input": "no",
        "uses_office_input": ["none"],
        "notes_input": "Saturday mornings in term time.",
    }
    given.update(overrides)
    return given


def ask(nolan: Nolan, user: str, given: dict[str, Any], text: str = "") -> dict[str, Any]:
    view = nolan.open_modal(user, "/outside-work", text)
    return nolan.submit(user, view, given)


def requests(db: Database) -> list[tuple[Declaration, OutsideWork]]:
    with db.session() as session:
        return list(
            session.exec(
                select(Declaration, OutsideWork).join(OutsideWork).order_by(Declaration.id)
            ).all()
        )


def count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def trail(db: Database, declaration_id: int) -> list[AuditEntry]:
    with db.session() as session:
        return list(
            session.exec(
                select(AuditEntry)
                .where(AuditEntry.declaration_id == declaration_id)
                .order_by(AuditEntry.id)
            ).all()
        )


def has_buttons(call: Call) -> bool:
    return any(b.get("type") == "actions" for b in call.args.get("blocks", []))


def buttons(call: Call) -> list[str]:
    return [
        e["action_id"]
        for b in call.args.get("blocks", [])
        if b.get("type") == "actions"
        for e in b["elements"]
    ]


def blocks_text(call: Call) -> str:
    return json.dumps(call.args.get("blocks", []), ensure_ascii=False)


def is_subsequence(wanted: list[str], actual: list[str]) -> bool:
    it = iter(actual)
    return all(any(a == w for a in it) for w in wanted)


def open_decision_form(nolan: Nolan, fake: FakeSlack, user: str, card: Call, action: str) -> dict:
    """Press a decision button that needs words, and return the form Nolan opened."""

    def is_form(c: Call) -> bool:
        return c.args["view"]["callback_id"] == DECISION_FORM

    before = len([c for c in fake.calls("views.open") if is_form(c)])
    status, _ = nolan.press(user, card, action)
    assert status == 200
    return fake.wait_for("views.open", is_form, count=before + 1).args["view"]


def decide(
    nolan: Nolan, fake: FakeSlack, user: str, card: Call, action: str, text: str | None
) -> dict[str, Any]:
    form = open_decision_form(nolan, fake, user, card, action)
    return nolan.submit(user, form, {"text_input": text})


# --- the two steps -------------------------------------------------------------------------


def test_support_then_grant_with_conditions(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    view = nolan.open_modal("UALICE", "/outside-work", "Riverside Rugby Club")
    organisation = next(b for b in view["blocks"] if b.get("block_id") == "organisation")
    assert organisation["element"]["initial_value"] == "Riverside Rugby Club"
    assert "Chief Executive" in json.dumps(view, ensure_ascii=False)
    assert not any(b.get("block_id") == "line_manager" for b in view["blocks"])

    assert nolan.submit("UALICE", view, answers(clock)) == {}

    # 1. The line manager is asked to recommend.
    card = dm_to(fake, "UMGR", has_buttons)
    assert buttons(card)[:2] == [SUPPORT, NOT_SUPPORT]
    shown = blocks_text(card)
    for expected in (
        "Alice Able",
        "Riverside Rugby Club",
        "Youth coach",
        "Voluntary",
        "4.5, outside office hours",
        (clock.today + 14 * DAY).strftime("%d %b %Y"),
        "Saturday mornings in term time.",
    ):
        assert expected in shown, expected
    receipt = dm_to(fake, "UALICE")
    assert "OW-00001" in receipt.args["text"]
    assert "Manny Manager (your line manager) to recommend" in receipt.args["text"]
    assert "Harriet Head (Chief Executive) to decide" in receipt.args["text"]
    fake.assert_no_call("chat.postMessage", lambda c: c.args["channel"] == "UHEAD", settle=0.1)

    assert decide(nolan, fake, "UMGR", card, SUPPORT, "Good for the community") == {}

    # 2. The head of office sees the recommendation, prominently, and decides.
    grant_card = dm_to(fake, "UHEAD", has_buttons)
    assert buttons(grant_card)[:2] == [GRANT, REFUSE]
    intro = grant_card.args["blocks"][1]
    assert intro["type"] == "section"
    assert "Manny Manager supports this request" in intro["text"]["text"]
    assert "Good for the community" in intro["text"]["text"]
    supported = dm_to(fake, "UALICE", lambda c: "*Supported*" in c.args["text"])
    assert "Good for the community" in supported.args["text"]
    assert "It now goes to Harriet Head to decide" in supported.args["text"]
    manager_update = fake.wait_for("chat.update", lambda c: c.args["channel"] == "DUMGR")
    assert not has_buttons(manager_update)
    assert "*Supported* by Manny Manager" in blocks_text(manager_update)

    assert decide(nolan, fake, "UHEAD", grant_card, GRANT, "Not during office hours") == {}

    granted = dm_to(fake, "UALICE", lambda c: "*Granted*" in c.args["text"])
    text = granted.args["text"]
    assert "your request to work as Youth coach for Riverside Rugby Club" in text
    assert "Not during office hours" in text
    assert "declare any income" in text and "act privately" in text
    head_update = fake.wait_for("chat.update", lambda c: c.args["channel"] == "DUHEAD")
    assert "*Granted* by Harriet Head" in blocks_text(head_update)
    assert not has_buttons(head_update)

    [(declaration, row)] = requests(db)
    assert declaration.status == "approved"
    assert (row.recommendation, row.conditions, row.reason) == (
        "supported",
        "Not during office hours",
        None,
    )
    assert (row.hours_per_week, row.paid, row.when) == (4.5, False, "outside_hours")
    with db.session() as session:
        steps = session.exec(select(ApprovalStep).order_by(ApprovalStep.position)).all()
    assert [(s.stage, s.purpose, s.status, s.decided_by_id) for s in steps] == [
        (1, "recommend", "supported", org["manager"].id),
        (2, "grant", "granted", org["head"].id),
    ]
    entries = trail(db, declaration.id or 0)
    actions = [e.action for e in entries]
    assert is_subsequence(
        ["submitted", "routed", "notified", "decided", "routed", "notified", "decided"], actions
    )
    decided = [json.loads(e.detail) for e in entries if e.action == "decided"]
    assert [(d["outcome"], d["reason"]) for d in decided] == [
        ("supported", "Good for the community"),
        ("granted", "Not during office hours"),
    ]

    # The granted permission is the record of approval, in the person's own list.
    _, reply = nolan.command("UALICE", "/conduct", "mine")
    listing = json.dumps(json.loads(reply)["blocks"], ensure_ascii=False)
    assert "OW-00001" in listing and "Outside work" in listing
    assert "Approved by Harriet Head" in listing


def test_refusal_needs_a_reason_which_the_member_of_staff_is_told(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    ask(nolan, "UALICE", answers(clock))
    card = dm_to(fake, "UMGR", has_buttons)
    assert decide(nolan, fake, "UMGR", card, SUPPORT, None) == {}  # a note is optional
    grant_card = dm_to(fake, "UHEAD", has_buttons)

    form = open_decision_form(nolan, fake, "UHEAD", grant_card, REFUSE)
    assert "unreasonably withheld" in json.dumps(form, ensure_ascii=False)
    for blank in ("", "   ", None):
        reply = nolan.submit("UHEAD", form, {"text_input": blank})
        assert reply["response_action"] == "errors"
        assert set(reply["errors"]) == {"text"}
    assert requests(db)[0][0].status == "pending"
    fake.assert_no_call("chat.postMessage", lambda c: "*Refused*" in c.args["text"], settle=0.1)

    assert nolan.submit("UHEAD", form, {"text_input": "It clashes with the cleaning bid"}) == {}
    told = dm_to(fake, "UALICE", lambda c: "*Refused*" in c.args["text"])
    assert "It clashes with the cleaning bid" in told.args["text"]
    assert "ask again" in told.args["text"] and "/outside-work" in told.args["text"]
    [(declaration, row)] = requests(db)
    assert declaration.status == "refused"
    assert (row.reason, row.conditions, row.recommendation) == (
        "It clashes with the cleaning bid",
        None,
        "supported",
    )


def test_do_not_support_still_goes_to_the_head_who_decides(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    ask(nolan, "UALICE", answers(clock))
    card = dm_to(fake, "UMGR", has_buttons)
    form = open_decision_form(nolan, fake, "UMGR", card, NOT_SUPPORT)
    reply = nolan.submit("UMGR", form, {"text_input": " "})
    assert set(reply["errors"]) == {"text"}  # not supporting needs a reason
    assert nolan.submit("UMGR", form, {"text_input": "Busy season\nat work"}) == {}

    grant_card = dm_to(fake, "UHEAD", has_buttons)
    intro = grant_card.args["blocks"][1]["text"]["text"]
    assert "Manny Manager does not support this request" in intro
    assert ">Busy season\n>at work" in intro
    told = dm_to(fake, "UALICE", lambda c: "*Not supported*" in c.args["text"])
    assert "Harriet Head" in told.args["text"]
    assert requests(db)[0][0].status == "pending"

    assert decide(nolan, fake, "UHEAD", grant_card, GRANT, None) == {}
    granted = dm_to(fake, "UALICE", lambda c: "*Granted*" in c.args["text"])
    assert "conditions" not in granted.args["text"]
    [(declaration, row)] = requests(db)
    assert (declaration.status, row.recommendation, row.conditions) == (
        "approved",
        "not_supported",
        None,
    )


def test_head_of_offices_own_request_goes_to_the_monitoring_officer(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    ask(nolan, "UHEAD", answers(clock, pay_input="paid", uses_office_input=["skills"]))
    receipt = dm_to(fake, "UHEAD")
    assert "can't grant your own permission" in receipt.args["text"]
    assert "Monitoring Officer" in receipt.args["text"]

    card = dm_to(fake, "UMO", has_buttons)
    assert "Harriet Head" in blocks_text(card)
    assert decide(nolan, fake, "UMO", card, SUPPORT, None) == {}
    grant_card = dm_to(fake, "UMO", lambda c: GRANT in buttons(c))
    assert "act privately" in blocks_text(grant_card)  # paid work from work skills
    assert decide(nolan, fake, "UMO", grant_card, GRANT, "Declare the fees") == {}

    dm_to(fake, "UHEAD", lambda c: "*Granted*" in c.args["text"])
    fake.assert_no_call(
        "chat.postMessage", lambda c: c.args["channel"] == "UHEAD" and has_buttons(c), settle=0
    )
    with db.session() as session:
        steps = session.exec(select(ApprovalStep).order_by(ApprovalStep.position)).all()
    assert [(s.role, s.approver_id, s.decided_by_id) for s in steps] == [
        ("line_manager", org["mo"].id, org["mo"].id),
        ("head_of_office", org["mo"].id, org["mo"].id),
    ]
    assert requests(db)[0][0].status == "approved"


def test_the_wrong_people_pressing_are_refused_and_nothing_changes(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    ask(nolan, "UALICE", answers(clock))
    card = dm_to(fake, "UMGR", has_buttons)
    # The head of office decides at the second step, not the first; Alice not at all.
    for intruder in ("UEVE", "UALICE", "UHEAD", "UNOBODY"):
        nolan.press(intruder, card, SUPPORT)
    refusals = [fake.wait_for("response_url", count=n) for n in range(1, 5)]
    assert all(r.args["response_type"] == "ephemeral" for r in refusals)
    assert any("your own" in r.args["text"] for r in refusals)
    fake.assert_no_call("views.open", lambda c: c.args["view"]["callback_id"] == DECISION_FORM)

    assert decide(nolan, fake, "UMGR", card, SUPPORT, None) == {}
    grant_card = dm_to(fake, "UHEAD", has_buttons)
    for intruder in ("UMGR", "UALICE", "UEVE"):
        nolan.press(intruder, grant_card, GRANT)
    refusals = [fake.wait_for("response_url", count=n) for n in range(5, 8)]
    assert any("Only Harriet Head" in r.args["text"] for r in refusals)
    assert [(d.status, r.recommendation) for d, r in requests(db)] == [("pending", "supported")]
    with db.session() as session:
        grant = session.exec(select(ApprovalStep).where(ApprovalStep.purpose == "grant")).one()
    assert grant.status == "pending"

    # The line manager's old form cannot decide the head's step either.
    nolan.press("UMGR", card, SUPPORT)
    again = fake.wait_for("response_url", count=8)
    assert "already decided" in again.args["text"]


# --- the form ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"organisation_input": None}, "organisation"),
        ({"organisation_input": "x" * 201}, "organisation"),
        ({"role_input": "   "}, "role"),
        ({"pay_input": None}, "pay"),
        ({"hours_input": None}, "hours"),
        ({"hours_input": "seven"}, "hours"),
        ({"hours_input": "0"}, "hours"),
        ({"hours_input": "-2"}, "hours"),
        ({"hours_input": "81"}, "hours"),
        ({"when_input": None}, "when"),
        ({"start_date_input": None}, "start_date"),
        ({"involves_partner_input": None}, "involves_partner"),
        ({"involves_partner_input": "yes"}, "partner"),
        ({"uses_office_input": None}, "uses_office"),
        ({"uses_office_input": ["none", "skills"]}, "uses_office"),
        ({"notes_input": "n" * 2001}, "notes"),
    ],
)
def test_bad_input_gets_an_error_on_its_field_and_stores_nothing(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, overrides: Any, field: str
) -> None:
    reply = ask(nolan, "UALICE", answers(clock, **overrides))
    assert reply["response_action"] == "errors"
    assert set(reply["errors"]) == {field}
    assert count(db, Declaration) == 0
    assert count(db, AuditEntry) == 0
    fake.assert_no_call("chat.postMessage", settle=0.1)


def test_hours_error_says_what_is_wrong(nolan: Nolan, clock: Clock) -> None:
    assert (
        "more than 80" in ask(nolan, "UALICE", answers(clock, hours_input="120"))["errors"]["hours"]
    )
    assert (
        "for example 7.5"
        in ask(nolan, "UALICE", answers(clock, hours_input="lots"))["errors"]["hours"]
    )


def test_long_text_prefills_the_notes(nolan: Nolan, clock: Clock) -> None:
    text = "I have been offered paid weekend shifts at the garden centre near my home"
    view = nolan.open_modal("UALICE", "/outside-work", text)
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["notes"]["element"]["initial_value"] == text
    assert "initial_value" not in blocks["organisation"]["element"]


def test_the_approvers_are_warned_and_a_late_request_is_still_recorded(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    ask(
        nolan,
        "UALICE",
        answers(
            clock,
            pay_input="paid",
            when_input="both",
            start_date_input=clock.today - 10 * DAY,
            involves_partner_input="yes",
            partner_input="Acme Cleaning Ltd",
            uses_office_input=["skills", "information", "equipment"],
        ),
    )
    card = dm_to(fake, "UMGR", has_buttons)
    shown = blocks_text(card)
    for expected in (
        "Retrospective",
        "permission was asked",
        "in and outside office hours",
        "Acme Cleaning Ltd",
        "information they have because of their post",
        "equipment or premises",
        "act privately",
        "avon-and-somerset §3.14",
        "derbyshire §12",
        "Yes: Acme Cleaning Ltd",
    ):
        assert expected in shown, expected
    receipt = dm_to(fake, "UALICE")
    assert "retrospective" in receipt.args["text"]
    [(declaration, row)] = requests(db)
    assert declaration.status == "pending"
    assert row.involves_partner and row.uses_office == "skills;information;equipment"
    submitted = json.loads(trail(db, declaration.id or 0)[0].detail)
    assert submitted["flags"] == [
        "in_office_hours",
        "paid_from_skills",
        "partner",
        "retrospective",
        "uses_assets",
        "uses_information",
    ]


def test_the_approvers_see_earlier_requests(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    ask(nolan, "UALICE", answers(clock))
    first = dm_to(fake, "UMGR", has_buttons)
    assert "Related history" not in blocks_text(first)
    decide(nolan, fake, "UMGR", first, SUPPORT, None)
    decide(nolan, fake, "UHEAD", dm_to(fake, "UHEAD", has_buttons), GRANT, "Weekends only")
    dm_to(fake, "UALICE", lambda c: "*Granted*" in c.args["text"])

    ask(nolan, "UALICE", answers(clock, organisation_input="Acme Ltd", role_input="Bookkeeper"))
    second = dm_to(fake, "UMGR", has_buttons, count=2)
    shown = blocks_text(second)
    assert "Related history" in shown
    assert "OW-00001" in shown and "Youth coach for Riverside Rugby Club" in shown
    assert "granted (conditions: Weekends only)" in shown
    ask(nolan, "UEVE", answers(clock))
    eves = dm_to(fake, "UMGR", has_buttons, count=3)
    assert "Related history" not in blocks_text(eves)  # only the declarant's own


def test_without_a_manager_in_the_org_chart_the_form_asks_for_one(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    view = nolan.open_modal("UBOB", "/outside-work")
    assert any(b.get("block_id") == "line_manager" for b in view["blocks"])
    reply = nolan.submit("UBOB", view, answers(clock, line_manager_input="UBOB"))
    assert set(reply["errors"]) == {"line_manager"}
    reply = nolan.submit("UBOB", view, answers(clock, line_manager_input="USTRANGER"))
    assert set(reply["errors"]) == {"line_manager"}
    assert count(db, Declaration) == 0
    assert nolan.submit("UBOB", view, answers(clock, line_manager_input="UEVE")) == {}
    dm_to(fake, "UEVE", lambda c: SUPPORT in buttons(c))


def test_someone_outside_the_org_chart_is_told_why(nolan: Nolan, fake: FakeSlack) -> None:
    status, reply = nolan.command("USTRANGER", "/outside-work")
    assert status == 200
    assert "org chart" in json.loads(reply)["text"]
    fake.assert_no_call("views.open", settle=0.1)


def test_with_no_head_of_office_in_the_org_chart_the_member_of_staff_is_told(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    with db.session() as session:
        head = session.get(Staff, org["head"].id)
        assert head is not None
        head.roles = ""
        session.add(head)
        session.commit()
    ask(nolan, "UALICE", answers(clock))
    receipt = dm_to(fake, "UALICE")
    assert "Manny Manager (your line manager) to recommend" in receipt.args["text"]
    assert "names no head of office" in receipt.args["text"]
    assert "tell the monitoring officer" in receipt.args["text"]


def test_the_request_is_dated_by_the_clock(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    clock.now -= 40 * DAY
    ask(nolan, "UALICE", answers(clock))
    dm_to(fake, "UMGR", has_buttons)
    [(declaration, _row)] = requests(db)
    assert declaration.created_at == clock.now


@pytest.fixture
def chief_of_staff(
    fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> Iterator[Nolan]:
    bot = Nolan(fake, db, clock, Policy(head_of_office_title="Chief of Staff")).start()
    yield bot
    bot.stop()


def test_the_head_of_office_is_called_by_the_offices_title(
    chief_of_staff: Nolan, fake: FakeSlack, clock: Clock
) -> None:
    view = chief_of_staff.open_modal("UALICE", "/outside-work")
    assert "Chief of Staff" in json.dumps(view, ensure_ascii=False)
    assert "Chief Executive" not in json.dumps(view, ensure_ascii=False)
    assert chief_of_staff.submit("UALICE", view, answers(clock)) == {}
    receipt = dm_to(fake, "UALICE")
    assert "Chief of Staff's permission" in receipt.args["text"]
    assert "Harriet Head (Chief of Staff) to decide" in receipt.args["text"]
