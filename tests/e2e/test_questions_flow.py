"""More information end to end: the approver asks, the member of staff replies, the answer
comes back to the approver and the escalation clock starts again."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlmodel import select

from handlers.approvals.ids import decide_action
from storage.db import Database
from storage.models import ApprovalStep, Question, Staff
from tests.e2e.harness import Clock, Nolan, dm_to
from tests.e2e.test_gifts_flow import actions, declarations, declare, has_buttons, hospitality
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call

DAY = timedelta(days=1)
ASK, REPLY = "approval_ask_question", "question_reply"
APPROVE = decide_action("approved")
QUESTION = "Who else from the office is going, and is a contract decision due?"
ANSWER = "Only me. The cleaning contract was awarded in March."


def form_opened(fake: FakeSlack, callback_id: str, count: int = 1) -> dict[str, Any]:
    return fake.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == callback_id, count=count
    ).args["view"]


def ephemeral(fake: FakeSlack, count: int = 1) -> str:
    reply = fake.wait_for("response_url", count=count)
    assert reply.args["response_type"] == "ephemeral"
    return str(reply.args["text"])


def step(db: Database) -> ApprovalStep:
    with db.session() as session:
        return session.exec(select(ApprovalStep)).one()


def ask(nolan: Nolan, fake: FakeSlack, request: Call, user: str = "UMGR") -> Call:
    """Press Ask, send QUESTION; return the question DM the member of staff got."""
    nolan.press(user, request, ASK)
    reply = nolan.submit(user, form_opened(fake, "question_ask"), {"question_input": QUESTION})
    assert reply["response_action"] == "update"
    assert "Alice Able" in json.dumps(reply["view"], ensure_ascii=False)
    return dm_to(fake, "UALICE", lambda c: "has a question" in c.args["text"])


def test_ask_and_reply_round_trip_restarts_the_clock(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    declared_at = clock.now
    declare(nolan, "UALICE", hospitality(clock))
    request = dm_to(fake, "UMGR", has_buttons)
    assert step(db).clock_started_at == declared_at

    clock.now += 2 * DAY
    question_dm = ask(nolan, fake, request)
    text = json.dumps(question_dm.args["blocks"], ensure_ascii=False)
    assert QUESTION in text and "Manny Manager" in text and "GH-00001" in text
    assert "Acme Cleaning Ltd" in text  # the declaration in the person's words
    with db.session() as session:
        [question] = session.exec(select(Question)).all()
    assert (question.asked_by_id, question.question, question.answer) == (
        org["manager"].id,
        QUESTION,
        None,
    )
    assert step(db).clock_started_at == declared_at  # asking alone does not restart it

    clock.now += DAY
    nolan.press("UALICE", question_dm, REPLY)
    reply_form = form_opened(fake, "question_answer")
    assert QUESTION in json.dumps(reply_form["blocks"], ensure_ascii=False)
    assert nolan.submit("UALICE", reply_form, {"answer_input": ANSWER}) == {}

    back = dm_to(fake, "UMGR", lambda c: "answered your question" in c.args["text"])
    text = json.dumps(back.args["blocks"], ensure_ascii=False)
    assert QUESTION in text and ANSWER in text and "GH-00001" in text
    update = fake.wait_for("chat.update")
    assert update.args["channel"] == "DUALICE"
    assert update.args["ts"] == question_dm.response["ts"]
    assert not has_buttons(update) and ANSWER in json.dumps(update.args["blocks"])

    waiting = step(db)
    assert waiting.clock_started_at == clock.now  # the clock restarted at the answer
    assert waiting.reminded_at is None and waiting.status == "pending"
    with db.session() as session:
        [question] = session.exec(select(Question)).all()
    assert (question.answer, question.answered_at) == (ANSWER, clock.now)
    trail = actions(db, declarations(db)[0][0].id)
    assert trail.index("question_asked") < trail.index("question_answered")

    # The decision buttons still work afterwards.
    nolan.press("UMGR", request, APPROVE)
    dm_to(fake, "UALICE", lambda c: "*Approved*" in c.args["text"])
    assert declarations(db)[0][0].status == "approved"


def test_replying_twice_is_told_it_was_already_answered(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    question_dm = ask(nolan, fake, dm_to(fake, "UMGR", has_buttons))
    nolan.press("UALICE", question_dm, REPLY)
    nolan.press("UALICE", question_dm, REPLY)  # two forms open at once
    first, second = form_opened(fake, "question_answer"), form_opened(fake, "question_answer", 2)
    blank = nolan.submit("UALICE", first, {"answer_input": "  "})
    assert blank["errors"] == {"answer": "Please write your answer."}
    assert nolan.submit("UALICE", first, {"answer_input": ANSWER}) == {}
    reply = nolan.submit("UALICE", second, {"answer_input": "Something else"})
    assert "already answered" in reply["errors"]["answer"]
    nolan.press("UALICE", question_dm, REPLY)
    assert "already answered" in ephemeral(fake)
    with db.session() as session:
        assert session.exec(select(Question)).one().answer == ANSWER
    dm_to(fake, "UMGR", lambda c: "answered your question" in c.args["text"])
    fake.assert_no_call(
        "chat.postMessage", lambda c: "Something else" in json.dumps(c.args), settle=0.2
    )
    answers = [c for c in fake.calls("chat.postMessage") if "answered" in c.args["text"]]
    assert len(answers) == 1


def test_only_the_approver_or_the_monitoring_officer_may_ask(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    request = dm_to(fake, "UMGR", has_buttons)
    nolan.press("UEVE", request, ASK)
    assert "Only Manny Manager (or the monitoring officer)" in ephemeral(fake)
    nolan.press("UALICE", request, ASK)
    assert "your own declaration" in ephemeral(fake, 2)
    fake.assert_no_call("views.open", lambda c: c.args["view"]["callback_id"] == "question_ask")
    nolan.press("UMO", request, ASK)
    form_opened(fake, "question_ask")


def test_only_the_member_of_staff_may_reply(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    question_dm = ask(nolan, fake, dm_to(fake, "UMGR", has_buttons))
    nolan.press("UEVE", question_dm, REPLY)
    assert "Only Alice Able can answer" in ephemeral(fake)
    fake.assert_no_call("views.open", lambda c: c.args["view"]["callback_id"] == "question_answer")


def test_a_question_needs_words_and_fits_the_box(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    nolan.press("UMGR", dm_to(fake, "UMGR", has_buttons), ASK)
    form = form_opened(fake, "question_ask")
    assert "question" in nolan.submit("UMGR", form, {"question_input": "   "})["errors"]
    assert "question" in nolan.submit("UMGR", form, {"question_input": "x" * 1001})["errors"]
    with db.session() as session:
        assert session.exec(select(Question)).all() == []
    fake.assert_no_call(
        "chat.postMessage", lambda c: c.args["channel"] == "UALICE" and has_buttons(c)
    )


def test_no_questions_once_it_is_decided(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    request = dm_to(fake, "UMGR", has_buttons)
    nolan.press("UMGR", request, ASK)
    form = form_opened(fake, "question_ask")  # opened while it was waiting…
    question_dm = ask(nolan, fake, request)
    nolan.press("UMGR", request, APPROVE)  # …then decided
    fake.wait_for("chat.update")

    nolan.press("UMGR", request, ASK)
    assert "no longer waiting" in ephemeral(fake)
    reply = nolan.submit("UMGR", form, {"question_input": "One more thing"})
    assert "no longer waiting" in reply["errors"]["question"]
    nolan.press("UALICE", question_dm, REPLY)
    assert "no longer waiting" in ephemeral(fake, 2)
    with db.session() as session:
        assert len(session.exec(select(Question)).all()) == 1
