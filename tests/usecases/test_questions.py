"""Asking the member of staff and answering (bot.usecases.questions), with no platform."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.rules.refusal import Refused
from bot.usecases import questions
from storage.models import Question
from tests.usecases.office import NOW, Office, to

LATER = NOW + timedelta(days=2)


def ask(office: Office, who: str, step_id: int, text: str = "Who else is going?") -> int:
    with office.db.session() as session:
        return questions.ask(
            session, asker=office.staff(who), step_id=step_id, text=text, now=NOW
        ).question_id


def answer(office: Office, who: str, question_id: int, text: str = "Only me.") -> None:
    with office.db.session() as session:
        questions.answer(
            session, declarant=office.staff(who), question_id=question_id, text=text, now=LATER
        )


def test_the_approver_asks_and_the_question_is_owed_to_the_member_of_staff(
    office: Office,
) -> None:
    step = office.declare("alice")
    assert step.id is not None
    question_id = ask(office, "manager", step.id)
    with office.db.session() as session:
        question = session.get(Question, question_id)
        assert question is not None
        assert (question.asked_by_id, question.answer) == (office.id("manager"), None)
    assert office.owed() == [
        ("question", to(office, "alice"), {"card": "question", "question_id": question_id})
    ]
    [asked] = office.audit("question_asked")
    assert (asked["actor_id"], asked["question_id"]) == (office.id("manager"), question_id)
    assert office.step(step.id).clock_started_at == step.clock_started_at  # not restarted


@pytest.mark.parametrize(
    ("who", "says"),
    [
        ("eve", "Only Manny Manager (or the monitoring officer) can ask"),
        ("alice", "You can't ask questions about your own declaration."),
    ],
)
def test_only_whoever_may_decide_it_asks(office: Office, who: str, says: str) -> None:
    step = office.declare("alice")
    assert step.id is not None
    with pytest.raises(Refused) as refused:
        ask(office, who, step.id)
    assert refused.value.text.startswith(says) and refused.value.field == "question"
    assert office.owed() == [] and office.audit("question_asked") == []
    ask(office, "mo", step.id)  # the monitoring officer may


def test_a_question_needs_words_that_fit(office: Office) -> None:
    step = office.declare("alice")
    assert step.id is not None
    for text in ("   ", "x" * (questions.QUESTION_MAX + 1)):
        with pytest.raises(Refused) as refused:
            ask(office, "manager", step.id, text)
        assert refused.value.field == "question"
    with office.db.session() as session:
        assert session.exec(select(Question)).all() == []


def test_the_answer_restarts_the_clock_and_is_owed_to_the_approver_once(office: Office) -> None:
    step = office.declare("alice")
    assert step.id is not None
    question_id = ask(office, "manager", step.id)
    answer(office, "alice", question_id)

    waiting = office.step(step.id)
    assert waiting.clock_started_at is not None
    assert waiting.clock_started_at.replace(tzinfo=None) == LATER.replace(tzinfo=None)
    owed = office.owed()
    assert [(card, recipient) for card, recipient, _ in owed] == [
        ("question", to(office, "alice")),
        ("question_answered", to(office, "alice")),
        ("question_answer", to(office, "manager")),
    ]
    [answered] = office.audit("question_answered")
    assert answered["clock_restarted"] is True

    with pytest.raises(Refused) as again:
        answer(office, "alice", question_id, "Something else")
    assert again.value.text == questions.ALREADY_ANSWERED
    assert len(office.owed()) == 3


def test_only_the_member_of_staff_answers(office: Office) -> None:
    step = office.declare("alice")
    assert step.id is not None
    question_id = ask(office, "manager", step.id)
    with pytest.raises(Refused) as refused:
        answer(office, "eve", question_id)
    assert refused.value.text == "Only Alice Able can answer this question."
    assert refused.value.field == "answer"
    assert len(office.owed()) == 1
