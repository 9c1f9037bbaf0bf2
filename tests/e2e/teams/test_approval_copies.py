"""Every copy of an approval card on Teams: a decision redraws each copy Nolan sent (an
earlier approver's, a deputy's) through the Bot Connector, except the copy it was pressed on,
which the answer to the press has already replaced (bot.outbox.REDRAWN): no second request
to Microsoft for a card the approver already sees decided."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.usecases.delegate import delegate
from bot.usecases.reassign import reassign
from storage.db import Database
from storage.models import Staff
from tests.e2e.teams import approving as on
from tests.e2e.teams.approving import ALICE, MANNY, MO
from tests.e2e.teams.harness import TeamsNolan, cards_of
from tests.faketeams import FakeTeams


@pytest.fixture
def manny(fake: FakeTeams, db: Database, org: dict[str, Staff]) -> Staff:
    return on.add_manny(fake, db, org)


def test_a_moved_step_takes_the_old_cards_buttons_and_the_decision_redraws_every_copy(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], manny: Staff
) -> None:
    on.declare(nolan, org)
    first = on.card_to(fake, MANNY)
    nolan.settle()
    with db.session() as session:  # an admin hands it to the monitoring officer
        admin = session.get(Staff, org["mo"].id)
        assert admin is not None
        admin.roles = "monitoring_officer;admin"
        session.add(admin)
        session.commit()
        reassign(
            session,
            admin=admin,
            reference="GH-00001",
            to_id=admin.id,
            from_id=None,
            reason="Manny is on leave",
            now=nolan.clock(),
        )
    second = on.card_to(fake, MO)
    manny_chat = fake.conversation_of(MANNY.object_id)
    moved = fake.wait_for("update", lambda c: c.conversation_id == manny_chat)
    assert moved.activity_id == first.response["id"]
    moved_text = on.text_of(cards_of(moved)[0])
    assert "Now with Morgan Monitor" in moved_text and "Action." not in moved_text
    note = on.card_to(fake, ALICE)
    assert "is now with Morgan Monitor, who will decide it" in on.text_of(cards_of(note)[0])
    # The old card, pressed before it was redrawn: told, nothing decided.
    assert "Only Morgan Monitor" in on.told(on.press(nolan, MANNY, first, "decide_approved")[1])
    assert "Morgan Monitor" in on.text_of(
        on.replaced_card(on.press(nolan, MO, second, "decide_approved")[1])
    )
    nolan.settle()
    versions = fake.versions(manny_chat, first.response["id"])
    assert len(versions) == 3  # sent, moved, decided: the other copy is still updated
    assert "Approved" in on.text_of(versions[-1]) and "Morgan Monitor" in on.text_of(versions[-1])
    # The copy pressed was replaced by the answer to the press: not updated again.
    mo_chat = fake.conversation_of(MO.object_id)
    pressed = (mo_chat, second.response["id"])
    assert [c for c in fake.calls("update") if (c.conversation_id, c.activity_id) == pressed] == []
    assert "Action." in on.text_of(fake.activity(*pressed))  # the fake holds it as sent
    assert len(on.audit(db, "decided")) == 1



def test_the_delegators_press_on_their_own_card_updates_the_deputys_copy_alone(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], manny: Staff
) -> None:
    """Manny hands his approvals to Morgan: his card loses its buttons, Morgan gets the step's
    card. Manny may still decide his own (issue 3). Pressed on his old card, the answer
    replaces that card; the deputy's copy — the newest, the one the decision's update names —
    is updated through the Bot Connector, and Manny's is not updated again."""
    step_id = on.declare(nolan, org)
    first = on.card_to(fake, MANNY)
    nolan.settle()
    today = nolan.clock().date()
    with db.session() as session:
        delegator = session.get(Staff, manny.id)
        assert delegator is not None
        delegate(
            session, delegator=delegator, deputy_id=org["mo"].id, deputy_chosen=True,
            starts_on=today, ends_on=today + timedelta(days=7), today=today, now=nolan.clock(),
            confirm=False,
        )
    mo_chat, manny_chat = (fake.conversation_of(p.object_id) for p in (MO, MANNY))
    second = fake.wait_for(
        "send", lambda c: c.conversation_id == mo_chat and "decide_approved" in on.text_of(c.body)
    )
    nolan.settle()
    assert len(fake.versions(manny_chat, first.response["id"])) == 2  # sent, passed on
    decided = on.text_of(on.replaced_card(on.press(nolan, MANNY, first, "decide_approved")[1]))
    assert "Approved" in decided and "Action." not in decided
    nolan.settle()
    assert on.step_of(db, step_id).status == "approved" and len(on.audit(db, "decided")) == 1
    assert len(fake.versions(manny_chat, first.response["id"])) == 2  # not updated again
    deputys = on.text_of(fake.activity(mo_chat, second.response["id"]))
    assert "Approved" in deputys and "Action." not in deputys
