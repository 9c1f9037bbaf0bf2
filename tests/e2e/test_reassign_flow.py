"""Reassignment end to end: waiting items follow a new line manager after an org chart
re-import, and an admin reassigns any waiting item from /conduct."""

from __future__ import annotations

import io
import json
from pathlib import Path

from sqlmodel import col, select

from bot.cli import main
from handlers.approvals.ids import decide_action
from storage.db import Database
from storage.models import ApprovalStep, AuditEntry, Declaration, Staff
from tests.e2e.harness import ORG, Clock, Nolan, dm_to
from tests.e2e.test_gifts_flow import declarations, declare, has_buttons, hospitality
from tests.e2e.test_notices_flow import charge, notify
from tests.fakeslack import FakeSlack

APPROVE = decide_action("approved")
HEADER = "email,name,line_manager_email,roles"


def steps(db: Database) -> list[ApprovalStep]:
    with db.session() as session:
        return list(session.exec(select(ApprovalStep).order_by(ApprovalStep.id)).all())


def reassigned(db: Database) -> list[dict[str, object]]:
    with db.session() as session:
        query = select(AuditEntry).where(AuditEntry.action == "reassigned")
        rows = session.exec(query.order_by(col(AuditEntry.id))).all()
        return [{"actor_id": a.actor_id, **json.loads(a.detail)} for a in rows]


def import_chart(
    fake: FakeSlack, db: Database, tmp_path: Path, managers: dict[str, str | None]
) -> tuple[int, str, str]:
    """Run `python -m bot staff import` on the test org chart with some managers changed."""
    emails = {p.key: p.email for p in ORG}
    rows = [HEADER]
    for person in ORG:
        manager = managers.get(person.key, person.manager)
        rows.append(
            f"{person.email},{person.name},{emails[manager] if manager else ''},{person.roles}"
        )
    path = tmp_path / "staff.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["staff", "import", str(path)],
        environ={
            "SLACK_BOT_TOKEN": "xoxb-e2e-token",
            "DATABASE_URL": db.url,
            "SLACK_API_URL": fake.api_url,
        },
        stdout=out,
        stderr=err,
    )
    return code, out.getvalue(), err.getvalue()


def make_admin(db: Database, key: str = "head") -> None:
    with db.session() as session:
        person = session.exec(select(Staff).where(Staff.email == f"{key}@opcc.example")).one()
        person.roles = ";".join(sorted({*person.role_set, "admin"}))
        session.add(person)
        session.commit()


