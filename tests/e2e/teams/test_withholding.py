"""Withholding from publication on Teams end to end: from a record in its dialog, the officer's
form (refused answers kept at their fields), the record shown again with the change, and
publishing it again; the refusals for anyone but a register keeper, and on their own."""

from __future__ import annotations

from typing import Any

from bot.ui.withholding import WithholdMeta
from storage.db import Database
from storage.models import Declaration, Staff
from tests.e2e.teams.dialogs import closed_with, dialog_of, rows
from tests.e2e.teams.harness import ORG, TeamsNolan
from tests.e2e.teams.test_home import actions, shown
from tests.e2e.teams.test_registers import declare, press, submit

ALICE, BOB, MO = ORG


def record_of(nolan: TeamsNolan, declaration_id: int) -> dict[str, Any]:
    return dialog_of(
        submit(nolan, MO, {"_form": "registers_record", "_payload": str(declaration_id)})
    )


def send(card: dict[str, Any]) -> dict[str, Any]:
    [button] = [a for a in card["actions"] if a["type"] == "Action.Submit"]
    return dict(button["data"])


def withheld(db: Database, declaration_id: int) -> Declaration:
    [found] = [d for d in rows(db, Declaration) if d.id == declaration_id]
    return found


def test_an_officer_withholds_a_record_and_publishes_it_again(
    nolan: TeamsNolan, db: Database, org: dict[str, Staff]
) -> None:
    theirs = declare(nolan, org["alice"])
    form = dialog_of(press(nolan, MO, record_of(nolan, theirs), "Withhold from publication…"))
    assert "Ground" in str(form)
    refused = dialog_of(submit(nolan, MO, {**send(form), "note": "Tender under way"}))
    assert "Please choose the ground" in shown(refused)
    assert "Tender under way" in str(refused)  # the answer kept
    assert withheld(db, theirs).withheld_at is None
    answers = {"ground": "commercial", "note": "Tender under way"}
    shown_again = dialog_of(submit(nolan, MO, {**send(form), **answers}))
    said = shown(shown_again)
    assert "Withheld from publication" in said and "Tender under way" in said
    assert withheld(db, theirs).withheld_reason == "commercial"
    # Published again, from the record shown.
    again = dialog_of(press(nolan, MO, shown_again, "Publish again…"))
    refused = dialog_of(submit(nolan, MO, send(again)))
    assert "Please say why it can be published now" in shown(refused)
    done = dialog_of(submit(nolan, MO, {**send(again), "reason": "The tender is awarded"}))
    assert "Published again by Morgan Monitor" in shown(done)
    assert withheld(db, theirs).withheld_at is None
    # The form sent again after the change (as a second officer's would be): told at the field.
    late = dialog_of(submit(nolan, MO, {**send(again), "reason": "Again"}))
    assert "not withheld any more" in shown(late)


def test_no_withholding_by_anyone_else_nor_on_ones_own(
    nolan: TeamsNolan, db: Database, org: dict[str, Staff]
) -> None:
    alices = declare(nolan, org["alice"])
    mine = declare(nolan, org["mo"])
    own = record_of(nolan, mine)
    assert not [a for a in actions(own) if "Withhold" in str(a.get("title"))]
    forged = {"_form": "registers_withhold", "_payload": str(mine)}
    assert "Not on your own declaration" in closed_with(submit(nolan, MO, forged))
    # Someone the declaration wasn't sent to, and its declarant.
    forged = {"_form": "registers_withhold", "_payload": str(alices)}
    assert "You can't see this declaration" in closed_with(submit(nolan, BOB, forged))
    assert "Not on your own declaration" in closed_with(submit(nolan, ALICE, forged))
    form = {
        "_form": "registers_withhold_form",
        "_payload": WithholdMeta(declaration_id=alices).encode(),
        "ground": "commercial",
        "note": "Sneaky",
    }
    assert "You can't see this declaration" in closed_with(submit(nolan, BOB, form))
    assert withheld(db, alices).withheld_at is None
