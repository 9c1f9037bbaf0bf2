"""Renewing a vetting clearance, with no platform: the new expiry, its audit entry and the
messages owed, in one transaction; refusals on the form's field."""

from __future__ import annotations

from datetime import date

import pytest

from bot.outbox import to_staff
from bot.rules.refusal import Refused
from bot.rules.vetting import Field
from bot.usecases.vetting import CONFIRMED, RENEWED, renew_vetting, start_renewal
from storage.db import Database
from storage.models import Staff
from tests.usecases.people import NOW, SETTINGS, audited, owed, seed

EXPIRES = date(2027, 3, 3)


@pytest.fixture
def people(db: Database) -> dict[str, Staff]:
    return seed(db)


@pytest.fixture
def cleared(db: Database, people: dict[str, Staff]) -> Staff:
    with db.session() as session:
        alice = session.get(Staff, people["alice"].id)
        assert alice is not None
        alice.vetting_level, alice.vetting_expires = "NPPV3", EXPIRES
        session.commit()
        session.refresh(alice)
        session.expunge(alice)
        return alice


def test_renewing_sets_the_next_expiry_audits_and_owes_the_messages(
    db: Database, people: dict[str, Staff], cleared: Staff
) -> None:
    vera, victor = people["vetting"], people["vetting2"]
    assert cleared.id is not None and vera.id is not None and victor.id is not None
    renewed = renew_vetting(
        db,
        actor=vera,
        staff_id=cleared.id,
        expires=EXPIRES,
        renewed_on=date(2027, 1, 28),
        settings=SETTINGS,
        now=NOW,
    )
    assert renewed.renewal.new_expiry > EXPIRES
    assert renewed.told_officer_ids == (victor.id,)
    with db.session() as session:
        alice = session.get(Staff, cleared.id)
        assert alice is not None and alice.vetting_expires == renewed.renewal.new_expiry
    [entry] = audited(db, "vetting_renewed")
    assert entry.actor_id == vera.id
    assert [(m.card, m.to) for m in owed(db)] == [
        (RENEWED, to_staff(cleared.id)),
        (CONFIRMED, to_staff(vera.id)),
        (CONFIRMED, to_staff(victor.id)),
    ]


def test_a_second_renewal_from_the_same_button_is_refused_and_changes_nothing(
    db: Database, people: dict[str, Staff], cleared: Staff
) -> None:
    assert cleared.id is not None
    kwargs = dict(staff_id=cleared.id, expires=EXPIRES, settings=SETTINGS, now=NOW)
    renew_vetting(db, actor=people["vetting"], renewed_on=date(2027, 1, 28), **kwargs)
    with pytest.raises(Refused) as refused:
        renew_vetting(db, actor=people["head"], renewed_on=date(2027, 1, 29), **kwargs)
    assert refused.value.field == Field.RENEWED_ON
    assert "a renewal was recorded" in refused.value.text
    assert len(audited(db, "vetting_renewed")) == 1
    assert len(owed(db)) == 3


@pytest.mark.parametrize(
    ("who", "renewed_on", "says"),
    [
        ("bob", date(2027, 1, 28), "vetting officer"),
        ("vetting", date(2027, 6, 1), "hasn't come yet"),
        ("vetting", None, "Choose the date"),
    ],
)
def test_refusals_name_the_field_and_leave_no_trace(
    db: Database,
    people: dict[str, Staff],
    cleared: Staff,
    who: str,
    renewed_on: date | None,
    says: str,
) -> None:
    assert cleared.id is not None
    with pytest.raises(Refused) as refused:
        renew_vetting(
            db,
            actor=people[who],
            staff_id=cleared.id,
            expires=EXPIRES,
            renewed_on=renewed_on,
            settings=SETTINGS,
            now=NOW,
        )
    assert says in refused.value.text and refused.value.field == Field.RENEWED_ON
    assert audited(db, "vetting_renewed") == [] and owed(db) == []


def test_nobody_renews_their_own_and_the_form_says_what_it_shows(
    db: Database, people: dict[str, Staff], cleared: Staff
) -> None:
    vera = people["vetting"]
    assert cleared.id is not None and vera.id is not None
    renewing = start_renewal(
        db, actor=vera, staff_id=cleared.id, expires=EXPIRES, settings=SETTINGS, now=NOW
    )
    assert (renewing.name, renewing.level, renewing.expires) == ("Alice Able", "NPPV3", EXPIRES)
    with pytest.raises(Refused):
        start_renewal(db, actor=vera, staff_id=vera.id, expires=None, settings=SETTINGS, now=NOW)
