"""Questions on Teams end to end: the approver asks from the card ("Ask a question…" opens
a dialog), the member of staff replies from theirs ("Reply…"), their question is redrawn in
place with the answer and the approver gets it; who may ask or answer, and a missing text."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from storage.db import Database
from storage.models import Question, Staff
from tests.e2e.teams.approving import (
    ALICE,
    BOB,
    MANNY,
    about_approvals,
    actions,
    add_manny,
    card_to,
    declare,
    text_of,
)
from tests.e2e.teams.harness import Person, TeamsNolan, cards_of
from tests.faketeams import FakeTeams
from tests.faketeams.server import Call
from tests.schemas import card_problems


@pytest.fixture
def manny(fake: FakeTeams, db: Database, org: dict[str, Staff]) -> Staff:
    return add_manny(fake, db, org)


def open_dialog(nolan: TeamsNolan, person: Person, sent: Call, title: str) -> Any:
    """`person` presses the dialog button `title` on the card `sent`: task/fetch."""
    nolan.settle()
    [card] = cards_of(sent)
    button = next(a for a in actions(card) if a.get("title") == title)
    assert button["type"] == "Action.Submit" and button["data"]["msteams"]["type"] == "task/fetch"
    value = {"data": button["data"], "context": {"theme": "default"}}
    status, reply = nolan.post(
        nolan.activity(
            person, "invoke", name="task/fetch", value=value, reply_to_id=sent.response["id"]
        )
    )
    assert status == 200
    return reply


def form_of(reply: Any) -> dict[str, Any]:
    assert reply["task"]["type"] == "continue", reply
    form = reply["task"]["value"]["card"]["content"]
    assert not card_problems(form), card_problems(form)
    return form


def submit(nolan: TeamsNolan, person: Person, form: dict[str, Any], text: str) -> Any:
    """The dialog's one text field filled in with `text` and submitted."""
    action = next(a for a in form["actions"] if a["type"] == "Action.Submit")
    field = next(b for b in form["body"] if b["type"] == "Input.Text")
    data = {**action["data"], field["id"]: text}
    return nolan.post(nolan.activity(person, "invoke", name="task/submit", value={"data": data}))[1]


def error_after_field(reply: Any) -> str:
    body = form_of(reply)["body"]
    at = next(i for i, b in enumerate(body) if b.get("type") == "Input.Text")
    assert body[at + 1].get("color") == "Attention"
    return str(body[at + 1]["text"])


def test_the_approver_asks_the_declarant_replies_and_the_answer_comes_back(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], manny: Staff
) -> None:
    declare(nolan, org)
    card = card_to(fake, MANNY)
    ask = form_of(open_dialog(nolan, MANNY, card, "Ask a question…"))
    assert "What would you like to ask Alice Able?" in text_of(ask)
    assert "Please write your question" in error_after_field(submit(nolan, MANNY, ask, "  "))
    sent = submit(nolan, MANNY, ask, "Who else from the office was invited?")
    assert sent["task"]["type"] == "message" and "Alice Able" in sent["task"]["value"]

    question = card_to(fake, ALICE)
    assert "Who else from the office was invited?" in text_of(cards_of(question)[0])
    reply = form_of(open_dialog(nolan, ALICE, question, "Reply…"))
    assert "Please write your answer" in error_after_field(submit(nolan, ALICE, reply, ""))
    done = submit(nolan, ALICE, reply, "Only the director and me.")
    assert done["task"]["type"] == "message"

    answered = fake.wait_for("update", lambda c: c.activity_id == question.response["id"])
    shown = text_of(cards_of(answered)[0])
    assert "Only the director and me." in shown and "Action." not in shown
    answer = card_to(fake, MANNY, count=2)
    assert "Only the director and me." in text_of(cards_of(answer)[0])
    with db.session() as session:
        [row] = session.exec(select(Question)).all()
        assert (row.answer, row.asked_by_id) == ("Only the director and me.", manny.id)
    # Once is enough: a second reply is told so.
    again = open_dialog(nolan, ALICE, question, "Reply…")
    assert again["task"] == {"type": "message", "value": "You already answered this question."}


def test_only_someone_who_may_decide_can_ask(
    nolan: TeamsNolan, fake: FakeTeams, org: dict[str, Staff], manny: Staff
) -> None:
    declare(nolan, org)
    card = card_to(fake, MANNY)
    said = open_dialog(nolan, BOB, card, "Ask a question…")
    assert said["task"]["type"] == "message"
    assert "Only Manny Manager (or the monitoring officer) can ask" in said["task"]["value"]
    said = open_dialog(nolan, ALICE, card, "Ask a question…")
    assert "your own declaration" in said["task"]["value"]
    nolan.settle()
    assert about_approvals(fake, ALICE) == []  # no question reached her
