"""Vetting renewal on Teams end to end: the daily sweep on the Teams runtime (bot.jobs) sends
the holder's reminder and the vetting officer's list of renewals due, and the weekly list of
lapsed clearances, each once; "Renewed on…" opens the renewal form as a dialog and records
the renewal once, the person and the officer told; anyone else is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.rules.vetting import Field
from bot.sweep import SweepReport
from bot.usecases.vetting import NO_RIGHT
from storage.db import Database
from storage.models import Staff
from tests.e2e.teams.dialogs import closed_with, dialog_of, error_after, fetch, send_form
from tests.e2e.teams.harness import ORG, Person, TeamsNolan, cards_of
from tests.e2e.teams.test_home import actions, shown
from tests.e2e.test_vetting_flow import expiry_of
from tests.e2e.test_vetting_flow import set_clearance as clear
from tests.faketeams import FakeTeams
from tests.faketeams.server import Call

ALICE, BOB, MO = ORG
VERA = Person(
    "vera", "vera@opcc.example", "Vera Vetting", "ffffffff-0000-4000-8000-00000000000f",
    roles="vetting_officer",
)
LONDON = ZoneInfo("Europe/London")
EXPIRES = date(2027, 3, 3)  # a Wednesday: 30 days before is Monday 1 February
DUE = EXPIRES - timedelta(days=30)
RENEW = "vetting_renewed_on"


@pytest.fixture
def vera(fake: FakeTeams, db: Database, nolan: TeamsNolan) -> Iterator[Staff]:
    fake.add_user(VERA.email, VERA.object_id, VERA.name)
    with db.session() as session:
        row = Staff(email=VERA.email, name=VERA.name, teams_id=VERA.object_id, roles=VERA.roles)
        session.add(row)
        session.commit()
        session.refresh(row)
        session.expunge(row)
    yield row


def sweep(nolan: TeamsNolan, day: date, hour: int = 10) -> SweepReport:
    """The daily sweep on the Teams runtime as at `hour` on `day` (the clock with it, so the
    bot's worker sends what is due in working hours), and everything it owes sent."""
    now = datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)
    nolan.clock.now = now
    assert nolan.runtime is not None
    report = nolan.runtime.sweep(day, now)
    nolan.settle()
    assert report.failures == []
    return report


def to(fake: FakeTeams, person: Person, words: str) -> list[Call]:
    chat = fake.conversation_of(person.object_id)
    return [c for c in fake.delivered(chat) if words in shown(c)]


def renew_buttons(call: Call) -> list[dict[str, Any]]:
    [card] = cards_of(call)
    return [a for a in actions(card) if a.get("data", {}).get("_action") == RENEW]


def test_the_sweep_reminds_the_holder_and_lists_them_for_the_officer_once(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], vera: Staff
) -> None:
    clear(db, org["alice"], EXPIRES)
    report = sweep(nolan, DUE)
    assert report.counts["vetting_reminded"] == 2
    [reminder] = to(fake, ALICE, "Your NPPV3 vetting clearance expires on")
    said = shown(reminder)
    assert "Wed 3 Mar 2027" in said and "in 30 days" in said and "Vera Vetting" in said
    assert said.startswith("⏳") and ":" + "hourglass" not in said  # Slack's icon, drawn
    assert "Nolan reminds you 90, 30 and 7 days before it expires, and on the day" in said
    assert renew_buttons(reminder) == []  # the holder records nothing
    [listed] = to(fake, VERA, "1 vetting clearance is due for renewal")
    assert "Alice Able" in shown(listed) and "Not on Teams" not in shown(listed)
    [button] = renew_buttons(listed)
    assert button["type"] == "Action.Submit" and button["title"] == "Renewed on…"
    assert button["data"]["msteams"] == {"type": "task/fetch"}

    again = sweep(nolan, DUE)  # a rerun, or a second process: nothing new
    assert again.counts["vetting_reminded"] == 0
    sweep(nolan, DUE + timedelta(days=1))
    assert len(to(fake, ALICE, "vetting clearance")) == 1
    assert len(to(fake, VERA, "due for renewal")) == 1


