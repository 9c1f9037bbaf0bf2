"""Interests on Teams end to end: declared in the dialog (a colleague named in Teams' people
picker), the warning to a politically restricted post, and ended from the receipt's "End this
interest…" button."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.ui.home_model import Action
from bot.usecases.decide import decide
from storage.db import Database
from storage.models import ApprovalStep, Declaration, Interest, Staff
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
from tests.e2e.teams.harness import ORG, STRANGER, TeamsNolan, cards_of
from tests.faketeams import FakeTeams

ALICE, BOB, MO = ORG


def interest_answers(clock: Clock, **more: Any) -> dict[str, Any]:
    return {
        "category": "financial", "organisation": "Acme Ltd",
        "description": "I own 5% of the shares",
        "started_on": (clock.today - timedelta(days=400)).isoformat(),
        "conflict": "Acme bids for our cleaning contract", **more,
    }


def test_an_interest_naming_a_colleague_is_recorded_owed_and_receipted(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, clock: Clock
) -> None:
    set_staff(db, ALICE, line_manager_id=staff_id(db, MO))
    card = dialog_of(fetch(nolan, ALICE, button_data(Action.DECLARE_INTEREST)))
    assert inputs(card)["colleague"]["choices.data"]["dataset"] == "graph.microsoft.com/users"
    relationship = interest_answers(
        clock, category="relationship", organisation="",
        description="My brother applied for the analyst post",
        proposal="To take no part in the appointment",
    )
    # Oneself, and someone the org chart doesn't know: each refused at the picker.
    again = dialog_of(send_form(nolan, ALICE, card, {**relationship, "colleague": ALICE.object_id}))
    assert "can't name yourself" in (error_after(again, "colleague") or "")
    again = dialog_of(send_form(nolan, ALICE, card, {**relationship,
                                                     "colleague": STRANGER.object_id}))
    assert "isn't in the office's org chart" in (error_after(again, "colleague") or "")
    assert inputs(again)["description"]["value"] == relationship["description"]
    assert count(db, Declaration) == 0
    reply = send_form(nolan, ALICE, again, {**relationship, "colleague": BOB.object_id})
    assert "Recorded as" in closed_with(reply)
    [declaration] = rows(db, Declaration)
    assert declaration.kind == "interest" and declaration.named_staff_id == staff_id(db, BOB)
    assert [m.recipient for m in owed(nolan, "approval")] == [f"staff:{staff_id(db, MO)}"]
    receipt = fake.wait_for("send", lambda c: "Register of Interests" in said(c))
    assert to_chat_of(fake, ALICE)(receipt)
    assert "relationship with Bob Late" in said(receipt)
    [end] = cards_of(receipt)[0]["actions"]
    assert end["title"] == "End this interest…" and end["data"]["msteams"]["type"] == "task/fetch"


def test_political_activity_in_a_restricted_post_is_warned_at_once(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, clock: Clock
) -> None:
    set_staff(db, ALICE, line_manager_id=staff_id(db, BOB), politically_restricted=True)
    card = dialog_of(fetch(nolan, ALICE, button_data(Action.DECLARE_INTEREST)))
    answers = interest_answers(clock, category="political", organisation="The Party")
    closed_with(send_form(nolan, ALICE, card, answers))
    warning = fake.wait_for("send", to_chat_of(fake, ALICE))
    assert "politically restricted" in said(warning)
    receipt = fake.wait_for("send", to_chat_of(fake, ALICE), count=2)
    assert "Register of Interests" in said(receipt)


def test_an_interest_is_ended_from_its_receipt_once_noted(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, clock: Clock
) -> None:
    set_staff(db, ALICE, line_manager_id=staff_id(db, MO))
    card = dialog_of(fetch(nolan, ALICE, button_data(Action.DECLARE_INTEREST)))
    closed_with(send_form(nolan, ALICE, card, interest_answers(clock)))
    receipt = fake.wait_for("send", lambda c: "Register of Interests" in said(c))
    [end] = cards_of(receipt)[0]["actions"]
    # Still waiting to be noted: the dialog says so, and nothing opens.
    assert "still waiting to be noted" in closed_with(fetch(nolan, ALICE, end["data"]))
    [step] = rows(db, ApprovalStep)
    assert step.id is not None
    mo = next(s for s in rows(db, Staff) if s.email == MO.email)
    decide(db, actor=mo, step_id=step.id, outcome="noted", reason=None, now=clock())
    # Someone else's interest, or a button that isn't ours: told, nothing opens.
    assert "Only the person" in closed_with(fetch(nolan, MO, end["data"]))
    assert "older message" in closed_with(fetch(nolan, ALICE, {**end["data"], "_payload": "x"}))
    form = dialog_of(fetch(nolan, ALICE, end["data"]))
    assert inputs(form)["end_date"]["value"] == clock.today.isoformat()
    future = (clock.today + timedelta(days=400)).isoformat()
    again = dialog_of(send_form(nolan, ALICE, form, {"end_date": future}))
    assert error_after(again, "end_date")
    [interest] = rows(db, Interest)
    assert interest.ended_on is None
    reply = send_form(nolan, ALICE, again, {"end_date": clock.today.isoformat()})
    assert "ended on" in closed_with(reply)
    [interest] = rows(db, Interest)
    assert interest.ended_on == clock.today
    told = fake.wait_for("send", lambda c: "has ended their interest" in said(c))
    assert to_chat_of(fake, MO)(told)
    mine = fake.wait_for("send", lambda c: "Recorded: your interest in Acme Ltd" in said(c))
    assert to_chat_of(fake, ALICE)(mine)
    # The same form sent again: already ended, nothing changes.
    assert "already ended" in closed_with(
        send_form(nolan, ALICE, form, {"end_date": clock.today.isoformat()})
    )
