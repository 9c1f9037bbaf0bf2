"""Two people acting on one declaration at the same moment, on PostgreSQL: two approvers of
one stage, an approver and the member of staff withdrawing it, or an approver and the sweep
escalating their step. At READ COMMITTED each would read the other's change as not yet made;
the declaration's lock (storage.declarations.lock) makes them take turns, driven as
tests/usecases/races.py says. SQLite has one writer at a time and shows no wait to watch for:
there the second's wait happens inside SQLite (tests/e2e/test_notices_flow.py covers what it
can see).
"""

from __future__ import annotations

import pytest

from bot.rules import notices
from bot.rules.refusal import Refused
from bot.rules.status import StepStatus
from bot.usecases import decide
from bot.usecases.escalate import Escalated, NobodyAbove, escalate
from bot.usecases.gifts import declare_gift
from bot.usecases.notices import give_notice
from bot.usecases.outside_work import request_outside_work
from bot.usecases.withdraw import Withdrawn, withdraw
from storage import staff
from storage.db import Database
from storage.models import Staff
from tests.usecases.races import (
    at_once,
    deciding,
    postgres_org,
    status_of,
    step_of,
    steps_of,
)
from tests.usecases.world import NOW, TODAY, hospitality, outside_work_request, settings


@pytest.fixture
def org(db: Database) -> dict[str, Staff]:
    return postgres_org(db)


def two_approvers(db: Database, org: dict[str, Staff]) -> tuple[int, dict[str, int]]:
    """A gift the manager and the monitoring officer both authorise, at the same stage: the
    declaration, and each one's step."""
    both = settings(gift="line_manager:authorise+monitoring_officer:authorise")
    done = declare_gift(
        db, declarant=org["alice"], offer=hospitality(), settings=both, now=NOW
    )
    steps = step_of(db, done.declaration_id)
    return done.declaration_id, {key: steps[org[key].id or 0] for key in ("manager", "mo")}


def test_two_approvers_of_one_stage_approving_at_once_approve_it(
    patient_db: Database, org: dict[str, Staff]
) -> None:
    db = patient_db
    declaration_id, steps = two_approvers(db, org)
    first, second = at_once(
        db,
        deciding(db, org["manager"], steps["manager"], "approved"),
        deciding(db, org["mo"], steps["mo"], "approved"),
    )
    assert isinstance(first, decide.Outcome) and first.status == "pending", first
    assert isinstance(second, decide.Outcome) and second.status == "approved", second
    assert status_of(db, declaration_id) == "approved"
    assert set(steps_of(db, declaration_id).values()) == {StepStatus.APPROVED}


@pytest.mark.parametrize("decline_first", [False, True])
def test_an_approval_and_a_decline_at_once_end_declined_whichever_goes_first(
    patient_db: Database, org: dict[str, Staff], decline_first: bool
) -> None:
    """The decline ends the declaration. Approved first, the approval stands (it is in the
    trail as decided: not overwritten as closed); declined first, the manager's step closes
    with it and the approval is refused."""
    db = patient_db
    declaration_id, steps = two_approvers(db, org)
    approve = deciding(db, org["manager"], steps["manager"], "approved")
    decline = deciding(db, org["mo"], steps["mo"], "declined", "Too lavish for a contractor")
    if decline_first:
        declined, approved = at_once(db, decline, approve)
    else:
        approved, declined = at_once(db, approve, decline)
    assert isinstance(declined, decide.Outcome) and declined.status == "declined", declined
    assert status_of(db, declaration_id) == "declined"
    managers = StepStatus.CLOSED if decline_first else StepStatus.APPROVED
    assert steps_of(db, declaration_id) == {
        org["manager"].id: managers,
        org["mo"].id: StepStatus.DECLINED,
    }
    if decline_first:
        assert declined.closed == [steps["manager"]]
        assert isinstance(approved, Refused) and "no longer waiting" in str(approved), approved
    else:
        assert declined.closed == []  # nothing else was waiting
        assert isinstance(approved, decide.Outcome) and approved.status == "pending", approved


