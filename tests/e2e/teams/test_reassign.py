"""Reassignment on Teams end to end: `conduct reassign GH-00001` answers an admin with the
button to the form; the form in a dialog (refused answers kept at their fields); the step
moved, the old card losing its buttons in place and the new approver getting theirs; refused
to anyone not an admin."""

from __future__ import annotations

from typing import Any

import pytest

from storage.db import Database
from storage.models import Staff
from tests.e2e.teams.approving import MANNY, add_manny, card_to, declare, step_of
from tests.e2e.teams.dialogs import closed_with, dialog_of, fetch, set_staff
from tests.e2e.teams.harness import ORG, STRANGER, TeamsNolan, cards_of
from tests.e2e.teams.test_home import actions, shown
from tests.e2e.teams.test_registers import submit
from tests.faketeams import FakeTeams

ALICE, BOB, MO = ORG


@pytest.fixture
def manny(fake: FakeTeams, db: Database, org: dict[str, Staff]) -> Staff:
    return add_manny(fake, db, org)


def send(card: dict[str, Any], **answers: Any) -> dict[str, Any]:
    [button] = [a for a in card["actions"] if a["type"] == "Action.Submit"]
    return {**button["data"], **answers}


def test_an_admin_reassigns_a_waiting_approval(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], manny: Staff
) -> None:
    step = declare(nolan, org)
    card = card_to(fake, MANNY)
    set_staff(db, MO, roles="monitoring_officer;admin")
    nolan.say(MO, "conduct reassign gh-00001")
    prompt = cards_of(fake.wait_for("send", lambda c: "Move a declaration" in shown(c)))[0]
    [opener] = [a for a in actions(prompt) if a.get("title") == "Reassign…"]
    form = dialog_of(fetch(nolan, MO, opener["data"]))
    assert "GH-00001" in str(form)  # the reference typed, filled in
    refused = dialog_of(submit(nolan, MO, send(form, reference="GH-00001")))
    assert "Please choose the new approver" in shown(refused)
    assert "Please say why" in shown(refused)
    stranger = send(form, reference="GH-00001", new_approver=STRANGER.object_id, reason="Away")
    assert "isn't in the org chart" in shown(dialog_of(submit(nolan, MO, stranger)))
    own = send(form, reference="GH-00001", new_approver=ALICE.object_id, reason="Away")
    assert "Nobody decides their own declaration" in shown(dialog_of(submit(nolan, MO, own)))
    assert step_of(db, step).approver_id == manny.id
    moved = send(form, reference="GH-00001", new_approver=MO.object_id, reason="Manny is away")
    said = closed_with(submit(nolan, MO, moved))
    assert said.startswith("GH-00001 is now with Morgan Monitor (it was with Manny Manager)")
    assert step_of(db, step).approver_id == org["mo"].id
    redrawn = fake.wait_for("update", lambda c: c.activity_id == card.response["id"])
    assert "Now with Morgan Monitor" in shown(redrawn) and "Action.Execute" not in str(redrawn.body)
    fake.wait_for("send", lambda c: "Decision needed" in str(c.body) and "Approve" in str(c.body)
                  and c.conversation_id == fake.conversation_of(MO.object_id))
    # Sent again: the step is no longer Manny's, so it is told at the field.
    again = dialog_of(submit(nolan, MO, moved))
    assert "already with Morgan Monitor" in shown(again)


def test_only_an_admin_reassigns(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], manny: Staff
) -> None:
    step = declare(nolan, org)
    nolan.say(ALICE, "conduct reassign GH-00001")
    refused = fake.wait_for("send", lambda c: "Only an admin can reassign" in shown(c))
    assert not list(actions(cards_of(refused)[0]))
    opener = {"msteams": {"type": "task/fetch"}, "_action": "reassign_open"}
    assert "Only an admin" in closed_with(fetch(nolan, ALICE, opener))
    forged = {"_form": "reassign_submit", "reference": "GH-00001",
              "new_approver": MO.object_id, "reason": "Because"}
    assert "Only an admin" in closed_with(submit(nolan, ALICE, forged))
    assert step_of(db, step).approver_id == manny.id
    set_staff(db, MO, roles="admin")
    nolan.say(MO, "conduct reassign not-a-reference")
    fake.wait_for("send", lambda c: "To reassign: type conduct reassign" in shown(c))
