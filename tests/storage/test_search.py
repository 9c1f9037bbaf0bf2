"""The register search query (storage.search): filters, paging, text, and the access filter."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from bot.rules.access import Viewer
from storage.db import Database
from storage.models import ApprovalStep, Declaration, GiftOffer, Interest, Notice, Staff
from storage.search import Criteria, search

TZ = ZoneInfo("Europe/London")


def _person(session: Session, key: str, roles: str = "") -> Staff:
    person = Staff(email=f"{key}@x.example", name=key.title(), roles=roles)
    session.add(person)
    session.flush()
    return person


def _declare(
    session: Session, who: Staff, kind: str, detail: dict, *, status: str = "pending", at=None
) -> Declaration:
    assert who.id is not None
    row = Declaration(kind=kind, declarant_id=who.id, status=status)
    if at is not None:
        row.created_at = at
    session.add(row)
    session.flush()
    assert row.id is not None
    row.reference = f"{kind[:2].upper()}-{row.id:05d}"
    model = {"gift": GiftOffer, "interest": Interest, "notice": Notice}[kind]
    session.add(model(declaration_id=row.id, **detail))
    session.flush()
    return row


def _gift(offered_by: str, description: str, on: date) -> dict:
    return dict(
        kind="gift",
        offered_by=offered_by,
        relationship="supplier",
        description=description,
        value_pence=5000,
        date_offered=on,
        response="accepted",
    )


@pytest.fixture
def office(db: Database) -> dict[str, int]:
    with db.session() as session:
        mo = _person(session, "mo", "monitoring_officer")
        head = _person(session, "head", "head_of_office")
        alice = _person(session, "alice")
        bob = _person(session, "bob")
        manager = _person(session, "manager")
        for n in range(23):
            _declare(session, alice, "gift", _gift("Acme Ltd", f"Hamper {n}", date(2026, 5, 1)))
        _declare(session, bob, "gift", _gift("ACME Catering", "Dinner", date(2026, 7, 2)))
        _declare(session, bob, "gift", _gift("Widgets plc", "100% cotton_bag", date(2026, 8, 3)))
        _declare(
            session,
            alice,
            "interest",
            dict(
                category="financial",
                organisation="Acme Holdings",
                description="Shares",
                started_on=date(2020, 1, 1),
            ),
            status="noted",
            # 23:30 on 31 July in UTC is 1 August in London (summer time).
            at=datetime(2026, 7, 31, 23, 30, tzinfo=UTC),
        )
        notice = _declare(
            session, bob, "notice", dict(category="vetting", description="Acme lawsuit")
        )
        session.add(
            ApprovalStep(
                declaration_id=notice.id,
                role="head_of_office",
                purpose="acknowledge",
                approver_id=head.id,
            )
        )
        session.commit()
        people = {"mo": mo, "head": head, "alice": alice, "bob": bob, "manager": manager}
        return {k: p.id for k, p in people.items() if p.id is not None}


def _run(db: Database, viewer: Viewer, criteria: Criteria, **kw):
    with db.session() as session:
        return search(session, viewer=viewer, criteria=criteria, tz=TZ, **kw)


def _mo(office: dict[str, int]) -> Viewer:
    return Viewer(office["mo"], frozenset({"monitoring_officer"}))


def test_pages_newest_first_with_a_total(db: Database, office: dict[str, int]) -> None:
    criteria = Criteria(offeror="acme ltd")
    first = _run(db, _mo(office), criteria, limit=10)
    third = _run(db, _mo(office), criteria, offset=20, limit=10)
    assert first.total == third.total == 23
    assert [h.detail.description for h in first.hits] == [f"Hamper {n}" for n in range(22, 12, -1)]
    assert [h.detail.description for h in third.hits] == ["Hamper 2", "Hamper 1", "Hamper 0"]
    assert first.hits[0].declarant.name == "Alice"


def test_offeror_and_text_are_case_insensitive_and_literal(
    db: Database, office: dict[str, int]
) -> None:
    offerors = {h.detail.offered_by for h in _run(db, _mo(office), Criteria(offeror="aCmE")).hits}
    assert offerors == {"Acme Ltd", "ACME Catering"}
    # Free text reaches the interest's organisation too, but not the notice (the monitoring
    # officer may not see it).
    found = _run(db, _mo(office), Criteria(text="ACME"), limit=50)
    assert {h.declaration.kind for h in found.hits} == {"gift", "interest"}
    assert found.total == 25
    # % and _ are letters, not wildcards.
    assert [
        h.detail.offered_by for h in _run(db, _mo(office), Criteria(text="0% cotton_")).hits
    ] == ["Widgets plc"]
    assert _run(db, _mo(office), Criteria(text="0%_cotton")).total == 0
    # By reference.
    reference = found.hits[0].declaration.reference
    assert [
        h.declaration.reference
        for h in _run(db, _mo(office), Criteria(text=reference.lower())).hits
    ] == [reference]


def test_person_kind_status_and_dates(db: Database, office: dict[str, int]) -> None:
    mo = _mo(office)
    assert _run(db, mo, Criteria(person_id=office["bob"])).total == 2  # the notice is hidden
    assert _run(db, mo, Criteria(kind="interest")).total == 1
    assert _run(db, mo, Criteria(status="noted")).total == 1
    july = _run(db, mo, Criteria(date_from=date(2026, 7, 1), date_to=date(2026, 7, 31)))
    assert [h.detail.description for h in july.hits] == ["Dinner"]  # the interest is 1 August
    august = _run(db, mo, Criteria(date_from=date(2026, 8, 1)), limit=5)
    assert {h.on for h in august.hits} == {date(2026, 8, 1), date(2026, 8, 3)}


def test_what_each_viewer_finds(db: Database, office: dict[str, int]) -> None:
    head = Viewer(office["head"], frozenset({"head_of_office"}))
    assert _run(db, head, Criteria(text="lawsuit")).total == 1
    assert _run(db, _mo(office), Criteria(text="lawsuit")).total == 0
    bob = Viewer(office["bob"])
    assert _run(db, bob, Criteria(), limit=50).total == 3  # his own, the notice included
    assert _run(db, Viewer(office["manager"], frozenset({"admin"})), Criteria()).total == 0
