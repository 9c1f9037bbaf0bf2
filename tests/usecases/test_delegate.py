"""Delegating and a delegation ending (bot.usecases.delegate), with no platform: what is
recorded, which steps move, and what is owed to whom."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.rules.delegation import InvalidDelegation
from bot.usecases import delegate
from tests.usecases.office import NOW, TODAY, Office, to

UNTIL = date(2026, 12, 1)


def make(
    office: Office, *, confirm: bool = True, starts_on: date | None = None
) -> delegate.Created:
    with office.db.session() as session:
        return delegate.delegate(
            session,
            delegator=office.staff("manager"),
            deputy_id=office.id("eve"),
            deputy_chosen=True,
            starts_on=starts_on,
            ends_on=UNTIL,
            today=TODAY,
            now=NOW,
            confirm=confirm,
        )


def test_delegating_moves_what_waits_and_owes_the_announcements(office: Office) -> None:
    waiting = office.declare("alice")
    assert waiting.id is not None
    office.card_sent(waiting.id)

    created = make(office)

    assert [m.step_id for m in created.started.moves] == [waiting.id]
    step = office.step(waiting.id)
    assert (step.approver_id, step.delegated_from_id) == (office.id("eve"), office.id("manager"))
    delegation_id = created.started.delegation.id
    assert office.owed() == [
        (
            "delegation_deputy",
            to(office, "eve"),
            {
                "card": "delegation_deputy",
                "delegation_id": delegation_id,
                "moved": 1,
                "today": "2026-11-20",
            },
        ),
        (
            "delegation_confirmed",
            to(office, "manager"),
            {
                "card": "delegation_confirmed",
                "delegation_id": delegation_id,
                "moved": 1,
                "today": "2026-11-20",
            },
        ),
        (
            "step_moved_away",
            to(office, "manager"),
            {
                "card": "step_moved_away",
                "step_id": waiting.id,
                "channel": "D-card",
                "ts": f"{waiting.id}.000",
                "why": "delegated by Manny Manager until Tue 1 Dec 2026",
            },
        ),
        ("approval", to(office, "eve"), {"card": "approval", "step_id": waiting.id}),
    ]
    [delegated] = office.audit("delegated")
    assert (delegated["delegator"], delegated["deputy"]) == ("Manny Manager", "Eve Other")


def test_the_shortcut_is_not_confirmed_by_message_and_a_later_start_moves_nothing(
    office: Office,
) -> None:
    waiting = office.declare("alice")
    created = make(office, confirm=False, starts_on=TODAY + timedelta(days=3))
    assert created.started.moves == []
    assert office.step(waiting.id or 0).approver_id == office.id("manager")
    assert [card for card, _, _ in office.owed()] == ["delegation_deputy"]


def test_an_invalid_delegation_is_refused_per_field_and_nothing_is_owed(office: Office) -> None:
    with office.db.session() as session, pytest.raises(InvalidDelegation) as invalid:
        delegate.delegate(
            session,
            delegator=office.staff("manager"),
            deputy_id=office.id("manager"),
            deputy_chosen=True,
            starts_on=None,
            ends_on=TODAY - timedelta(days=1),
            today=TODAY,
            now=NOW,
            confirm=True,
        )
    assert set(invalid.value.errors) == {"deputy", "ends_on"}
    assert office.owed() == [] and office.audit("delegated") == []


def test_ending_early_hands_back_and_tells_the_deputy(office: Office) -> None:
    waiting = office.declare("alice")
    make(office)
    office.card_sent(waiting.id or 0)  # the deputy's card went out
    before = len(office.owed())

    with office.db.session() as session:
        [ended] = delegate.end_delegations(session, delegator=office.staff("manager"), now=NOW)
    assert len(ended.moves) == 1
    step = office.step(waiting.id or 0)
    assert (step.approver_id, step.delegated_from_id) == (office.id("manager"), None)
    owed = office.owed()[before:]
    assert [(card, recipient) for card, recipient, _ in owed] == [
        ("delegation_ended", to(office, "eve")),
        ("step_moved_away", to(office, "eve")),
        ("approval", to(office, "manager")),
    ]
    assert owed[0][2]["by_itself"] is False and owed[0][2]["moved"] == 1
    assert owed[1][2]["why"] == "the delegation to Eve Other has ended"

    with office.db.session() as session:  # nothing left to end: nothing more owed
        assert delegate.end_delegations(session, delegator=office.staff("manager"), now=NOW) == []
    assert len(office.owed()) == before + 3


def test_a_delegation_ending_by_itself_tells_the_delegator_too_once(office: Office) -> None:
    created = make(office)
    delegation_id = created.started.delegation.id
    assert delegation_id is not None
    before = len(office.owed())
    with office.db.session() as session:
        ended = delegate.end_expired(session, delegation_id=delegation_id, now=NOW)
    assert ended is not None and ended.moves == []
    assert [o.what for o in ended.owed] == [
        f"tell the deputy that delegation {delegation_id} ended",
        f"tell the delegator that delegation {delegation_id} ended",
    ]
    owed = office.owed()[before:]
    assert [(card, recipient, payload["told"]) for card, recipient, payload in owed] == [
        ("delegation_ended", to(office, "eve"), "deputy"),
        ("delegation_ended", to(office, "manager"), "delegator"),
    ]
    with office.db.session() as session:
        assert delegate.end_expired(session, delegation_id=delegation_id, now=NOW) is None
    assert len(office.owed()) == before + 2
    [entry] = office.audit("delegation_ended")
    assert entry["by_itself"] is True
