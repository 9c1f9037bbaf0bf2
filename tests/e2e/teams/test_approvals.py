"""Approvals on Teams end to end: the approver's card in their 1:1 chat (the same facts as
the Slack card), one-press decisions by Action.Execute replacing the card in place, decisions
that need words through a dialog, the refusals, double and concurrent presses, and delivery
that loses nothing (429, 403 until installed, a restart between submission and decision)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from bot.teams.adaptive import md_escape
from bot.ui.approval import approval_card
from bot.ui.text import plain
from bot.usecases.kinds import full_card_for
from storage import declarations
from storage.db import Database
from storage.models import Staff
from tests.e2e.harness import Clock
from tests.e2e.teams.approving import (
    ALICE,
    BOB,
    EXECUTE,
    MANNY,
    MO,
    about_approvals,
    actions,
    add_manager,
    add_manny,
    audit,
    card_to,
    declare,
    execute,
    incidental,
    press,
    quoted,
    replaced_card,
    step_of,
    text_of,
    told,
)
from tests.e2e.teams.harness import Person, TeamsNolan, cards_of
from tests.faketeams import FakeTeams
from tests.schemas import card_problems


@pytest.fixture
def manny(fake: FakeTeams, db: Database, org: dict[str, Staff]) -> Staff:
    return add_manny(fake, db, org)


# -- the card -----------------------------------------------------------------------------------


def test_the_approver_gets_the_card_with_what_slack_shows(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], manny: Staff
) -> None:
    declare(nolan, org, description="Tickets to the opera")  # history for the next one
    card_to(fake, MANNY)
    step_id = declare(nolan, org)
    sent = card_to(fake, MANNY, count=2)
    [card] = cards_of(sent)  # Adaptive Cards 1.5, under 28 KB
    with db.session() as session:
        step = declarations.get_step(session, step_id=step_id)
        assert step is not None
        record = declarations.load_record(session, declaration_id=step.declaration_id)
        assert record is not None
        neutral = approval_card(full_card_for(session, record, step))
    shown = text_of(card)
    assert neutral.history and neutral.facts
    for label, value in neutral.facts:
        assert quoted(md_escape(label)) in shown and quoted(md_escape(value)) in shown
    for line in [*neutral.history, *(f.explanation for f in neutral.flags)]:
        assert quoted(line) in shown
    for warning in neutral.warnings:
        assert quoted(plain(warning).strip()[-40:]) in shown
    assert neutral.title in shown and sent.body["summary"].startswith("Decision needed")
    approve = execute(card, "decide_approved")
    assert (
        approve["type"] == "Action.Execute"
        and '"outcome":"approved"' in approve["data"]["_payload"]
    )
    decline = next(a for a in actions(card) if a.get("title") == "Decline…")
    assert decline["type"] == "Action.Submit"
    assert decline["data"]["msteams"] == {"type": "task/fetch"}
    nolan.settle()
    assert [json.loads(a.detail).get("told") for a in audit(db, "notified")].count(
        ["approver"]
    ) == 2


# -- one press ----------------------------------------------------------------------------------


def test_approve_by_one_press_decides_replaces_the_card_and_tells_the_declarant(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], manny: Staff
) -> None:
    step_id = declare(nolan, org)
    sent = card_to(fake, MANNY)
    status, reply = press(nolan, MANNY, sent, "decide_approved")
    assert status == 200
    decided = text_of(replaced_card(reply))
    assert "Approved" in decided and "Manny Manager" in decided and "DATE(" in decided
    assert "Action." not in decided  # no buttons left
    step = step_of(db, step_id)  # committed before Teams was answered
    assert (step.status, step.decided_by_id) == ("approved", manny.id)
    outcome = card_to(fake, ALICE)
    assert "Manny Manager" in text_of(cards_of(outcome)[0])
    assert "Approved" in outcome.body["summary"]
    nolan.settle()
    assert len(audit(db, "decided")) == 1
    # The answer replaced the pressed card: no second request to Microsoft for it. Its
    # update is recorded as made at the card's place, where later updates find the card.
    assert fake.calls("update") == []
    [card, update] = [r for r in nolan.outbox() if r.kind.startswith("approval")]
    assert (update.kind, update.updates_id, update.status) == ("approval_update", card.id, "sent")
    assert (update.channel, update.ts) == (card.channel, card.ts) == (
        f"staff:{manny.id}", sent.response["id"]
    )


def test_a_non_approvers_press_is_refused_told_and_nothing_stored(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], manny: Staff
) -> None:
    step_id = declare(nolan, org)
    sent = card_to(fake, MANNY)
    said = {
        BOB: "Only Manny Manager (or the monitoring officer) can decide",
        ALICE: "You can't decide on your own declaration",  # the declarant herself
    }
    for who, words in said.items():
        status, reply = press(nolan, who, sent, "decide_approved")
        assert status == 200 and words in told(reply)
    assert step_of(db, step_id).status == "pending"
    assert audit(db, "decided") == [] and len(audit(db, "decision_refused")) == 2
    nolan.settle()
    assert fake.calls("update") == []


def test_a_double_press_records_one_decision_and_the_second_is_told_who(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], manny: Staff
) -> None:
    """The second press — as when the first's answer was lost and the card kept its buttons —
    gets the card as it now stands, with who decided it above."""
    declare(nolan, org)
    sent = card_to(fake, MANNY)
    first = press(nolan, MANNY, sent, "decide_approved")[1]
    second = press(nolan, MANNY, sent, "decide_approved")[1]
    replaced_card(first)
    mended = text_of(replaced_card(second))
    assert "already decided (approved) by Manny Manager" in mended and "Action." not in mended
    told(press(nolan, BOB, sent, "decide_approved")[1])  # not his copy: words, never the card
    nolan.settle()
    assert len(audit(db, "decided")) == 1
    [outcome] = about_approvals(fake, ALICE)  # one outcome
    assert outcome.body["summary"].startswith("Manny Manager: Approved")


def test_two_approvers_pressing_at_once_record_one_decision(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], manny: Staff
) -> None:
    """The line manager and the monitoring officer (who may decide any step) press together."""
    step_id = declare(nolan, org)
    sent = card_to(fake, MANNY)
    start = threading.Barrier(2)
    replies: dict[str, Any] = {}

    def press_as(person: Person) -> None:
        start.wait()
        replies[person.key] = press(nolan, person, sent, "decide_approved")[1]

    threads = [threading.Thread(target=press_as, args=(p,)) for p in (MANNY, MO)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    [(loser, lost)] = [
        (who, r) for who, r in replies.items() if "already decided (approved) by" in json.dumps(r)
    ]
    [won] = [r for who, r in replies.items() if who != loser]
    assert "Action." not in text_of(replaced_card(won))
    if loser == MANNY.key:  # his own copy: the card as it now stands, the words above it
        assert "Action." not in text_of(replaced_card(lost))
    else:  # someone else's copy: told in words
        told(lost)
    assert len(audit(db, "decided")) == 1
    assert step_of(db, step_id).status == "approved"


# -- a decision that needs words ----------------------------------------------------------------


def test_decline_takes_its_reason_in_a_dialog_and_a_missing_one_comes_back_at_the_field(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], manny: Staff
) -> None:
    step_id = declare(nolan, org)
    sent = card_to(fake, MANNY)
    [card] = cards_of(sent)
    button = next(a for a in actions(card) if a.get("title") == "Decline…")
    status, opened = nolan.post(
        nolan.activity(
            MANNY,
            "invoke",
            name="task/fetch",
            value={"data": button["data"]},
            reply_to_id=sent.response["id"],
        )
    )
    assert status == 200 and opened["task"]["type"] == "continue"
    form = opened["task"]["value"]["card"]["content"]
    assert not card_problems(form)
    submit = next(a for a in form["actions"] if a["type"] == "Action.Submit")
    field = next(b for b in form["body"] if b["type"] == "Input.Text")

    def send(reason: str) -> Any:
        data = {**submit["data"], field["id"]: reason}
        return nolan.post(
            nolan.activity(MANNY, "invoke", name="task/submit", value={"data": data})
        )[1]

    again = send("   ")
    assert again["task"]["type"] == "continue"
    body = again["task"]["value"]["card"]["content"]["body"]
    at = next(i for i, b in enumerate(body) if b.get("id") == field["id"])
    assert body[at + 1].get("color") == "Attention"  # the problem right after the field
    assert step_of(db, step_id).status == "pending" and audit(db, "decided") == []
    done = send("A contractor bidding for the cleaning contract")
    assert done["task"]["type"] == "message" and "GH-" in done["task"]["value"]
    step = step_of(db, step_id)
    assert (step.status, step.reason) == (
        "declined",
        "A contractor bidding for the cleaning contract",
    )
    updated = fake.wait_for("update")
    assert "bidding for the cleaning" in text_of(cards_of(updated)[0])
    outcome = card_to(fake, ALICE)
    assert "bidding for the cleaning" in text_of(cards_of(outcome)[0])


def test_a_stranger_button_or_forged_payload_is_told_never_an_error_page(
    nolan: TeamsNolan, org: dict[str, Staff], manny: Staff
) -> None:
    value = {
        "action": {
            "type": "Action.Execute",
            "verb": "decide_approved",
            "data": {"_payload": "{not json"},
        }
    }
    status, reply = nolan.post(nolan.activity(MANNY, "invoke", name=EXECUTE, value=value))
    assert status == 200 and "older message" in told(reply)


# -- delivery -----------------------------------------------------------------------------------


def test_a_throttled_card_is_retried_after_retry_after(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], manny: Staff
) -> None:
    nolan.install(MANNY)
    nolan.settle()  # his Home card has gone: the fault below falls on the approval card
    chat = fake.conversation_of(MANNY.object_id)
    fake.fail_next("send", 429, retry_after=2, conversation_id=chat)
    declare(nolan, org)
    fake.wait_for("send", lambda c: c.status == 429 and c.conversation_id == chat)
    seen = time.monotonic()
    sent = card_to(fake, MANNY)
    assert time.monotonic() - seen >= 1.5  # as Teams asked
    assert press(nolan, MANNY, sent, "decide_approved")[0] == 200
    nolan.settle()
    assert about_approvals(fake, MANNY) == [sent] and len(audit(db, "decided")) == 1


def test_an_approver_without_nolan_gets_the_card_once_installed(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    add_manager(db, org["alice"], BOB)  # Bob has not got Nolan installed
    step_id = declare(nolan, org)
    refused = fake.wait_for("create_conversation", lambda c: c.status == 403)
    assert refused.body["members"] == [{"id": BOB.object_id}]
    nolan.settle()
    parked = [r for r in nolan.outbox() if r.kind == "approval"]
    assert [r.status for r in parked] == ["parked"]
    fake.install(BOB.object_id)
    assert nolan.install(BOB)[0] == 200  # Teams tells the bot: conversationUpdate
    sent = card_to(fake, BOB)
    reply = press(nolan, BOB, sent, "decide_approved")[1]
    assert "Bob Late" in text_of(replaced_card(reply))
    assert step_of(db, step_id).status == "approved"
    nolan.settle()
    assert about_approvals(fake, BOB) == [sent]


def test_a_restart_between_submission_and_decision_still_decides_once(
    nolan: TeamsNolan,
    fake: FakeTeams,
    db: Database,
    clock: Clock,
    org: dict[str, Staff],
    manny: Staff,
) -> None:
    step_id = declare(nolan, org)
    sent = card_to(fake, MANNY)
    nolan.settle()
    nolan.stop()
    again = TeamsNolan(fake, db, clock).start()
    try:
        replaced_card(press(again, MANNY, sent, "decide_approved")[1])
        again_pressed = replaced_card(press(again, MANNY, sent, "decide_approved")[1])
        assert "already decided" in text_of(again_pressed)
        again.settle()
    finally:
        again.stop()
    assert step_of(db, step_id).status == "approved" and len(audit(db, "decided")) == 1
    assert about_approvals(fake, MANNY) == [sent]  # not sent twice


# -- on the Home card ---------------------------------------------------------------------------


def test_a_decision_pressed_on_the_home_card_decides_and_leaves_the_home_card_a_home(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], manny: Staff
) -> None:
    """The Home lists the step with the same buttons: pressed there, the approver is told
    (the Home card is not replaced by an approval card), every approval card is redrawn and
    the Home card is brought up to date in place."""
    step_id = declare(nolan, org)
    sent = card_to(fake, MANNY)
    chat = fake.conversation_of(MANNY.object_id)
    nolan.say(MANNY, "home")
    home = fake.wait_for("send", lambda c: c.conversation_id == chat and incidental(c))
    nolan.settle()
    pending = fake.activity(chat, home.response["id"])
    [button] = [a for a in actions_in(pending) if a.get("verb") == "decide_approved"]
    value = {"action": {"type": "Action.Execute", "verb": button["verb"],
                        "data": button["data"]}, "trigger": "manual"}
    status, reply = nolan.post(nolan.activity(  # the Home's own button
        MANNY, "invoke", name=EXECUTE, value=value, reply_to_id=home.response["id"]
    ))
    assert status == 200 and "Approved: GH-00001" in told(reply)
    assert step_of(db, step_id).status == "approved" and len(audit(db, "decided")) == 1
    refreshed = fake.wait_for(  # the Home card itself, brought up to date in place
        "update", lambda c: c.activity_id == home.response["id"]
        and "decide_approved" not in [a.get("verb") for a in actions_in(c.body)]
    )
    assert "Hello, Manny Manager" in text_of(cards_of(refreshed)[0])
    nolan.settle()
    assert "Action." not in text_of(fake.activity(chat, sent.response["id"]))
    assert "Hello, Manny Manager" in text_of(fake.activity(chat, home.response["id"]))
    assert about_approvals(fake, MANNY) == [sent]


def actions_in(node: Any) -> list[dict[str, Any]]:
    """Every action anywhere in a card or message (ActionSets, ShowCards)."""
    if isinstance(node, list):
        return [a for item in node for a in actions_in(item)]
    if not isinstance(node, dict):
        return []
    own = [node] if str(node.get("type", "")).startswith("Action.") else []
    return own + [a for value in node.values() for a in actions_in(value)]
