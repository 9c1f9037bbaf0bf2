"""/conduct notify end to end: a confidential notification reaches only the officers the
notice chain names, in DMs, and each acknowledges it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.registers import REGISTERS
from bot.settings import Policy
from bot.usecases import decide
from handlers.approvals.ids import decide_action
from storage import declarations
from storage.db import Database
from storage.models import ApprovalStep, Declaration, Notice, Staff
from tests.e2e.harness import Clock, Nolan, dm_to
from tests.e2e.test_gifts_flow import actions, count, has_buttons
from tests.fakeslack import FakeSlack

DAY = timedelta(days=1)
ACKNOWLEDGE = decide_action("acknowledged")
DESCRIPTION = "Charged with assault after a pub fight; first hearing 3 December"


def charge(clock: Clock, **overrides: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "category_input": "criminal_charge",
        "description_input": DESCRIPTION,
        "occurred_on_input": clock.today - 2 * DAY,
    }
    answers.update(overrides)
    return answers


def notify(nolan: Nolan, user: str, answers: dict[str, Any]) -> dict[str, Any]:
    view = nolan.open_modal(user, "/conduct", "notify")
    return nolan.submit(user, view, answers)


def notices(db: Database) -> list[tuple[Declaration, Notice]]:
    with db.session() as session:
        return list(
            session.exec(select(Declaration, Notice).join(Notice).order_by(Declaration.id)).all()
        )


def only_direct_messages(fake: FakeSlack) -> None:
    """Never a channel: every post goes to a user id (the bot's DM with them), every update
    to a DM conversation."""
    posts = fake.calls("chat.postMessage")
    assert posts and all(c.args["channel"].startswith("U") for c in posts), [
        c.args["channel"] for c in posts
    ]
    assert all(c.args["channel"].startswith("D") for c in fake.calls("chat.update"))


def test_a_notice_goes_only_to_the_two_officers_and_both_acknowledge(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    view = nolan.open_modal("UALICE", "/conduct", "notify")
    intro = json.dumps(view["blocks"], ensure_ascii=False)
    assert "Confidential" in intro
    assert "the Chief Executive and the Vetting Officer" in intro
    assert "line manager" not in intro
    assert nolan.submit("UALICE", view, charge(clock)) == {}

    head = dm_to(fake, "UHEAD", has_buttons)
    vetting = dm_to(fake, "UVET", has_buttons)
    for card in (head, vetting):
        blocks = json.dumps(card.args["blocks"], ensure_ascii=False)
        assert "Confidential notification from Alice Able" in blocks
        assert DESCRIPTION in blocks and "Criminal charge" in blocks
        assert "Harriet Head and Vera Vetting" in blocks  # who else has it
        # The plain text is the phone's notification: it says nothing of what happened.
        assert "assault" not in card.args["text"] and "riminal" not in card.args["text"]
    receipt = dm_to(fake, "UALICE")
    assert "CN-00001" in receipt.args["text"]
    assert "Harriet Head (Chief Executive)" in receipt.args["text"]
    assert "Vera Vetting (Vetting Officer)" in receipt.args["text"]
    assert "your notification (criminal charge)" in receipt.args["text"]

    [(declaration, notice)] = notices(db)
    assert (declaration.kind, declaration.status, declaration.reference) == (
        "notice",
        "pending",
        "CN-00001",
    )
    assert (notice.category, notice.description, notice.occurred_on) == (
        "criminal_charge",
        DESCRIPTION,
        clock.today - 2 * DAY,
    )
    with db.session() as session:
        steps = session.exec(select(ApprovalStep).order_by(ApprovalStep.id)).all()
    assert {(s.approver_id, s.purpose, s.stage) for s in steps} == {
        (org["head"].id, "acknowledge", 1),
        (org["vetting"].id, "acknowledge", 1),
    }

    nolan.press("UHEAD", head, ACKNOWLEDGE)
    update = fake.wait_for("chat.update")
    assert "*Acknowledged* by Harriet Head" in json.dumps(update.args["blocks"])
    told = dm_to(fake, "UALICE", lambda c: "*Acknowledged*" in c.args["text"])
    assert "Harriet Head" in told.args["text"]
    assert "your notification (criminal charge)" in told.args["text"]
    assert notices(db)[0][0].status == "pending"  # the vetting officer has not yet

    nolan.press("UVET", vetting, ACKNOWLEDGE)
    fake.wait_for("chat.update", count=2)
    dm_to(fake, "UALICE", lambda c: c.args["text"].startswith("Vera Vetting: *Acknowledged*"))
    assert notices(db)[0][0].status == "acknowledged"
    trail = actions(db, declaration.id)
    assert trail[:3] == ["submitted", "routed", "routed"]
    assert trail.count("decided") == 2

    only_direct_messages(fake)
    recipients = {c.args["channel"] for c in fake.calls("chat.postMessage")}
    assert recipients == {"UHEAD", "UVET", "UALICE"}
    fake.assert_no_call("chat.postMessage", lambda c: c.args["channel"] == "UMGR", settle=0.1)


def test_someone_else_cannot_acknowledge_and_the_line_manager_hears_nothing(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    notify(nolan, "UALICE", charge(clock, category_input="vetting", occurred_on_input=None))
    head = dm_to(fake, "UHEAD", has_buttons)
    nolan.press("UMGR", head, ACKNOWLEDGE)
    refused = fake.wait_for("response_url")
    assert refused.args["response_type"] == "ephemeral"
    assert notices(db)[0][1].occurred_on is None
    fake.assert_no_call("chat.update", settle=0.1)
    fake.assert_no_call("chat.postMessage", lambda c: c.args["channel"] == "UMGR")
    only_direct_messages(fake)


def test_the_line_manager_is_told_only_when_the_policy_says_so(
    fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    chains = dict(Policy().chains, notice="head_of_office:acknowledge+line_manager:acknowledge")
    policy = Policy(chains=chains, head_of_office_title="Chief of Staff")
    bot = Nolan(fake, db, clock, policy).start()
    try:
        view = bot.open_modal("UALICE", "/conduct", "notify")
        assert "the Chief of Staff and your line manager" in json.dumps(view["blocks"])
        assert bot.submit("UALICE", view, charge(clock, category_input="civil_proceedings")) == {}
        dm_to(fake, "UHEAD", has_buttons)
        dm_to(fake, "UMGR", has_buttons)
        receipt = dm_to(fake, "UALICE")
        assert "Harriet Head (Chief of Staff) and Manny Manager" in receipt.args["text"]
        fake.assert_no_call("chat.postMessage", lambda c: c.args["channel"] == "UVET")
        only_direct_messages(fake)
    finally:
        bot.stop()


def test_the_head_of_offices_own_notice_goes_to_the_monitoring_officer(
    nolan: Nolan, fake: FakeSlack, clock: Clock
) -> None:
    notify(nolan, "UHEAD", charge(clock))
    dm_to(fake, "UMO", has_buttons)
    dm_to(fake, "UVET", has_buttons)
    receipt = dm_to(fake, "UHEAD")
    assert "Morgan Monitor (Monitoring Officer)" in receipt.args["text"]
    fake.assert_no_call(
        "chat.postMessage", lambda c: c.args["channel"] == "UHEAD" and has_buttons(c)
    )


def test_bad_input_gets_an_error_on_its_field_and_sends_nothing(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    reply = notify(
        nolan,
        "UALICE",
        charge(
            clock, category_input=None, description_input="  ", occurred_on_input=clock.today + DAY
        ),
    )
    assert reply["response_action"] == "errors"
    assert set(reply["errors"]) == {"category", "description", "occurred_on"}
    assert count(db, Declaration) == 0
    fake.assert_no_call("chat.postMessage", settle=0.1)


def test_someone_outside_the_org_chart_is_told_why(nolan: Nolan, fake: FakeSlack) -> None:
    status, reply = nolan.command("USTRANGER", "/conduct", "notify")
    assert status == 200
    body = json.loads(reply)
    assert body["response_type"] == "ephemeral" and "org chart" in body["text"]
    fake.assert_no_call("views.open", settle=0.1)


def test_a_notice_is_listed_for_its_author_without_withdraw_and_never_exported(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    notify(nolan, "UALICE", charge(clock))
    dm_to(fake, "UALICE")
    _status, reply = nolan.command("UALICE", "/conduct", "mine")
    listing = json.dumps(json.loads(reply)["blocks"], ensure_ascii=False)
    assert "CN-00001" in listing and "your notification (criminal charge)" in listing
    assert "conduct_withdraw" not in listing

    assert "notice" not in REGISTERS and "notices" not in REGISTERS
    with db.session() as session:
        for register in REGISTERS.values():
            rows = list(register.load(session, None, None))
            kinds = {getattr(getattr(r, "declaration", None), "kind", None) for r in rows}
            assert "notice" not in kinds, register.name


def test_both_officers_acknowledging_at_once_end_the_notice(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The vetting officer's acknowledgement commits after the head's press has begun and
    before it holds the notice: the head's decision reads the steps under the notice's lock,
    as they stand then, so the notice ends rather than waiting for an acknowledgement that
    has already come. (Both at the same moment, on PostgreSQL: the second waits for the
    first's commit — tests/usecases/test_decision_races.py.)"""
    view = nolan.open_modal("UALICE", "/conduct", "notify")
    assert nolan.submit("UALICE", view, charge(clock)) == {}
    head = dm_to(fake, "UHEAD", has_buttons)
    dm_to(fake, "UVET", has_buttons)  # both cards out, so each decision updates its own
    with db.session() as session:
        vetting_step = session.exec(
            select(ApprovalStep).where(ApprovalStep.approver_id == org["vetting"].id)
        ).one()
    lock = declarations.lock_of_steps

    def vetting_first(session: Any, step_ids: Any) -> None:
        monkeypatch.setattr(declarations, "lock_of_steps", lock)  # once
        decide.decide(db, actor=org["vetting"], step_id=vetting_step.id,
                      outcome="acknowledged", reason=None, now=clock())
        lock(session, step_ids)

    monkeypatch.setattr(declarations, "lock_of_steps", vetting_first)
    nolan.press("UHEAD", head, ACKNOWLEDGE)
    fake.wait_for("chat.update", count=2)
    assert notices(db)[0][0].status == "acknowledged"
