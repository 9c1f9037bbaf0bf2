"""Declaring on Teams end to end, through the real endpoint: the commands answer with a card
whose button opens the dialog; the dialog is the shared form; a bad answer comes back at its
field with nothing recorded; a good one is recorded, the approver's card is owed and the
receipt reaches the declarant's chat (gift, outside work, confidential notice)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.ui.home_model import Action
from storage.db import Database
from storage.models import ApprovalStep, Declaration
from tests.e2e.harness import Clock
from tests.e2e.teams.dialogs import (
    button_data,
    closed_with,
    count,
    dialog_of,
    error_after,
    fetch,
    inputs,
    owed,
    rows,
    said,
    send_form,
    set_staff,
    staff_id,
    to_chat_of,
)
from tests.e2e.teams.harness import ORG, STRANGER, Person, TeamsNolan, cards_of
from tests.faketeams import FakeTeams

ALICE, BOB, MO = ORG


def gift_answers(clock: Clock, **more: Any) -> dict[str, Any]:
    return {
        "kind": "gift", "gift_type": "item", "offered_by": "Acme Ltd",
        "relationship": "contractor", "description": "A hamper", "value": "60",
        "date_offered": clock.today.isoformat(), "response": "wants_to_accept",
        "reason": "Shared with the team", **more,
    }


def opener(nolan: TeamsNolan, fake: FakeTeams, person: Person, typed: str) -> dict[str, Any]:
    """Type a command; the one button of the card Nolan answers with (its action)."""
    assert nolan.say(person, typed) == (200, None)
    sent = fake.wait_for("send", to_chat_of(fake, person))
    [card] = cards_of(sent)
    [button] = card["actions"]
    return button


# -- commands -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "button", "label"),
    [
        ("gift", Action.DECLARE_GIFT, "Declare a gift…"),
        ("/GIFT", Action.DECLARE_GIFT, "Declare a gift…"),
        ("<at>Nolan</at> Interest", Action.DECLARE_INTEREST, "Declare an interest…"),
        ("/outside-work", Action.ASK_OUTSIDE_WORK, "Ask permission…"),
        ("conduct notify", Action.NOTIFY, "Send a confidential notice…"),
        ("/Conduct NOTIFY", Action.NOTIFY, "Send a confidential notice…"),
    ],
)
def test_each_command_answers_with_a_button_opening_its_dialog(
    nolan: TeamsNolan, fake: FakeTeams, typed: str, button: str, label: str
) -> None:
    action = opener(nolan, fake, ALICE, typed)
    assert action["type"] == "Action.Submit" and action["title"] == label
    assert action["data"]["msteams"] == {"type": "task/fetch"}
    assert action["data"]["_action"] == button  # the Home's button: the same dialog
    assert "_payload" not in action["data"]
    dialog_of(fetch(nolan, ALICE, action["data"]))


def test_text_after_the_command_prefills_the_form(
    nolan: TeamsNolan, fake: FakeTeams
) -> None:
    action = opener(nolan, fake, ALICE, "/gift a hamper from Acme")
    card = dialog_of(fetch(nolan, ALICE, action["data"]))
    assert inputs(card)["description"]["value"] == "a hamper from Acme"
    fake.reset()
    action = opener(nolan, fake, ALICE, "outside-work Riverside Rugby Club")
    card = dialog_of(fetch(nolan, ALICE, action["data"]))
    assert inputs(card)["organisation"]["value"] == "Riverside Rugby Club"


def test_the_homes_declare_buttons_open_the_dialogs_in_one_press(nolan: TeamsNolan) -> None:
    for button, form_title in [
        (Action.DECLARE_GIFT, "Gift or hospitality"),
        (Action.DECLARE_INTEREST, "Declare an interest"),
        (Action.ASK_OUTSIDE_WORK, "Outside work"),
        (Action.NOTIFY, "Confidential notice"),
    ]:
        reply = fetch(nolan, ALICE, button_data(button))
        dialog_of(reply)
        assert reply["task"]["value"]["title"] == form_title


def test_a_stranger_is_told_and_nothing_opens_or_is_recorded(
    nolan: TeamsNolan, db: Database, clock: Clock
) -> None:
    reply = fetch(nolan, STRANGER, button_data(Action.DECLARE_GIFT))
    assert "not in Nolan's org chart" in closed_with(reply)
    status, reply = nolan.post(nolan.activity(
        STRANGER, "invoke", name="task/submit",
        value={"data": {"_form": "gift_declare", **gift_answers(clock)}},
    ))
    assert status == 200 and "not in Nolan's org chart" in closed_with(reply)
    assert count(db, Declaration) == 0


# -- a gift -------------------------------------------------------------------------------------


def test_a_gift_with_the_manager_picked_is_recorded_owed_and_receipted(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, clock: Clock
) -> None:
    card = dialog_of(fetch(nolan, ALICE, button_data(Action.DECLARE_GIFT)))
    picker = inputs(card)["line_manager"]  # the org chart names no manager for Alice
    assert picker["choices.data"]["dataset"] == "graph.microsoft.com/users"
    reply = send_form(nolan, ALICE, card, gift_answers(clock, line_manager=BOB.object_id))
    assert "Recorded as GH-" in closed_with(reply)
    [declaration] = rows(db, Declaration)
    assert declaration.kind == "gift" and declaration.status == "pending"
    [step] = rows(db, ApprovalStep)
    assert step.approver_id == staff_id(db, BOB)
    [approval] = owed(nolan, "approval")
    assert approval.recipient == f"staff:{staff_id(db, BOB)}"
    receipt = fake.wait_for("send", lambda c: "Thank you" in said(c))
    assert to_chat_of(fake, ALICE)(receipt)
    text = said(receipt)
    assert declaration.reference in text and "Acme Ltd: A hamper" in text
    assert "Bob Late to decide" in text


def test_a_gift_without_a_manager_picked_comes_back_asking_for_one(
    nolan: TeamsNolan, db: Database, clock: Clock
) -> None:
    card = dialog_of(fetch(nolan, ALICE, button_data(Action.DECLARE_GIFT)))
    again = dialog_of(send_form(nolan, ALICE, card, gift_answers(clock)))
    assert error_after(again, "line_manager") == "Please choose your line manager."
    assert inputs(again)["offered_by"]["value"] == "Acme Ltd"  # every answer kept
    assert count(db, Declaration) == 0
    # Someone Teams knows but the org chart doesn't: refused at the picker, by name.
    stranger = gift_answers(clock, line_manager=STRANGER.object_id)
    again = dialog_of(send_form(nolan, ALICE, card, stranger))
    assert "isn't in the org chart" in (error_after(again, "line_manager") or "")
    assert count(db, Declaration) == 0


def test_with_a_manager_in_the_org_chart_there_is_no_picker(
    nolan: TeamsNolan, db: Database, clock: Clock
) -> None:
    set_staff(db, ALICE, line_manager_id=staff_id(db, MO))
    card = dialog_of(fetch(nolan, ALICE, button_data(Action.DECLARE_GIFT)))
    assert "line_manager" not in inputs(card)
    closed_with(send_form(nolan, ALICE, card, gift_answers(clock)))
    [step] = rows(db, ApprovalStep)
    assert step.approver_id == staff_id(db, MO)


def test_a_bad_answer_comes_back_at_its_field_with_every_answer_kept_and_nothing_recorded(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, clock: Clock
) -> None:
    card = dialog_of(fetch(nolan, ALICE, button_data(Action.DECLARE_GIFT)))
    answers = gift_answers(clock, value="twenty quid", line_manager=BOB.object_id, description="")
    again = dialog_of(send_form(nolan, ALICE, card, answers))
    assert "number of pounds" in (error_after(again, "value") or "")
    assert error_after(again, "description") == "Please give a description of what was offered."
    kept = inputs(again)
    assert kept["value"]["value"] == "twenty quid" and kept["offered_by"]["value"] == "Acme Ltd"
    assert kept["line_manager"]["choices"] == [{"title": "Bob Late", "value": BOB.object_id}]
    assert error_after(again, "offered_by") is None
    assert count(db, Declaration) == 0 and nolan.outbox() == []
    # Corrected and sent again: recorded once.
    closed_with(send_form(nolan, ALICE, again, gift_answers(clock, line_manager=BOB.object_id)))
    assert count(db, Declaration) == 1


def test_a_part_asked_only_for_hospitality_is_checked_on_submit_at_its_field(
    nolan: TeamsNolan, db: Database, clock: Clock
) -> None:
    card = dialog_of(fetch(nolan, ALICE, button_data(Action.DECLARE_GIFT)))
    assert "event_date" in inputs(card)  # always shown, with its condition under it
    answers = gift_answers(clock, kind="hospitality", line_manager=BOB.object_id)
    again = dialog_of(send_form(nolan, ALICE, card, answers))
    assert error_after(again, "event_date") == "Please give the date of the event."
    assert count(db, Declaration) == 0


@pytest.mark.parametrize("gift_type", ["monetary", "legacy"])
def test_cash_is_refused_by_the_rule_and_the_manager_gets_an_information_copy(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, clock: Clock, gift_type: str
) -> None:
    set_staff(db, ALICE, line_manager_id=staff_id(db, MO))
    card = dialog_of(fetch(nolan, ALICE, button_data(Action.DECLARE_GIFT)))
    closed_with(send_form(nolan, ALICE, card, gift_answers(clock, gift_type=gift_type)))
    [declaration] = rows(db, Declaration)
    assert declaration.status == "refused" and count(db, ApprovalStep) == 0
    told = fake.wait_for("send", to_chat_of(fake, MO))
    [inform] = cards_of(told)
    assert "actions" not in inform and "no decision is needed" in said(told)
    receipt = fake.wait_for("send", to_chat_of(fake, ALICE))
    assert "always be refused" in said(receipt)


def test_a_replayed_submission_records_once(
    nolan: TeamsNolan, db: Database, clock: Clock
) -> None:
    card = dialog_of(fetch(nolan, ALICE, button_data(Action.DECLARE_GIFT)))
    [submit] = card["actions"]
    value = {"data": {**submit["data"], **gift_answers(clock, line_manager=BOB.object_id)}}
    activity = nolan.activity(ALICE, "invoke", name="task/submit", value=value)
    assert "Recorded as" in closed_with(send_form(nolan, ALICE, card, {}, activity=activity))
    assert "already has" in closed_with(send_form(nolan, ALICE, card, {}, activity=activity))
    assert count(db, Declaration) == 1 and len(owed(nolan, "approval")) == 1


# -- outside work and a confidential notice ----------------------------------------------------


def test_outside_work_is_asked_with_the_manager_picked_and_receipted(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, clock: Clock
) -> None:
    card = dialog_of(fetch(nolan, ALICE, button_data(Action.ASK_OUTSIDE_WORK)))
    answers = {
        "organisation": "Riverside Rugby Club", "role": "Coach", "pay": "voluntary",
        "hours": "3", "when": "outside_hours", "start_date": clock.today.isoformat(),
        "involves_partner": "no", "uses_office": "none",
    }
    again = dialog_of(send_form(nolan, ALICE, card, {**answers, "hours": "lots"}))
    assert error_after(again, "hours") and count(db, Declaration) == 0
    reply = send_form(nolan, ALICE, again, {**answers, "line_manager": BOB.object_id})
    assert "Recorded as" in closed_with(reply)
    [declaration] = rows(db, Declaration)
    assert declaration.kind == "outside_work"
    [approval] = owed(nolan, "approval")
    assert approval.recipient == f"staff:{staff_id(db, BOB)}"
    receipt = fake.wait_for("send", lambda c: "Thank you" in said(c))
    assert "Coach for Riverside Rugby Club" in said(receipt)


def test_a_confidential_notice_goes_to_the_officers_and_is_receipted(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, clock: Clock
) -> None:
    set_staff(db, MO, roles="monitoring_officer;head_of_office")
    action = opener(nolan, fake, ALICE, "conduct notify")
    card = dialog_of(fetch(nolan, ALICE, action["data"]))
    answers = {"category": "criminal_charge", "description": "Charged with speeding"}
    again = dialog_of(send_form(nolan, ALICE, card, {**answers, "description": ""}))
    assert error_after(again, "description") and count(db, Declaration) == 0
    assert "Recorded as" in closed_with(send_form(nolan, ALICE, again, answers))
    [declaration] = rows(db, Declaration)
    assert declaration.kind == "notice"
    assert {m.recipient for m in owed(nolan, "approval")} == {f"staff:{staff_id(db, MO)}"}
    receipt = fake.wait_for("send", lambda c: "gone in confidence" in said(c) and
                            to_chat_of(fake, ALICE)(c))
    assert "Morgan Monitor" in said(receipt)

