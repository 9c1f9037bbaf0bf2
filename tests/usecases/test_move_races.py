"""An approver deciding a step on PostgreSQL at the moment it moves to someone else: an
admin's reassignment, an org chart import giving the declarant a new line manager, a
delegation handing it to a deputy, or a delegation ending and handing it back. Every move is
conditional on the step still waiting for the approver it was read with, so a decision
committed first stays where it is; the declaration's lock (storage.declarations.lock), taken
by the move as by the decision, makes a decision that comes second read the move, and be
refused to someone who no longer holds the step (without it, the decision's own conditional
update waits for the move's and then records it on a step that is now someone else's).
Driven as tests/usecases/races.py says.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from bot.rules.refusal import Refused
from bot.rules.status import StepStatus
from bot.usecases import decide, delegate
from bot.usecases.reassign import Followed, Reassigned, follow_new_managers, reassign
from storage.db import Database
from storage.models import ApprovalStep, Staff
from storage.org_import import ManagerChange
from tests.usecases.races import a_gift, at_once, deciding, postgres_org, status_of
from tests.usecases.world import NOW, TODAY

UNTIL = date(2026, 12, 1)


@pytest.fixture
def org(db: Database) -> dict[str, Staff]:
    return postgres_org(db)


def the_step(db: Database, step_id: int) -> tuple[int, int | None, str, int | None]:
    """Who holds the step (and for whom), its status, and who decided it."""
    with db.session() as session:
        step = session.get(ApprovalStep, step_id)
        assert step is not None
        return step.approver_id, step.delegated_from_id, step.status, step.decided_by_id


def _id(person: Staff) -> int:
    assert person.id is not None
    return person.id


# -- an admin's reassignment, and the org chart's --------------------------------------------------


def reassigning(db: Database, org: dict[str, Staff], to: Staff) -> Callable[[], Reassigned]:
    """Bob, an admin, moves Alice's gift to `to`."""
    with db.session() as session:
        admin = session.get(Staff, _id(org["bob"]))
        assert admin is not None
        admin.roles = "admin"
        session.commit()
        session.refresh(admin)

    def run() -> Reassigned:
        with db.session() as session:
            return reassign(
                session, admin=admin, reference="GH-00001", to_id=_id(to), from_id=None,
                reason="Manny is on leave", now=NOW,
            )

    return run


@pytest.mark.parametrize("reassigned_first", [True, False])
def test_an_approval_as_the_step_is_reassigned_is_refused_or_stays(
    patient_db: Database, org: dict[str, Staff], reassigned_first: bool
) -> None:
    """Reassigned first, the step is Eve's: the manager's approval is refused, naming her,
    and nothing is decided. Approved first, the reassignment is refused (nothing waits) and
    the approval stands on the manager's step."""
    db = patient_db
    declaration_id, step_id = a_gift(db, org)
    move = reassigning(db, org, org["eve"])
    approve = deciding(db, org["manager"], step_id, "approved")
    if reassigned_first:
        moved, approved = at_once(db, move, approve)
        assert isinstance(moved, Reassigned) and moved.moved.to_id == org["eve"].id, moved
        assert isinstance(approved, Refused) and "Eve Other" in str(approved), approved
        assert status_of(db, declaration_id) == "pending"
        assert the_step(db, step_id) == (org["eve"].id, None, StepStatus.PENDING, None)
    else:
        approved, moved = at_once(db, approve, move)
        assert isinstance(approved, decide.Outcome) and approved.status == "approved"
        assert isinstance(moved, Refused) and "not waiting for anyone" in str(moved), moved
        assert status_of(db, declaration_id) == "approved"
        manager = org["manager"].id
        assert the_step(db, step_id) == (manager, None, StepStatus.APPROVED, manager)


def following(db: Database, org: dict[str, Staff]) -> Callable[[], Followed]:
    """An org chart import gives Alice Eve for a line manager: her waiting step follows."""
    with db.session() as session:
        alice = session.get(Staff, _id(org["alice"]))
        assert alice is not None
        alice.line_manager_id = org["eve"].id
        session.commit()
    change = ManagerChange(_id(org["alice"]), _id(org["manager"]), _id(org["eve"]))

    def run() -> Followed:
        with db.session() as session:
            return follow_new_managers(session, [change], now=NOW)

    return run