def test_waiting_items_follow_the_new_manager_after_an_org_chart_reimport(
    nolan: Nolan,
    fake: FakeSlack,
    db: Database,
    clock: Clock,
    org: dict[str, Staff],
    tmp_path: Path,
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    request = dm_to(fake, "UMGR", has_buttons)
    nolan.settle()  # its place stored, so the move redraws it with why (else "passed on")

    code, out, err = import_chart(fake, db, tmp_path, {"alice": "eve"})
    assert code == 0, err
    assert "Moved 1 waiting approval to new line managers" in out
    assert err == ""

    [step] = steps(db)
    assert (step.approver_id, step.status, step.reminded_at) == (org["eve"].id, "pending", None)
    [audit] = reassigned(db)
    assert audit["why"] == "the org chart changed" and audit["actor_id"] is None
    assert (audit["from_id"], audit["to_id"]) == (org["manager"].id, org["eve"].id)

    update = fake.wait_for("chat.update")
    assert (update.args["channel"], update.args["ts"]) == ("DUMGR", request.response["ts"])
    assert not has_buttons(update)
    assert "Now with Eve Other: the org chart changed" in json.dumps(update.args["blocks"])
    card = dm_to(fake, "UEVE", has_buttons)
    assert "Acme Cleaning Ltd" in json.dumps(card.args["blocks"])
    told = dm_to(fake, "UALICE", lambda c: "now with Eve Other" in c.args["text"])
    assert "GH-00001" in told.args["text"]

    nolan.press("UMGR", request, APPROVE)  # the old message, pressed before it refreshed
    assert "Only Eve Other" in fake.wait_for("response_url").args["text"]
    nolan.press("UEVE", card, APPROVE)
    dm_to(fake, "UALICE", lambda c: "*Approved*" in c.args["text"])
    assert declarations(db)[0][0].status == "approved"
    assert steps(db)[0].decided_by_id == org["eve"].id


def test_a_message_that_fails_is_a_warning_and_the_import_stands(
    nolan: Nolan,
    fake: FakeSlack,
    db: Database,
    clock: Clock,
    org: dict[str, Staff],
    tmp_path: Path,
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    dm_to(fake, "UMGR", has_buttons)
    # The import is a process of its own: with the bot stopped, what it owes is sent by its
    # own worker alone (the bot's could take the update first, and its failure with it).
    nolan.settle()
    nolan.stop()
    fake.slack_error_next("chat.update", "message_not_found")
    code, _out, err = import_chart(fake, db, tmp_path, {"alice": "eve"})
    assert code == 0
    assert err.startswith("nolan: warning: could not update Manny Manager's message about GH-00001")
    with db.session() as session:
        alice = session.get(Staff, org["alice"].id)
        assert alice is not None and alice.line_manager_id == org["eve"].id
    assert steps(db)[0].approver_id == org["eve"].id
    dm_to(fake, "UEVE", has_buttons)  # the rest still went


def test_items_held_by_someone_else_stay_where_they_are(
    nolan: Nolan,
    fake: FakeSlack,
    db: Database,
    clock: Clock,
    org: dict[str, Staff],
    tmp_path: Path,
) -> None:
    notify(nolan, "UALICE", charge(clock))  # with the head and the vetting officer
    dm_to(fake, "UVET", has_buttons)
    code, out, _err = import_chart(fake, db, tmp_path, {"alice": "eve", "eve": None})
    assert code == 0 and "Moved" not in out
    assert {s.approver_id for s in steps(db)} == {org["head"].id, org["vetting"].id}
    assert reassigned(db) == []


def test_an_admin_reassigns_a_waiting_item_from_the_form(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    make_admin(db)
    declare(nolan, "UALICE", hospitality(clock))
    request = dm_to(fake, "UMGR", has_buttons)
    nolan.settle()  # its place stored, so the move redraws it with why (else "passed on")
    view = nolan.open_modal("UHEAD", "/conduct", "reassign")
    good = {
        "reference_input": " gh-00001 ",
        "new_approver_input": "UEVE",
        "reason_input": "Manny is on long-term leave",
    }
    for overrides, field, words in (
        ({"reference_input": "GH-00999"}, "reference", "No declaration"),
        ({"reference_input": "hello"}, "reference", "GH-00001"),
        ({"new_approver_input": "UALICE"}, "new_approver", "their own"),
        ({"new_approver_input": "UMGR"}, "new_approver", "already with"),
        ({"new_approver_input": "USTRANGER"}, "new_approver", "org chart"),
        ({"reason_input": None}, "reason", "why"),
    ):
        reply = nolan.submit("UHEAD", view, {**good, **overrides})
        assert reply["response_action"] == "errors", overrides
        assert words in reply["errors"][field], reply
    assert steps(db)[0].approver_id == org["manager"].id

    reply = nolan.submit("UHEAD", view, good)
    assert reply["response_action"] == "update"
    assert "GH-00001 is now with Eve Other" in json.dumps(reply["view"])
    [step] = steps(db)
    assert step.approver_id == org["eve"].id
    [audit] = reassigned(db)
    assert audit["actor_id"] == org["head"].id and audit["why"] == "Manny is on long-term leave"

    update = fake.wait_for("chat.update")
    assert update.args["ts"] == request.response["ts"]
    assert "reassigned by Harriet Head" in json.dumps(update.args["blocks"])
    card = dm_to(fake, "UEVE", has_buttons)
    dm_to(fake, "UALICE", lambda c: "now with Eve Other" in c.args["text"])
    nolan.press("UEVE", card, APPROVE)
    dm_to(fake, "UALICE", lambda c: "*Approved*" in c.args["text"])
    assert declarations(db)[0][0].status == "approved"


def test_the_shortcut_and_a_colleague_named_in_the_declaration(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    make_admin(db)
    declare(nolan, "UALICE", hospitality(clock))
    dm_to(fake, "UMGR", has_buttons)
    with db.session() as session:
        declaration = session.exec(select(Declaration)).one()
        declaration.named_staff_id = org["bob"].id
        session.add(declaration)
        session.commit()

    _status, reply = nolan.command("UHEAD", "/conduct", "reassign GH-00001 <@UBOB|bob>")
    assert "named in this declaration" in json.loads(reply)["text"]
    _status, reply = nolan.command("UHEAD", "/conduct", "reassign GH-00001 bob")
    assert "/conduct reassign GH-00001 @person" in json.loads(reply)["text"]
    assert steps(db)[0].approver_id == org["manager"].id

    _status, reply = nolan.command("UHEAD", "/conduct", "reassign GH-00001 <@UEVE|eve> on leave")
    body = json.loads(reply)
    assert body["response_type"] == "ephemeral"
    assert "GH-00001 is now with Eve Other" in body["text"]
    assert steps(db)[0].approver_id == org["eve"].id
    assert reassigned(db)[0]["why"] == "on leave"
    dm_to(fake, "UEVE", has_buttons)


def test_whose_step_moves_when_two_people_are_deciding(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    make_admin(db)
    notify(nolan, "UALICE", charge(clock))
    dm_to(fake, "UVET", has_buttons)
    _status, reply = nolan.command("UHEAD", "/conduct", "reassign CN-00001 <@UMO>")
    assert "say whose step moves" in json.loads(reply)["text"]

    view = nolan.open_modal("UHEAD", "/conduct", "reassign CN-00001")
    reference = next(b for b in view["blocks"] if b.get("block_id") == "reference")
    assert reference["element"]["initial_value"] == "CN-00001"
    answers = {
        "reference_input": "CN-00001",  # Slack sends the initial value back; the fake doesn't
        "current_approver_input": "UVET",
        "new_approver_input": "UMO",
        "reason_input": "Vera is on leave",
    }
    reply = nolan.submit("UHEAD", view, answers)
    assert reply["response_action"] == "update", reply
    assert {s.approver_id for s in steps(db)} == {org["head"].id, org["mo"].id}
    dm_to(fake, "UMO", has_buttons)


def test_someone_who_is_not_an_admin_is_refused(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    dm_to(fake, "UMGR", has_buttons)
    for text in ("reassign", "reassign GH-00001 <@UEVE>"):
        status, reply = nolan.command("UMGR", "/conduct", text)
        body = json.loads(reply)
        assert status == 200 and body["response_type"] == "ephemeral"
        assert "Only an admin" in body["text"]
    fake.assert_no_call(
        "views.open", lambda c: c.args["view"]["callback_id"] == "reassign_submit", settle=0.1
    )
    assert steps(db)[0].approver_id == org["manager"].id
    assert reassigned(db) == []
