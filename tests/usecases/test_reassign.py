"""An admin reassigning a waiting item, and items following a new line manager
(bot.usecases.reassign), with no platform."""

from __future__ import annotations

import pytest

from bot.rules.refusal import Refused
from bot.usecases import reassign
from storage.org_import import ManagerChange
from tests.usecases.office import NOW, Office, to


def move(office: Office, reference: str, *, by: str = "admin", to_key: str = "eve") -> None:
    with office.db.session() as session:
        reassign.reassign(
            session,
            admin=office.staff(by),
            reference=reference,
            to_id=office.id(to_key) if to_key else None,
            from_id=None,
            reason="Manny is on leave",
            now=NOW,
        )


def reference_of(office: Office, step_id: int) -> str:
    return f"GH-{office.step(step_id).declaration_id:05d}"


def test_an_admin_moves_the_step_and_the_messages_are_owed(office: Office) -> None:
    step = office.declare("alice")
    assert step.id is not None
    office.card_sent(step.id)
    move(office, reference_of(office, step.id))

    assert office.step(step.id).approver_id == office.id("eve")
    [moved] = office.audit("reassigned")
    assert (moved["actor_id"], moved["why"]) == (office.id("admin"), "Manny is on leave")
    owed = office.owed()
    assert [(card, recipient) for card, recipient, _ in owed] == [
        ("step_moved_away", to(office, "manager")),
        ("approval", to(office, "eve")),
        ("step_move_note", to(office, "alice")),
    ]
    assert owed[0][2]["why"] == "reassigned by Ada Admin: Manny is on leave"
    assert (owed[2][2]["told"], owed[2][2]["because"]) == ("declarant", "reassigned")


@pytest.mark.parametrize(
    ("by", "to_key", "field", "says"),
    [
        ("manager", "eve", "reference", "Only an admin can reassign"),
        ("admin", "alice", "new_approver", "Nobody decides their own declaration"),
        ("admin", "manager", "new_approver", "is already with Manny Manager"),
        ("admin", "", "new_approver", "isn't in the org chart"),
    ],
)
def test_what_may_not_be_reassigned_is_refused_on_its_field(
    office: Office, by: str, to_key: str, field: str, says: str
) -> None:
    step = office.declare("alice")
    with pytest.raises(Refused) as refused:
        move(office, reference_of(office, step.id or 0), by=by, to_key=to_key)
    assert says in refused.value.text and refused.value.field == field
    assert office.step(step.id or 0).approver_id == office.id("manager")
    assert office.owed() == [] and office.audit("reassigned") == []


def test_an_unknown_reference_is_refused(office: Office) -> None:
    with pytest.raises(Refused) as refused:
        move(office, "GH-99999")
    assert refused.value.text == "No declaration has the reference GH-99999."


def test_waiting_items_follow_a_new_line_manager(office: Office) -> None:
    step = office.declare("alice")
    with office.db.session() as session:
        alice = session.get(type(office.staff("alice")), office.id("alice"))
        assert alice is not None
        alice.line_manager_id = office.id("eve")
        session.add(alice)
        session.commit()
    change = ManagerChange(office.id("alice"), office.id("manager"), office.id("eve"))
    with office.db.session() as session:
        followed = reassign.follow_new_managers(session, [change], now=NOW)
    assert [m.step_id for m in followed.moves] == [step.id]
    assert office.step(step.id or 0).approver_id == office.id("eve")
    # The old card never went, so only the new card and the member of staff's note.
    assert [(card, recipient) for card, recipient, _ in office.owed()] == [
        ("approval", to(office, "eve")),
        ("step_move_note", to(office, "alice")),
    ]
    assert [o.what for o in followed.owed] == [
        f"send {reference_of(office, step.id or 0)} to Eve Other",
        f"tell the declarant that {reference_of(office, step.id or 0)} moved",
    ]
