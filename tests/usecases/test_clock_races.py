"""An approver deciding a step on PostgreSQL at the moment something else writes its clock:
the member of staff answering the approver's question (which restarts the clock), or the
sweep taking the step's reminder for a digest. Both hold the declaration first, as the
decision does, and are driven as tests/usecases/races.py says.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlmodel import select

from bot.rules.refusal import Refused
from bot.rules.status import StepStatus
from bot.usecases import decide, questions
from storage import waiting
from storage.db import Database
from storage.models import ApprovalStep, Question, Staff
from tests.usecases.races import a_gift, at_once, deciding, postgres_org, status_of
from tests.usecases.world import NOW


@pytest.fixture
def org(db: Database) -> dict[str, Staff]:
    return postgres_org(db)


def the_clock(db: Database, step_id: int) -> tuple[str, datetime, datetime | None]:
    """The step's status, when its clock started, and when its reminder was taken."""
    with db.session() as session:
        step = session.get(ApprovalStep, step_id)
        assert step is not None
        return step.status, step.clock_started_at, step.reminded_at


def the_answer(db: Database, question_id: int) -> tuple[str | None, datetime | None]:
    """The question's answer, and when it was given."""
    with db.session() as session:
        question = session.get(Question, question_id)
        assert question is not None
        return question.answer, question.answered_at


# -- a question answered ---------------------------------------------------------------------


LATER = NOW.replace(hour=NOW.hour + 2)


def answering(
    db: Database, org: dict[str, Staff], step_id: int
) -> tuple[int, Callable[[], questions.Answered]]:
    """The manager has asked Alice a question about the step: it, and her answer two hours
    on."""
    with db.session() as session:
        asked = questions.ask(
            session, asker=org["manager"], step_id=step_id, text="Who else is going?", now=NOW
        )

    def run() -> questions.Answered:
        with db.session() as session:
            return questions.answer(
                session, declarant=org["alice"], question_id=asked.question_id,
                text="Only me.", now=LATER,
            )

    return asked.question_id, run


@pytest.mark.parametrize("answered_first", [True, False])
def test_an_answer_as_the_step_is_decided_restarts_the_clock_or_is_refused(
    patient_db: Database, org: dict[str, Staff], answered_first: bool
) -> None:
    """Answered first, the answer is recorded and the clock restarted, and the approval that
    follows reads the step so and stands. Approved first, the answer is refused — nothing is
    waiting for it — and nothing of it is recorded: no answer kept, owed to an approver who
    has decided, on a step whose clock no longer runs."""
    db = patient_db
    declaration_id, step_id = a_gift(db, org)
    question_id, answer = answering(db, org, step_id)
    approve = deciding(db, org["manager"], step_id, "approved")
    if answered_first:
        answered, approved = at_once(db, answer, approve)
        assert isinstance(answered, questions.Answered), answered
        assert answered.clock_restarted
        assert the_answer(db, question_id) == ("Only me.", LATER)
        assert the_clock(db, step_id)[:2] == (StepStatus.APPROVED, LATER)
    else:
        approved, answered = at_once(db, approve, answer)
        assert isinstance(answered, Refused), answered
        assert "no longer waiting" in str(answered), answered
        assert the_answer(db, question_id) == (None, None)
        assert the_clock(db, step_id)[:2] == (StepStatus.APPROVED, NOW)
    assert isinstance(approved, decide.Outcome) and approved.status == "approved", approved
    assert status_of(db, declaration_id) == "approved"


def asking(db: Database, org: dict[str, Staff], step_id: int) -> Callable[[], questions.Asked]:
    """The monitoring officer asks Alice a question about the step."""

    def run() -> questions.Asked:
        with db.session() as session:
            return questions.ask(
                session, asker=org["mo"], step_id=step_id, text="Who else is going?", now=NOW
            )

    return run


@pytest.mark.parametrize("asked_first", [True, False])
def test_a_question_as_the_step_is_decided_is_asked_or_refused(
    patient_db: Database, org: dict[str, Staff], asked_first: bool
) -> None:
    """The monitoring officer asks as the manager approves. Asked first, the question stands
    and so does the approval; approved first, the question is refused — there is nothing to
    ask — rather than put to Alice about a declaration already decided."""
    db = patient_db
    declaration_id, step_id = a_gift(db, org)
    ask = asking(db, org, step_id)
    approve = deciding(db, org["manager"], step_id, "approved")
    if asked_first:
        asked, approved = at_once(db, ask, approve)
        assert isinstance(asked, questions.Asked), asked
        assert the_answer(db, asked.question_id) == (None, None)
    else:
        approved, asked = at_once(db, approve, ask)
        assert isinstance(asked, Refused) and "nothing to ask" in str(asked), asked
        with db.session() as session:
            assert session.exec(select(Question)).all() == []
    assert isinstance(approved, decide.Outcome) and approved.status == "approved", approved
    assert status_of(db, declaration_id) == "approved"


# -- the sweep taking a reminder -------------------------------------------------------------


def claiming(org: dict[str, Staff], db: Database, step_id: int) -> Callable[[], list[int]]:
    """The sweep takes the step's one reminder for the manager's digest, two hours on."""

    def run() -> list[int]:
        with db.session() as session:
            taken = waiting.claim_reminders(
                session, step_ids=[step_id], approver_id=org["manager"].id or 0, at=LATER
            )
            session.commit()
            return taken

    return run


@pytest.mark.parametrize("claimed_first", [True, False])
def test_a_reminder_taken_as_the_step_is_decided_goes_with_it_or_is_not_taken(
    patient_db: Database, org: dict[str, Staff], claimed_first: bool
) -> None:
    """Taken first, the approval that follows reads the step so and stands; approved first,
    the reminder is not taken (no digest chases a step already decided). The claim's
    conditional UPDATE alone gives these outcomes (they hold with its lock taken out): the
    lock keeps the order of waits the same as a decision's, which this pins as no deadlock."""
    db = patient_db
    declaration_id, step_id = a_gift(db, org)
    claim = claiming(org, db, step_id)
    approve = deciding(db, org["manager"], step_id, "approved")
    if claimed_first:
        taken, approved = at_once(db, claim, approve)
        assert taken == [step_id]
        assert the_clock(db, step_id) == (StepStatus.APPROVED, NOW, LATER)
    else:
        approved, taken = at_once(db, approve, claim)
        assert taken == []
        assert the_clock(db, step_id) == (StepStatus.APPROVED, NOW, None)
    assert isinstance(approved, decide.Outcome) and approved.status == "approved", approved
    assert status_of(db, declaration_id) == "approved"
