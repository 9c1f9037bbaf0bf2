"""Escalation (bot.usecases.escalate), with no platform: the step moves up once, and what it
owes — the old card redrawn, the new card, three notes — is queued exactly once."""

from __future__ import annotations

from datetime import date

from bot.usecases.escalate import Escalated, NobodyAbove, escalate
from storage import staff
from tests.usecases.office import NOW, TODAY, Office, to


def run(office: Office, step_id: int, approver: str) -> Escalated | NobodyAbove | None:
    with office.db.session() as session:
        org = staff.org_view(session, on=TODAY)
        return escalate(
            session,
            step_id=step_id,
            approver_id=office.id(approver),
            waited=6,
            waiting_since=date(2026, 11, 12),
            org=org,
            now=NOW,
        )


def test_a_step_escalates_once_and_its_messages_are_owed_once(office: Office) -> None:
    step = office.declare("alice")
    assert step.id is not None
    office.card_sent(step.id)

    done = run(office, step.id, "manager")

    assert isinstance(done, Escalated)
    assert (done.from_name, done.to_name) == ("Manny Manager", "Harriet Head")
    moved = office.step(step.id)
    assert (moved.approver_id, moved.dm_ts) == (office.id("head"), None)
    owed = office.owed()
    assert [(card, recipient) for card, recipient, _ in owed] == [
        ("step_moved_away", to(office, "manager")),
        ("approval", to(office, "head")),
        ("step_move_note", to(office, "head")),
        ("step_move_note", to(office, "manager")),
        ("step_move_note", to(office, "alice")),
    ]
    assert owed[0][2]["ts"] == f"{step.id}.000"  # the card that went out loses its buttons
    assert owed[0][2]["why"] == "no decision after 6 working days"
    assert [p["told"] for _, _, p in owed[2:]] == ["new_approver", "old_approver", "declarant"]
    assert all(p["waited"] == 6 for _, _, p in owed[2:])
    [escalated] = office.audit("escalated")
    assert (escalated["from_id"], escalated["to_id"]) == (office.id("manager"), office.id("head"))

    # Run again (a second sweep that saw it waiting with the manager): nothing more.
    assert run(office, step.id, "manager") is None
    assert len(office.owed()) == 5
    assert len(office.audit("escalated")) == 1


def test_with_nobody_above_it_stays_and_nothing_is_owed(office: Office) -> None:
    step = office.declare("mo", chain="head_of_office:authorise")
    assert step.id is not None and step.approver_id == office.id("head")
    stuck = run(office, step.id, "head")
    assert stuck == NobodyAbove("Harriet Head")
    assert office.step(step.id).approver_id == office.id("head")
    assert office.owed() == [] and office.audit("escalated") == []
