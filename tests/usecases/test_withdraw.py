"""Withdrawing, with no platform at all: the declaration and its waiting steps withdrawn
once, the approvers' cards redrawn and the approvers told (owed in the outbox), and the
refusals."""

from __future__ import annotations

import pytest

from bot.rules import notices
from bot.rules.refusal import Refused
from bot.usecases import decide, owed
from bot.usecases.gifts import declare_gift
from bot.usecases.notices import give_notice
from bot.usecases.withdraw import WITHDRAWN, withdraw
from storage.db import Database
from storage.models import ApprovalStep, Declaration, Staff
from tests.e2e.harness import seed_org
from tests.usecases.world import (
    NOW,
    TODAY,
    audit_actions,
    hospitality,
    last_owed_id,
    settings,
    to,
)
from tests.usecases.world import (
    owed as owed_messages,
)


@pytest.fixture
def org(db: Database) -> dict[str, Staff]:
    return seed_org(db)


def declared_hospitality(db: Database, org: dict[str, Staff]) -> tuple[int, int]:
    done = declare_gift(
        db, declarant=org["alice"], offer=hospitality(), settings=settings(), now=NOW
    )
    return done.declaration_id, done.steps[0]


def test_withdrawing_closes_the_waiting_steps_and_tells_the_approver(
    db: Database, org: dict[str, Staff]
) -> None:
    declaration_id, step_id = declared_hospitality(db, org)
    before = last_owed_id(db)

    done = withdraw(db, actor_id=org["alice"].id or 0, declaration_id=declaration_id)

    assert (done.reference, done.steps, done.approvers) == (
        "GH-00001",
        [step_id],
        [org["manager"].id],
    )
    assert done.text.startswith("Withdrawn: ") and "Manny Manager has been told" in done.text
    with db.session() as session:
        declaration = session.get(Declaration, declaration_id)
        step = session.get(ApprovalStep, step_id)
        assert declaration is not None and declaration.status == "withdrawn"
        assert step is not None and step.status == "withdrawn"
    assert owed_messages(db, after=before) == [
        (owed.UPDATE, to(org["manager"])),  # the card loses its buttons, once it has gone
        (WITHDRAWN, to(org["manager"])),
    ]
    assert "withdrawn" in audit_actions(db, declaration_id)

    # Withdrawn is final: nothing else is recorded, and a decision now is refused.
    with pytest.raises(Refused, match="no longer waiting"):
        withdraw(db, actor_id=org["alice"].id or 0, declaration_id=declaration_id)
    with pytest.raises(Refused, match="no longer waiting"):
        decide.decide(
            db,
            actor=org["manager"],
            step_id=step_id,
            outcome="approved",
            reason=None,
            now=NOW,
        )
    assert audit_actions(db, declaration_id).count("withdrawn") == 1


def test_only_the_declarant_may_withdraw(db: Database, org: dict[str, Staff]) -> None:
    declaration_id, _step = declared_hospitality(db, org)
    before = last_owed_id(db)
    with pytest.raises(Refused, match="Only the person who made a declaration"):
        withdraw(db, actor_id=org["manager"].id or 0, declaration_id=declaration_id)
    with pytest.raises(Refused, match="doesn't know"):
        withdraw(db, actor_id=org["alice"].id or 0, declaration_id=999)
    with db.session() as session:
        declaration = session.get(Declaration, declaration_id)
        assert declaration is not None and declaration.status == "pending"
    assert owed_messages(db, after=before) == []


def test_a_decided_declaration_or_a_notice_cannot_be_withdrawn(
    db: Database, org: dict[str, Staff]
) -> None:
    declaration_id, step_id = declared_hospitality(db, org)
    decide.decide(
        db,
        actor=org["manager"],
        step_id=step_id,
        outcome="approved",
        reason=None,
        now=NOW,
    )
    with pytest.raises(Refused, match=r"no longer waiting for a decision \(approved\)"):
        withdraw(db, actor_id=org["alice"].id or 0, declaration_id=declaration_id)

    details = notices.validate(
        notices.NoticeForm(category="vetting", description="I have moved house"), TODAY
    )
    notice = give_notice(db, declarant=org["alice"], details=details, settings=settings(), now=NOW)
    with pytest.raises(Refused, match="notification can't be withdrawn"):
        withdraw(db, actor_id=org["alice"].id or 0, declaration_id=notice.declaration_id)