def test_both_officers_acknowledging_a_notice_at_once_end_it(
    patient_db: Database, org: dict[str, Staff]
) -> None:
    db = patient_db
    details = notices.validate(
        notices.NoticeForm(category="vetting", description="I have moved house"), TODAY
    )
    notice = give_notice(
        db, declarant=org["alice"], details=details, settings=settings(), now=NOW
    )
    steps = step_of(db, notice.declaration_id)
    first, second = at_once(
        db,
        deciding(db, org["head"], steps[org["head"].id or 0], "acknowledged"),
        deciding(db, org["vetting"], steps[org["vetting"].id or 0], "acknowledged"),
    )
    assert isinstance(first, decide.Outcome) and isinstance(second, decide.Outcome)
    assert status_of(db, notice.declaration_id) == "acknowledged"
    assert set(steps_of(db, notice.declaration_id).values()) == {StepStatus.ACKNOWLEDGED}


@pytest.mark.parametrize("withdrawn_first", [False, True])
def test_a_withdrawal_and_a_decision_at_once_leave_nothing_waiting_on_a_withdrawn_one(
    patient_db: Database, org: dict[str, Staff], withdrawn_first: bool
) -> None:
    """The manager supports a request for outside work — opening the head of office's stage —
    as Alice withdraws it. Whichever goes first wins cleanly: withdrawn, with no step left
    waiting (the head's too, if it opened first); or decided, the withdrawal refused."""
    db = patient_db
    done = request_outside_work(
        db,
        declarant=org["alice"],
        request=outside_work_request(),
        settings=settings(outside_work="line_manager:recommend,head_of_office:grant"),
        now=NOW,
    )
    [step_id] = done.steps
    support = deciding(db, org["manager"], step_id, "supported")

    def withdrawing() -> Withdrawn:
        return withdraw(db, actor_id=org["alice"].id or 0, declaration_id=done.declaration_id)

    if withdrawn_first:
        withdrew, decided = at_once(db, withdrawing, support)
    else:
        decided, withdrew = at_once(db, support, withdrawing)
    assert status_of(db, done.declaration_id) == "withdrawn"
    assert isinstance(withdrew, Withdrawn), withdrew
    steps = steps_of(db, done.declaration_id)
    assert StepStatus.PENDING not in steps.values(), steps
    if withdrawn_first:
        assert isinstance(decided, Refused) and "no longer waiting" in str(decided), decided
        assert steps == {org["manager"].id: StepStatus.WITHDRAWN}
    else:
        assert isinstance(decided, decide.Outcome) and decided.opened, decided
        assert steps == {
            org["manager"].id: StepStatus.SUPPORTED,
            org["head"].id: StepStatus.WITHDRAWN,
        }
        assert withdrew.steps == decided.opened  # the head's card loses its buttons


def test_an_approval_as_the_step_is_escalated_away_is_refused(
    patient_db: Database, org: dict[str, Staff]
) -> None:
    """The sweep escalates the manager's step to the head of office as the manager approves
    it: once the escalation has committed the manager no longer holds the step, so the
    approval is refused rather than recorded on a step that is now the head's."""
    db = patient_db
    done = declare_gift(
        db, declarant=org["alice"], offer=hospitality(), settings=settings(), now=NOW
    )
    [step_id] = done.steps

    def escalating() -> Escalated | NobodyAbove | None:
        with db.session() as session:
            return escalate(
                session, step_id=step_id, approver_id=org["manager"].id or 0, waited=10,
                waiting_since=TODAY, org=staff.org_view(session, on=TODAY), now=NOW,
            )

    escalated, approved = at_once(
        db, escalating, deciding(db, org["manager"], step_id, "approved")
    )
    assert isinstance(escalated, Escalated) and escalated.moved.to_id == org["head"].id
    assert isinstance(approved, Refused) and "Harriet Head" in str(approved), approved
    assert status_of(db, done.declaration_id) == "pending"
    assert steps_of(db, done.declaration_id) == {org["head"].id: StepStatus.PENDING}
