"""The registers with no platform: a search honours the access filter, a record is shown
only to whom may see it (an officer's look audited), and withholding and publishing again
each happen once, audited, with refusals on the form's fields."""

from __future__ import annotations

from datetime import date

import pytest

from bot.rules.refusal import Refused
from bot.ui.registers import SearchField
from bot.ui.withholding import WithholdField
from bot.usecases.registers import search_registers, view_record
from bot.usecases.withhold import publish_again, to_decide, withhold
from storage import declarations
from storage.db import Database
from storage.models import ApprovalStep, Declaration, Notice, Staff
from storage.search import Criteria
from tests.usecases.people import NOW, SETTINGS, audited, outside_work, seed


@pytest.fixture
def people(db: Database) -> dict[str, Staff]:
    return seed(db)


def _declare(db: Database, who: Staff, kind: str, routed_to: Staff) -> int:
    with db.session() as session:
        if kind == "notice":
            declarant = session.get(Staff, who.id)
            assert declarant is not None
            d = declarations.create_declaration(
                session, kind=kind, declarant=declarant, status="pending"
            )
            assert d.id is not None
            declaration_id = d.id
            session.add(
                Notice(
                    declaration_id=declaration_id,
                    category="civil_proceedings",
                    description="A claim",
                )
            )
        else:
            declaration_id = outside_work(session, who, status="pending")
        session.add(
            ApprovalStep(
                declaration_id=declaration_id,
                role="head_of_office",
                purpose="note" if kind == "notice" else "grant",
                approver_id=routed_to.id,
                status="pending",
            )
        )
        session.commit()
        return declaration_id


@pytest.fixture
def declared(db: Database, people: dict[str, Staff]) -> dict[str, int]:
    return {
        "notice": _declare(db, people["alice"], "notice", people["head"]),
        "work": _declare(db, people["bob"], "outside_work", people["head"]),
    }


def _found(db: Database, actor: Staff, **criteria: object) -> set[int]:
    results = search_registers(
        db,
        actor=actor,
        criteria=Criteria(**criteria),
        settings=SETTINGS,
        limit=20,  # type: ignore[arg-type]
    )
    return {hit.declaration.id for hit in results.page.hits if hit.declaration.id}


def test_a_search_shows_each_officer_only_what_they_may_see(
    db: Database, people: dict[str, Staff], declared: dict[str, int]
) -> None:
    # A notice is confidential to the officers it was sent to: the head, not the MO.
    assert _found(db, people["head"]) == {declared["notice"], declared["work"]}
    assert _found(db, people["mo"]) == {declared["work"]}
    assert _found(db, people["head"], person_id=people["bob"].id) == {declared["work"]}
    with pytest.raises(Refused) as refused:
        _found(db, people["manager"])
    assert refused.value.field == SearchField.TEXT


def test_a_search_names_every_field_wrong_at_once(db: Database, people: dict[str, Staff]) -> None:
    with pytest.raises(Refused) as refused:
        search_registers(
            db,
            actor=people["mo"],
            criteria=Criteria(date_from=date(2027, 2, 1), date_to=date(2027, 1, 1)),
            person_unknown=True,
            settings=SETTINGS,
            limit=20,
        )
    assert set(refused.value.errors) == {SearchField.DATE_TO, SearchField.PERSON}


def test_a_record_is_shown_to_whom_may_see_it_and_an_officers_look_is_audited(
    db: Database, people: dict[str, Staff], declared: dict[str, int]
) -> None:
    def view(who: str, declaration: str) -> object:
        return view_record(
            db,
            actor=people[who],
            declaration_id=declared[declaration],
            settings=SETTINGS,
            now=NOW,
            trail_size=10,
        )

    with pytest.raises(Refused) as refused:
        view("mo", "notice")
    assert "isn't yours" in refused.value.text
    with pytest.raises(Refused):
        view("alice", "work")
    seen = view("mo", "work")
    assert seen.may_withhold and seen.officer
    assert view("bob", "work").may_withhold is False
    assert [e.actor_id for e in audited(db, "viewed")] == [people["mo"].id]


def test_withholding_and_publishing_again_happen_once_each_and_are_audited(
    db: Database, people: dict[str, Staff], declared: dict[str, int]
) -> None:
    work, mo, head = declared["work"], people["mo"], people["head"]
    assert to_decide(db, actor=mo, declaration_id=work).declaration.id == work
    with pytest.raises(Refused) as refused:
        withhold(db, actor=mo, declaration_id=work, ground=None, note=" ", now=NOW)
    assert set(refused.value.errors) == {WithholdField.GROUND, WithholdField.NOTE}
    withhold(db, actor=mo, declaration_id=work, ground="personal_safety", note="Threats.", now=NOW)
    with pytest.raises(Refused) as refused:
        withhold(
            db, actor=head, declaration_id=work, ground="personal_safety", note="Too.", now=NOW
        )
    assert "withheld already" in refused.value.text
    with db.session() as session:
        row = session.get(Declaration, work)
        assert row is not None and (row.withheld_reason, row.withheld_by_id) == (
            "personal_safety",
            mo.id,
        )
    publish_again(db, actor=head, declaration_id=work, reason="The threat has passed.")
    with pytest.raises(Refused) as refused:
        publish_again(db, actor=mo, declaration_id=work, reason="Again.")
    assert refused.value.field == WithholdField.REASON
    assert [e.actor_id for e in audited(db, "withheld")] == [mo.id]
    assert [e.actor_id for e in audited(db, "published_again")] == [head.id]


def test_nobody_decides_the_publication_of_their_own_or_without_the_role(
    db: Database, people: dict[str, Staff], declared: dict[str, int]
) -> None:
    for who in ("manager", "bob"):
        with pytest.raises(Refused):
            to_decide(db, actor=people[who], declaration_id=declared["work"])
    with pytest.raises(Refused) as refused:
        to_decide(db, actor=people["head"], declaration_id=declared["notice"])
    assert "monitoring officer and the head" in refused.value.text  # a notice is never published


def test_answers_longer_than_the_form_allows_are_refused_at_their_fields(
    db: Database, people: dict[str, Staff], declared: dict[str, int]
) -> None:
    """The forms limit them; a forged or replayed answer may not have been."""
    with pytest.raises(Refused) as refused:
        search_registers(
            db,
            actor=people["mo"],
            criteria=Criteria(offeror="a" * 101, text="w" * 50_000),
            settings=SETTINGS,
            limit=20,
        )
    assert set(refused.value.errors) == {SearchField.OFFEROR, SearchField.TEXT}
    work, mo = declared["work"], people["mo"]
    with pytest.raises(Refused) as refused:
        withhold(db, actor=mo, declaration_id=work, ground="commercial", note="n" * 1001, now=NOW)
    assert set(refused.value.errors) == {WithholdField.NOTE}
    withhold(db, actor=mo, declaration_id=work, ground="commercial", note="n" * 1000, now=NOW)
    with pytest.raises(Refused) as refused:
        publish_again(db, actor=mo, declaration_id=work, reason="r" * 1001)
    assert refused.value.field == WithholdField.REASON
    with db.session() as session:
        row = session.get(Declaration, work)
        assert row is not None and row.withheld_at is not None
