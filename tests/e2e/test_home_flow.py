"""The App Home end to end: app_home_opened in, views.publish out, for each role; its
buttons; deciding from it; paging; and Homes re-published after a change."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from sqlmodel import select

from handlers.approvals.ids import decide_action
from handlers.home.ids import Action, Elsewhere
from storage import declarations as store
from storage.db import Database
from storage.models import Declaration, GiftOffer, OutboxMessage, Staff
from tests.e2e.harness import Clock, Nolan, watching
from tests.e2e.test_escalation_flow import run
from tests.e2e.test_gifts_flow import declare, hospitality
from tests.fakeslack import FakeSlack

APPROVE = decide_action("approved")


def texts(view: dict[str, Any]) -> str:
    """Everything a Home says, as one string."""
    return json.dumps(view["blocks"], ensure_ascii=False)


def action_ids(view: dict[str, Any]) -> list[str]:
    found = []
    for block in view["blocks"]:
        elements = block.get("elements", []) if block["type"] == "actions" else []
        if block.get("accessory"):
            elements = [block["accessory"]]
        found += [e["action_id"] for e in elements if "action_id" in e]
    return found


def declared(nolan: Nolan, clock: Clock) -> None:
    """Alice and her manager have their Homes open; she declares hospitality for him, and both
    Homes have been re-published."""
    nolan.open_home("UALICE")
    nolan.open_home("UMGR")
    declare(nolan, "UALICE", hospitality(clock))
    nolan.home("UALICE")
    nolan.home("UMGR")


def home_saying(nolan: Nolan, user: str, words: str) -> dict[str, Any]:
    """The first Home published for `user` that says `words` (waiting for it)."""
    return nolan.fake.wait_for(
        "views.publish", lambda c: c.args["user_id"] == user and words in texts(c.args["view"])
    ).args["view"]


def seed_gifts(db: Database, declarant: Staff, approver: Staff, n: int, *, pending: bool) -> None:
    """n gift declarations (by the storage functions the features use), waiting on
    `approver` or already approved by them."""
    with db.session() as session:
        for i in range(n):
            d = store.create_declaration(
                session,
                kind="gift",
                declarant=declarant,
                status="pending" if pending else "approved",
            )
            assert d.id is not None
            session.add(
                GiftOffer(
                    declaration_id=d.id,
                    kind="hospitality",
                    offered_by=f"Offeror {i:03d}",
                    relationship="supplier",
                    description=f"Lunch number {i:03d}",
                    value_pence=2000,
                    date_offered=date(2026, 11, 1),
                    response="wants_to_accept",
                )
            )
            assert approver.id is not None
            step = store.add_step(
                session,
                declaration=d,
                role="line_manager",
                purpose="authorise",
                approver_id=approver.id,
            )
            if not pending:
                step.status, step.decided_by_id = "approved", approver.id
        session.commit()


def test_member_of_staff_sees_buttons_and_their_own_declarations(
    nolan: Nolan, fake: FakeSlack, clock: Clock, db: Database
) -> None:
    nolan.open_home("UMGR")  # her manager has his open too
    home = nolan.open_home("UALICE")
    assert "Hello, Alice Able" in texts(home)
    for action in Action.DECLARE_GIFT, Action.DECLARE_INTEREST, Action.ASK_OUTSIDE_WORK:
        assert action in action_ids(home)
    assert Action.NOTIFY in action_ids(home)
    assert "no declarations yet" in texts(home)
    assert "Waiting for your decision" not in texts(home)  # not an approver
    assert Elsewhere.SEARCH not in action_ids(home)

    # The Home's button opens the very form /gift opens; submitting it declares.
    before = len(fake.calls("views.open"))
    status, _ = nolan.press_home("UALICE", home, Action.DECLARE_GIFT)
    assert status == 200
    form = fake.wait_for("views.open", count=before + 1).args["view"]
    assert form["callback_id"] == "gift_declare"
    assert nolan.submit("UALICE", form, hospitality(clock)) == {}

    # The declaration re-publishes Alice's Home (and her manager's), with its status.
    refreshed = nolan.home("UALICE", count=2)
    assert "GH-00001" in texts(refreshed)
    assert "Waiting for a decision from Manny Manager" in texts(refreshed)
    assert Elsewhere.RECORD in action_ids(refreshed)
    home_saying(nolan, "UMGR", "GH-00001")


def test_approver_decides_on_home_and_both_homes_are_republished(
    nolan: Nolan, fake: FakeSlack, clock: Clock, db: Database
) -> None:
    declared(nolan, clock)
    home = nolan.open_home("UMGR")
    assert "Waiting for your decision" in texts(home)
    assert "GH-00001" in texts(home)
    assert Action.SET_DELEGATION in action_ids(home)

    status, _ = nolan.press_home("UMGR", home, APPROVE)
    assert status == 200

    after = home_saying(nolan, "UMGR", "Nothing is waiting for your decision")
    assert APPROVE not in action_ids(after)
    alice = home_saying(nolan, "UALICE", "Approved by Manny Manager")
    assert "GH-00001" in texts(alice)
    with db.session() as session:
        d = session.exec(select(Declaration)).one()
        assert d.status == "approved"
    # The DM card was updated too (the same decision service as its own buttons).
    assert fake.wait_for("chat.update", lambda c: "GH-00001" in json.dumps(c.args))


def test_a_refusal_from_home_opens_the_reason_form_and_a_second_press_is_answered(
    nolan: Nolan, fake: FakeSlack, clock: Clock
) -> None:
    declared(nolan, clock)
    home = nolan.open_home("UMGR")
    before = len(fake.calls("views.open"))
    nolan.press_home("UMGR", home, decide_action("declined"))
    form = fake.wait_for("views.open", count=before + 1).args["view"]
    assert form["callback_id"] == "approval_decision_text"
    assert nolan.submit("UMGR", form, {"text_input": "Too lavish for a contractor"}) == {}
    home_saying(nolan, "UALICE", "Declined by Manny Manager")

    # The stale Home still shows Approve: pressing it says why, in a small modal.
    nolan.press_home("UMGR", home, APPROVE)
    answer = fake.wait_for("views.open", count=before + 2).args["view"]
    assert "already decided" in json.dumps(answer)


def test_officers_see_counts_and_the_longest_waiting(
    nolan: Nolan, fake: FakeSlack, clock: Clock
) -> None:
    declared(nolan, clock)
    for officer in ("UMO", "UHEAD"):
        home = nolan.open_home(officer)
        said = texts(home)
        assert "Declarations made in 2026/27" in said
        assert "Gift or hospitality* (1)" in said
        assert "Waiting for a decision: 1" in said
        assert "with Manny Manager" in said
        assert Elsewhere.SEARCH in action_ids(home) and Elsewhere.EXPORT in action_ids(home)
        assert "No declaration in that time carries a risk flag" in said
    assert "The registers" not in texts(nolan.open_home("UMGR"))


def test_officers_see_risk_flags_with_the_record_a_press_away(
    nolan: Nolan, fake: FakeSlack, clock: Clock
) -> None:
    for n in range(3):  # the third offer from one giver within a year is flagged
        declare(nolan, "UALICE", hospitality(clock, description_input=f"Dinner {n}"))
        fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "UMGR", count=n + 1)
    home = nolan.open_home("UMO")
    said = texts(home)
    assert "Risk flags" in said and "*Repeated offers*: 3rd offer from" in said
    assert "GH-00003" in said and "GH-00001* ·" not in said.split("Risk flags")[1]
    assert action_ids(home).count(Elsewhere.RECORD) == 1
    # Risk flags are for the register keepers: not on a member of staff's Home.
    assert "Risk flags" not in texts(nolan.open_home("UALICE"))


def test_admin_does_not_see_others_declarations(
    fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff], nolan: Nolan
) -> None:
    with db.session() as session:
        bob = session.get(Staff, org["bob"].id)
        assert bob is not None
        bob.roles = "admin"
        session.add(bob)
        session.commit()
    declared(nolan, clock)
    home = nolan.open_home("UBOB")
    assert "GH-00001" not in texts(home)
    assert "The registers" not in texts(home)
    assert Elsewhere.SEARCH not in action_ids(home)


def test_someone_not_in_the_org_chart_gets_a_polite_home(nolan: Nolan, fake: FakeSlack) -> None:
    fake.add_user("stranger@example.org", "USTRANGER", name="Stranger")
    home = nolan.open_home("USTRANGER")
    assert "can't find you in the office's org chart" in texts(home)
    assert not action_ids(home)


def test_long_lists_page_with_more(
    nolan: Nolan, fake: FakeSlack, db: Database, org: dict[str, Staff]
) -> None:
    seed_gifts(db, org["alice"], org["manager"], 150, pending=False)
    seed_gifts(db, org["eve"], org["manager"], 80, pending=True)

    alice = nolan.open_home("UALICE")
    assert len(alice["blocks"]) <= 100
    assert "Showing 1–10 of 150" in texts(alice)
    assert "GH-00150" in texts(alice) and "GH-00140" not in texts(alice)  # newest first
    nolan.press_home("UALICE", alice, Action.MORE)
    second = nolan.home("UALICE", count=2)
    assert "Showing 11–20 of 150" in texts(second)
    assert "GH-00140" in texts(second) and "GH-00150" not in texts(second)
    assert Action.PREVIOUS in action_ids(second)

    manager = nolan.open_home("UMGR")
    assert len(manager["blocks"]) <= 100
    assert "Showing 1–10 of 80" in texts(manager)
    assert "GH-00151" in texts(manager)  # oldest waiting first
    for _ in range(7):
        before = len(nolan.published_homes("UMGR"))  # counted before the press: no race
        nolan.press_home("UMGR", manager, Action.MORE, value=_more(manager, "waiting"))
        manager = nolan.home("UMGR", count=before + 1)
    assert "Showing 71–80 of 80" in texts(manager)
    assert "GH-00230" in texts(manager)
    assert _more(manager, "waiting") is None


def _more(view: dict[str, Any], name: str) -> str | None:
    for block in view["blocks"]:
        if block.get("block_id") == f"home_pages_{name}":
            for e in block["elements"]:
                if e["action_id"] == Action.MORE:
                    return e["value"]
    return None


def test_delegation_from_home(nolan: Nolan, fake: FakeSlack, clock: Clock) -> None:
    home = nolan.open_home("UMGR")
    before = len(fake.calls("views.open"))
    nolan.press_home("UMGR", home, Action.SET_DELEGATION)
    form = fake.wait_for("views.open", count=before + 1).args["view"]
    answers = {
        "deputy_input": "UEVE",
        "starts_on_input": clock.today,
        "ends_on_input": clock.today + timedelta(days=7),
    }
    assert nolan.submit("UMGR", form, answers) == {}
    refreshed = home_saying(nolan, "UMGR", "Your approvals go to Eve Other")
    assert Action.END_DELEGATION in action_ids(refreshed)

    nolan.press_home("UMGR", refreshed, Action.END_DELEGATION)
    home_saying(nolan, "UMGR", "Your approvals come to you")


def test_the_daily_sweep_republishes_the_homes_its_changes_concern(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    """`reminders run` escalates a decision left waiting: the new approver's Home shows it
    with its buttons, and the old approver's no longer does."""
    declared(nolan, clock)
    watching(db, "UHEAD", "UMGR", "UALICE")
    for day in (date(2026, 11, 25), date(2026, 11, 30)):  # the reminder, then the escalation
        code, _out, err = run(fake, db, day)
        assert (code, err) == (0, "")
    head = home_saying(nolan, "UHEAD", "GH-00001")
    assert APPROVE in action_ids(head)
    home_saying(nolan, "UMGR", "Nothing is waiting for your decision")
    home_saying(nolan, "UALICE", "Waiting for a decision from Harriet Head")


def test_a_home_slack_did_not_take_is_published_again(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    """The refresh is a message in the outbox: Slack failing views.publish once is retried
    with its back-off, not logged and lost; and each person's refresh went once."""
    nolan.open_home("UALICE")
    nolan.open_home("UMGR")
    fake.slack_error_next("views.publish", "internal_error")
    declare(nolan, "UALICE", hospitality(clock))
    home_saying(nolan, "UALICE", "GH-00001")
    home_saying(nolan, "UMGR", "GH-00001")
    nolan.settle()
    with db.session() as session:
        homes = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "home")).all()
    assert {r.status for r in homes} == {"sent"}
    assert sorted(r.attempts for r in homes)[-1] == 2  # the one Slack refused, tried again