@pytest.mark.parametrize("followed_first", [True, False])
def test_an_approval_as_the_step_follows_a_new_line_manager_is_refused_or_stays(
    patient_db: Database, org: dict[str, Staff], followed_first: bool
) -> None:
    """Followed first, the step is Eve's and the old manager's approval is refused; approved
    first, nothing moves and the approval stands."""
    db = patient_db
    declaration_id, step_id = a_gift(db, org)
    move = following(db, org)
    approve = deciding(db, org["manager"], step_id, "approved")
    if followed_first:
        followed, approved = at_once(db, move, approve)
        assert isinstance(followed, Followed), followed
        assert [m.step_id for m in followed.moves] == [step_id]
        assert isinstance(approved, Refused) and "Eve Other" in str(approved), approved
        assert status_of(db, declaration_id) == "pending"
        assert the_step(db, step_id) == (org["eve"].id, None, StepStatus.PENDING, None)
    else:
        approved, followed = at_once(db, approve, move)
        assert isinstance(approved, decide.Outcome) and approved.status == "approved"
        assert isinstance(followed, Followed) and followed.moves == [], followed
        assert status_of(db, declaration_id) == "approved"
        manager = org["manager"].id
        assert the_step(db, step_id) == (manager, None, StepStatus.APPROVED, manager)


# -- a delegation handing steps over, and back -----------------------------------------------


def delegating(db: Database, org: dict[str, Staff], deputy: Staff) -> Callable[[], object]:
    """The manager hands their approvals to `deputy` from today: what waits moves."""

    def run() -> delegate.Created:
        with db.session() as session:
            return delegate.delegate(
                session, delegator=org["manager"], deputy_id=_id(deputy), deputy_chosen=True,
                starts_on=None, ends_on=UNTIL, today=TODAY, now=NOW, confirm=False,
            )

    return run


def ending(db: Database, org: dict[str, Staff]) -> Callable[[], list[delegate.Ended]]:
    """The manager ends their delegation: what the deputy holds comes back."""

    def run() -> list[delegate.Ended]:
        with db.session() as session:
            return delegate.end_delegations(session, delegator=org["manager"], now=NOW)

    return run


def moved_steps(result: object) -> list[int]:
    if isinstance(result, delegate.Created):
        return [m.step_id for m in result.started.moves]
    assert isinstance(result, list), result
    return [m.step_id for ended in result for m in ended.moves]


@pytest.mark.parametrize("moved_first", [True, False])
def test_a_deputys_approval_as_the_step_moves_to_a_new_deputy_is_refused_or_stays(
    patient_db: Database, org: dict[str, Staff], moved_first: bool
) -> None:
    """Eve holds the manager's step as their deputy; the manager delegates to Bob instead as
    Eve approves. Handed over first, the step is Bob's and Eve's approval is refused; approved
    first, the step stays Eve's, approved, and nothing moves."""
    db = patient_db
    declaration_id, step_id = a_gift(db, org)
    assert moved_steps(delegating(db, org, org["eve"])()) == [step_id]
    move = delegating(db, org, org["bob"])
    approve = deciding(db, org["eve"], step_id, "approved")
    manager = org["manager"].id
    if moved_first:
        moved, approved = at_once(db, move, approve)
        assert moved_steps(moved) == [step_id]
        assert isinstance(approved, Refused), approved
        assert status_of(db, declaration_id) == "pending"
        assert the_step(db, step_id) == (org["bob"].id, manager, StepStatus.PENDING, None)
    else:
        approved, moved = at_once(db, approve, move)
        assert isinstance(approved, decide.Outcome) and approved.status == "approved"
        assert moved_steps(moved) == []
        assert status_of(db, declaration_id) == "approved"
        eve = org["eve"].id
        assert the_step(db, step_id) == (eve, manager, StepStatus.APPROVED, eve)


@pytest.mark.parametrize("handed_back_first", [True, False])
def test_a_deputys_approval_as_the_delegation_ends_is_refused_or_stays(
    patient_db: Database, org: dict[str, Staff], handed_back_first: bool
) -> None:
    """Eve holds the manager's step as their deputy; the manager ends the delegation as Eve
    approves. Handed back first, the step is the manager's again and Eve's approval is
    refused; approved first, the step stays Eve's, approved, and nothing comes back."""
    db = patient_db
    declaration_id, step_id = a_gift(db, org)
    assert moved_steps(delegating(db, org, org["eve"])()) == [step_id]
    back = ending(db, org)
    approve = deciding(db, org["eve"], step_id, "approved")
    manager = org["manager"].id
    if handed_back_first:
        ended, approved = at_once(db, back, approve)
        assert moved_steps(ended) == [step_id]
        assert isinstance(approved, Refused) and "Manny Manager" in str(approved), approved
        assert status_of(db, declaration_id) == "pending"
        assert the_step(db, step_id) == (manager, None, StepStatus.PENDING, None)
    else:
        approved, ended = at_once(db, approve, back)
        assert isinstance(approved, decide.Outcome) and approved.status == "approved"
        assert moved_steps(ended) == []
        assert status_of(db, declaration_id) == "approved"
        eve = org["eve"].id
        assert the_step(db, step_id) == (eve, manager, StepStatus.APPROVED, eve)
