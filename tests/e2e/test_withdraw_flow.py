"""Withdraw end to end: from the button in /conduct mine, the approver's DM updated in place,
and a later decision refused."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlmodel import select

from handlers.approvals.ids import decide_action
from handlers.metadata import DeclarationRef
from storage.db import Database
from storage.models import ApprovalStep, Staff
from tests.e2e.harness import SECRET, Clock, Nolan, dm_to
from tests.e2e.test_gifts_flow import actions, declarations, declare, has_buttons, hospitality
from tests.e2e.test_notices_flow import charge, notices, notify
from tests.fakeslack import FakeSlack, block_actions_form, post

WITHDRAW = "conduct_withdraw"
APPROVE = decide_action("approved")


def mine(nolan: Nolan, user: str) -> list[dict[str, Any]]:
    status, reply = nolan.command(user, "/conduct", "mine")
    assert status == 200
    return json.loads(reply).get("blocks", [])


def withdraw_value(blocks: list[dict[str, Any]], reference: str) -> str:
    """The Withdraw button beside `reference` in /conduct mine."""
    for block in blocks:
        accessory = block.get("accessory") or {}
        if reference in json.dumps(block.get("text")) and accessory.get("action_id") == WITHDRAW:
            return str(accessory["value"])
    raise AssertionError(f"no Withdraw button beside {reference}")


def press_withdraw(nolan: Nolan, fake: FakeSlack, user: str, value: str) -> None:
    """Press a Withdraw button on the ephemeral /conduct mine list (an accessory, in the
    channel where the command was typed)."""
    body = block_actions_form(
        user,
        WITHDRAW,
        value,
        block_id="mine",
        channel_id="CGENERAL",
        message_ts="1700000000.000100",
        response_url=fake.response_url(f"withdraw-{user}-{time.monotonic_ns()}"),
        trigger_id=fake.new_trigger_id(),
    )
    status, _headers, _reply = post(nolan.events_url, body, SECRET)
    assert status == 200


def ephemeral(fake: FakeSlack, count: int = 1) -> str:
    reply = fake.wait_for("response_url", count=count)
    assert reply.args["response_type"] == "ephemeral"
    return str(reply.args["text"])


def steps(db: Database) -> list[ApprovalStep]:
    with db.session() as session:
        return list(session.exec(select(ApprovalStep).order_by(ApprovalStep.id)).all())


def test_withdraw_updates_the_approvers_dm_and_a_later_approve_is_refused(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    request = dm_to(fake, "UMGR", has_buttons)
    press_withdraw(nolan, fake, "UALICE", withdraw_value(mine(nolan, "UALICE"), "GH-00001"))

    confirmation = ephemeral(fake)
    assert "Withdrawn" in confirmation and "Acme Cleaning Ltd" in confirmation
    assert "Manny Manager has been told" in confirmation
    update = fake.wait_for("chat.update")
    assert (update.args["channel"], update.args["ts"]) == ("DUMGR", request.response["ts"])
    assert not has_buttons(update)
    assert "Withdrawn by the member of staff" in json.dumps(update.args["blocks"])
    told = dm_to(fake, "UMGR", lambda c: "has withdrawn" in c.args["text"])
    assert "Alice Able" in told.args["text"] and "GH-00001" in told.args["text"]

    [(declaration, _offer)] = declarations(db)
    assert declaration.status == "withdrawn"
    assert [s.status for s in steps(db)] == ["withdrawn"]
    assert "withdrawn" in actions(db, declaration.id)

    nolan.press("UMGR", request, APPROVE)
    assert "no longer waiting" in ephemeral(fake, 2)
    nolan.press("UMGR", request, "approval_ask_question")
    assert "no longer waiting" in ephemeral(fake, 3)
    nolan.settle()  # everything owed has gone: none more came
    assert len(fake.calls("chat.update")) == 1
    assert declarations(db)[0][0].status == "withdrawn"

    listing = json.dumps(mine(nolan, "UALICE"))
    assert "Withdrawn" in listing and WITHDRAW not in listing


def test_only_the_member_of_staff_may_withdraw(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    dm_to(fake, "UMGR", has_buttons)
    value = withdraw_value(mine(nolan, "UALICE"), "GH-00001")
    for intruder in ("UEVE", "UMGR"):
        press_withdraw(nolan, fake, intruder, value)
    assert "Only the person who made a declaration" in ephemeral(fake)
    assert "Only the person who made a declaration" in ephemeral(fake, 2)
    fake.assert_no_call("chat.update", settle=0.1)
    assert declarations(db)[0][0].status == "pending"


def test_a_decided_declaration_can_no_longer_be_withdrawn(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    request = dm_to(fake, "UMGR", has_buttons)
    value = withdraw_value(mine(nolan, "UALICE"), "GH-00001")  # the list, then a decision
    nolan.press("UMGR", request, APPROVE)
    fake.wait_for("chat.update")
    press_withdraw(nolan, fake, "UALICE", value)
    assert "no longer waiting" in ephemeral(fake) and "approved" in ephemeral(fake)
    assert declarations(db)[0][0].status == "approved"
    assert [s.status for s in steps(db)] == ["approved"]
    nolan.settle()  # everything owed has gone: none more came
    assert len(fake.calls("chat.update")) == 1


def test_a_notice_cannot_be_withdrawn(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    notify(nolan, "UALICE", charge(clock))
    dm_to(fake, "UHEAD", has_buttons)
    [(declaration, _notice)] = notices(db)
    # /conduct mine shows no Withdraw button for a notice; a forged press is refused too.
    press_withdraw(
        nolan, fake, "UALICE", DeclarationRef(declaration_id=declaration.id or 0).encode()
    )
    assert "can't be withdrawn" in ephemeral(fake)
    assert notices(db)[0][0].status == "pending"
    assert {s.status for s in steps(db)} == {"pending"}
    fake.assert_no_call("chat.update", settle=0.1)


def test_a_stale_button_is_explained(nolan: Nolan, fake: FakeSlack) -> None:
    press_withdraw(nolan, fake, "UALICE", "not json")
    assert "older message" in ephemeral(fake)