def test_a_renewal_is_recorded_from_the_list_once_and_told(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], vera: Staff
) -> None:
    clear(db, org["alice"], EXPIRES)
    sweep(nolan, DUE)
    [listed] = to(fake, VERA, "due for renewal")
    [button] = renew_buttons(listed)

    form = dialog_of(fetch(nolan, VERA, button["data"]))
    assert "Alice Able" in " ".join(str(b) for b in form["body"])
    bad = send_form(nolan, VERA, form, {Field.RENEWED_ON: (DUE + timedelta(days=5)).isoformat()})
    assert error_after(dialog_of(bad), Field.RENEWED_ON)  # a renewal can't be in the future
    assert expiry_of(db, org["alice"]) == EXPIRES

    done = closed_with(send_form(nolan, VERA, form, {Field.RENEWED_ON: DUE.isoformat()}))
    assert "Alice Able's clearance was renewed on Mon 1 Feb 2027" in done
    new_expiry = expiry_of(db, org["alice"])
    assert new_expiry is not None and new_expiry > EXPIRES
    nolan.settle()
    [told] = to(fake, ALICE, "Your NPPV3 vetting renewal is recorded")
    assert "recorded by Vera Vetting" in shown(told)
    [confirmed] = to(fake, VERA, "Recorded: Alice Able's NPPV3 clearance was renewed")
    assert "Nolan has told them their new expiry date." in shown(confirmed)

    # The same button again (a double press, or a second officer): refused, nothing recorded.
    twice = closed_with(fetch(nolan, VERA, button["data"]))
    assert "a renewal was recorded" in twice
    again = closed_with(send_form(nolan, VERA, form, {Field.RENEWED_ON: DUE.isoformat()}))
    assert "a renewal was recorded" in again
    assert expiry_of(db, org["alice"]) == new_expiry
    nolan.settle()
    assert len(to(fake, ALICE, "vetting renewal is recorded")) == 1


def test_only_the_vetting_officer_or_the_head_may_record_a_renewal(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], vera: Staff
) -> None:
    clear(db, org["alice"], EXPIRES)
    clear(db, org["mo"], EXPIRES)
    sweep(nolan, DUE)
    [listed] = to(fake, VERA, "2 vetting clearances are due for renewal")
    alices = next(b for b in renew_buttons(listed) if f'"staff_id":{org["alice"].id}' in
                  b["data"]["_payload"])
    assert closed_with(fetch(nolan, ALICE, alices["data"])) == NO_RIGHT  # her own
    assert closed_with(fetch(nolan, MO, alices["data"])) == NO_RIGHT
    form = dialog_of(fetch(nolan, VERA, alices["data"]))
    sent_by_mo = send_form(nolan, MO, form, {Field.RENEWED_ON: DUE.isoformat()})
    assert closed_with(sent_by_mo) == NO_RIGHT
    junk = closed_with(fetch(nolan, VERA, {**alices["data"], "_payload": "junk"}))
    assert "older message" in junk
    assert expiry_of(db, org["alice"]) == EXPIRES


def test_the_weekly_list_of_lapsed_clearances(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], vera: Staff
) -> None:
    monday = date(2027, 2, 8)
    clear(db, org["alice"], date(2027, 1, 20))
    clear(db, org["bob"], date(2027, 1, 27), level="SC")
    sweep(nolan, monday)
    [lapsed] = to(fake, VERA, "2 vetting clearances have lapsed")
    said = shown(lapsed)
    assert "week of Mon 8 Feb 2027" in said and "NPPV3: 1, SC: 1" in said
    assert "19 days ago" in said and "12 days ago" in said
    assert len(renew_buttons(lapsed)) == 2
    sweep(nolan, monday + timedelta(days=1))  # once a week
    assert len(to(fake, VERA, "have lapsed")) == 1


def test_a_reminder_due_before_working_hours_is_held_until_they_open(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], vera: Staff
) -> None:
    clear(db, org["alice"], EXPIRES)
    early = sweep(nolan, DUE, hour=7)
    assert any("Alice Able" in line and "(held until 08:00 their time)" in line
               for line in early.lines)
    assert to(fake, ALICE, "vetting clearance") == []  # Teams has no scheduled messages
    opens = datetime.combine(DUE, time(8), tzinfo=LONDON)
    held = [r for r in nolan.outbox() if r.kind in ("vetting_renewal", "vetting_renewal_list")
            and r.payload is not None]
    assert len(held) == 2 and all(r.not_before == opens for r in held)
