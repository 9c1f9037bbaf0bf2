"""Declaring each kind, with no platform at all: the declaration and its first steps
recorded, the `submitted` audit entry, and the messages owed, in order, in the outbox."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from bot.rules import interests, notices
from bot.rules.refusal import Refused
from bot.ui.interests import InterestField
from bot.ui.manager import FIELD_ID as MANAGER_FIELD
from bot.usecases import decide, owed
from bot.usecases.declare import Declared
from bot.usecases.gifts import RECEIPT as GIFT_RECEIPT
from bot.usecases.gifts import declare_gift
from bot.usecases.interests import RECEIPT as INTEREST_RECEIPT
from bot.usecases.interests import RESTRICTED_POST, declare_interest
from bot.usecases.notices import RECEIPT as NOTICE_RECEIPT
from bot.usecases.notices import give_notice
from bot.usecases.outside_work import RECEIPT as OUTSIDE_WORK_RECEIPT
from bot.usecases.outside_work import request_outside_work
from storage.db import Database
from storage.models import ApprovalStep, Declaration, Staff
from tests.e2e.harness import ORG, seed_org
from tests.usecases.world import (
    NOW,
    TODAY,
    audit_actions,
    hospitality,
    outside_work_request,
    settings,
    to,
)
from tests.usecases.world import owed as owed_messages


@pytest.fixture
def org(db: Database) -> dict[str, Staff]:
    return seed_org(db)


def steps_of(session: Session, declaration_id: int) -> list[ApprovalStep]:
    return list(
        session.exec(
            select(ApprovalStep)
            .where(ApprovalStep.declaration_id == declaration_id)
            .order_by(ApprovalStep.id)
        )
    )


# -- gifts and hospitality -------------------------------------------------------------------


def test_hospitality_goes_to_the_line_manager(db: Database, org: dict[str, Staff]) -> None:
    done = declare_gift(
        db, declarant=org["alice"], offer=hospitality(), settings=settings(), now=NOW
    )
    assert done.reference == "GH-00001" and done.status == "pending"
    assert done.approvers == [org["manager"].id] and done.informed == []
    assert done.next_step.startswith("It has gone to Manny Manager to decide")
    with db.session() as session:
        [step] = steps_of(session, done.declaration_id)
        assert (step.id, step.purpose, step.status) == (done.steps[0], "authorise", "pending")
        declaration = session.get(Declaration, done.declaration_id)
        assert declaration is not None and declaration.created_at.date() == TODAY
    assert owed_messages(db) == [
        (owed.APPROVAL, to(org["manager"])),
        (GIFT_RECEIPT, to(org["alice"])),
    ]
    assert audit_actions(db, done.declaration_id)[:2] == ["submitted", "routed"]


def test_a_declined_gift_needs_no_decision_and_the_manager_is_told(
    db: Database, org: dict[str, Staff]
) -> None:
    done = declare_gift(
        db,
        declarant=org["alice"],
        offer=hospitality(response="declined", reason=""),
        settings=settings(),
        now=NOW,
    )
    assert done.steps == [] and done.informed == [org["manager"].id]
    assert owed_messages(db) == [
        (owed.INFORM, to(org["manager"])),
        (GIFT_RECEIPT, to(org["alice"])),
    ]


def test_someone_with_no_manager_names_one_and_the_pick_is_checked(
    db: Database, org: dict[str, Staff]
) -> None:
    bob = org["bob"]
    with pytest.raises(Refused) as refused:
        declare_gift(
            db,
            declarant=bob,
            offer=hospitality(),
            settings=settings(),
            now=NOW,
            manager_asked=True,
        )
    assert refused.value.field == MANAGER_FIELD
    with pytest.raises(Refused, match="org chart") as refused:
        declare_gift(
            db,
            declarant=bob,
            offer=hospitality(),
            settings=settings(),
            now=NOW,
            manager_asked=True,
            chosen_manager_id=9999,
        )
    assert refused.value.field == MANAGER_FIELD
    with db.session() as session:
        assert session.exec(select(Declaration)).all() == []  # nothing half-written
    assert owed_messages(db) == []

    done = declare_gift(
        db,
        declarant=bob,
        offer=hospitality(),
        settings=settings(),
        now=NOW,
        manager_asked=True,
        chosen_manager_id=org["eve"].id,
    )
    assert done.approvers == [org["eve"].id]


def test_someone_not_in_the_org_chart_is_refused(db: Database, org: dict[str, Staff]) -> None:
    with pytest.raises(Refused, match="org chart"):
        declare_gift(db, declarant=None, offer=hospitality(), settings=settings(), now=NOW)


# -- outside work ----------------------------------------------------------------------------


def test_outside_work_goes_to_the_manager_then_the_head(
    db: Database, org: dict[str, Staff]
) -> None:
    done = request_outside_work(
        db,
        declarant=org["alice"],
        request=outside_work_request(),
        settings=settings(),
        now=NOW,
    )
    assert done.reference.startswith("OW-") and done.approvers == [org["manager"].id]
    assert "Manny Manager (your line manager) to recommend" in done.next_step
    assert "then to Harriet Head" in done.next_step
    assert "permission before you take up the work" in done.explanation
    assert owed_messages(db) == [
        (owed.APPROVAL, to(org["manager"])),
        (OUTSIDE_WORK_RECEIPT, to(org["alice"])),
    ]
    assert audit_actions(db, done.declaration_id)[:2] == ["submitted", "routed"]

    head_step = decide.decide(
        db,
        actor=org["manager"],
        step_id=done.steps[0],
        outcome="supported",
        reason="Fine",
        now=NOW,
    ).opened
    with db.session() as session:
        step = session.get(ApprovalStep, head_step[0])
        assert step is not None and step.approver_id == org["head"].id


def test_a_chain_with_nobody_to_decide_says_so(db: Database) -> None:
    org = seed_org(db, [p for p in ORG if p.key not in ("vetting", "mo")])
    done = request_outside_work(
        db,
        declarant=org["alice"],
        request=outside_work_request(),
        settings=settings(outside_work="vetting_officer:grant"),  # an office with neither
        now=NOW,
    )
    assert done.steps == [] and done.unrouted
    assert "Please tell the monitoring officer" in done.next_step


# -- interests -------------------------------------------------------------------------------


def interest(**changes: object) -> interests.InterestDeclaration:
    form = interests.InterestForm(
        category="financial",
        organisation="Acme Holdings plc",
        description="Shares worth about £5,000",
        started_on=date(2025, 1, 1),
        conflict="None: Acme has no dealings with the office",
    )
    form = interests.InterestForm(**{**form.__dict__, **changes})  # type: ignore[arg-type]
    return interests.validate(form, TODAY, declarant="platform-id-of-the-declarant")


def test_an_interest_goes_to_the_manager_to_note(db: Database, org: dict[str, Staff]) -> None:
    done = declare_interest(
        db,
        declarant=org["alice"],
        declared_interest=interest(),
        colleague_id=None,
        settings=settings(),
        now=NOW,
    )
    assert done.approvers == [org["manager"].id]
    assert "to note" in done.next_step
    assert owed_messages(db) == [
        (owed.APPROVAL, to(org["manager"])),
        (INTEREST_RECEIPT, to(org["alice"])),
    ]
    assert audit_actions(db, done.declaration_id)[:2] == ["submitted", "routed"]


def test_a_named_colleague_does_not_decide_and_naming_yourself_is_refused(
    db: Database, org: dict[str, Staff]
) -> None:
    relationship = interest(
        category="relationship",
        colleague="platform-id-of-the-colleague",
        proposal="I will sit on no panel about them",
    )
    with pytest.raises(Refused, match="name yourself") as refused:
        declare_interest(
            db,
            declarant=org["alice"],
            declared_interest=relationship,
            colleague_id=org["alice"].id,
            settings=settings(),
            now=NOW,
        )
    assert refused.value.field == InterestField.COLLEAGUE
    done = declare_interest(
        db,
        declarant=org["eve"],
        declared_interest=relationship,
        colleague_id=org["manager"].id,  # Eve's own manager: someone else must note it
        settings=settings(),
        now=NOW,
    )
    assert org["manager"].id not in done.approvers
    assert "As you named Manny Manager" in done.next_step


def restricted(db: Database, person: Staff, politically: bool = True) -> Staff:
    """`person` with their post marked politically restricted (or not), as now stored."""
    with db.session() as session:
        found = session.get(Staff, person.id)
        assert found is not None
        found.politically_restricted = politically
        session.add(found)
        session.commit()
        return found


def political_interest(db: Database, declarant: Staff) -> Declared:
    """`declarant` declares their membership of a political party."""
    return declare_interest(
        db,
        declarant=declarant,
        declared_interest=interest(category="political", organisation="A party"),
        colleague_id=None,
        settings=settings(),
        now=NOW,
    )


def test_a_politically_restricted_post_is_warned_first(db: Database, org: dict[str, Staff]) -> None:
    done = political_interest(db, restricted(db, org["alice"]))
    assert set(done.approvers) == {org["manager"].id, org["mo"].id}
    assert owed_messages(db)[0] == (RESTRICTED_POST, to(org["alice"]))
    assert owed_messages(db)[-1] == (INTEREST_RECEIPT, to(org["alice"]))
    assert "politically restricted" in done.explanation


@pytest.mark.parametrize("post_restricted", [False, True])
def test_an_interest_goes_in_with_its_chain_so_its_reference_is_its_one_update(
    db: Database, org: dict[str, Staff], post_restricted: bool
) -> None:
    """Its chain depends on whom routing finds (a restricted post's adds the monitoring
    officer): chosen before the row is inserted, not written after it (issue 10)."""
    alice = restricted(db, org["alice"], politically=post_restricted)
    updates: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().startswith("UPDATE declaration"):
            updates.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        done = political_interest(db, alice)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(updates) == 1 and "SET reference" in updates[0], updates
    with db.session() as session:
        declaration = session.get(Declaration, done.declaration_id)
        assert declaration is not None
        mo_too = "monitoring_officer:" in declaration.chain
        assert mo_too == post_restricted, declaration.chain


# -- notices ---------------------------------------------------------------------------------


def test_a_notice_goes_to_the_head_and_the_vetting_officer(
    db: Database, org: dict[str, Staff]
) -> None:
    details = notices.validate(
        notices.NoticeForm(category="criminal_charge", description="Charged with speeding"),
        TODAY,
    )
    done = give_notice(db, declarant=org["alice"], details=details, settings=settings(), now=NOW)
    assert done.approvers == [org["head"].id, org["vetting"].id]
    assert owed_messages(db) == [
        (owed.APPROVAL, to(org["head"])),
        (owed.APPROVAL, to(org["vetting"])),
        (NOTICE_RECEIPT, to(org["alice"])),
    ]
    assert audit_actions(db, done.declaration_id)[:2] == ["submitted", "routed"]
