"""The waiting-decisions digest end to end: declarations made through the HTTP endpoint, the
daily sweep run by `python -m bot reminders run --today …` (the clock injected), and the
digest's buttons pressed through the signed HTTP endpoint like any approval card's."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import col, select

from handlers.approvals.ids import decide_action
from storage.db import Database
from storage.models import ApprovalStep, Reminder, Staff
from tests.e2e.harness import SECRET, Clock, Nolan, dm_to
from tests.e2e.test_escalation_flow import run
from tests.e2e.test_gifts_flow import declarations, declare, has_buttons, hospitality
from tests.fakeslack import FakeSlack, block_actions_form, post
from tests.fakeslack.server import Call

APPROVE, DECLINE = decide_action("approved"), decide_action("declined")


def is_digest(call: Call) -> bool:
    return " waiting for you: " in call.args.get("text", "")


def step_of(db: Database, declaration_id: int) -> ApprovalStep:
    with db.session() as session:
        return session.exec(
            select(ApprovalStep).where(ApprovalStep.declaration_id == declaration_id)
        ).one()


def press_item(
    nolan: Nolan, fake: FakeSlack, user: str, digest: Call, step_id: int, action_id: str
) -> int:
    """Press one item's button in the digest (harness.press takes the first match)."""
    block = next(b for b in digest.args["blocks"] if b.get("block_id") == f"waiting_{step_id}")
    button = next(e for e in block["elements"] if e["action_id"] == action_id)
    index = fake.calls("chat.postMessage").index(digest)
    answered = fake.responses("chat.postMessage")[index]
    body = block_actions_form(
        user,
        action_id,
        button["value"],
        block_id=block["block_id"],
        channel_id=answered["channel"],
        message_ts=answered["ts"],
        message={
            "ts": answered["ts"],
            "text": digest.args["text"],
            "blocks": digest.args["blocks"],
        },
        response_url=fake.response_url(f"digest-{user}-{time.monotonic_ns()}"),
        trigger_id=fake.new_trigger_id(),
    )
    status, _headers, _reply = post(nolan.events_url, body, SECRET)
    return status


def text_of(call: Call) -> str:
    return call.args.get("text", "") + json.dumps(call.args.get("blocks", []), ensure_ascii=False)


def test_decide_from_the_morning_digest(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    # Friday 20 November 2026: Alice and Eve declare hospitality; Manny gets two cards.
    declare(nolan, "UALICE", hospitality(clock))
    alice_card = dm_to(fake, "UMGR", has_buttons)
    declare(nolan, "UEVE", hospitality(clock, offered_by_input="Bright Events"))
    dm_to(fake, "UMGR", has_buttons, count=2)
    # Stored as reached too (the worker records a card a moment after Slack took it): else
    # the sweep may find it neither reached nor on its way, and re-send it.
    nolan.settle()
    (alice, _), (eve, _) = declarations(db)
    assert alice.id is not None and eve.id is not None

    # Monday: one digest to Manny listing both, with their buttons.
    code, out, err = run(fake, db, date(2026, 11, 23))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Sent Manny Manager the digest of 2 decisions waiting ({alice.reference}, "
        f"{eve.reference}).",
        "Reminded 0 approvers, escalated 0 steps, ended 0 delegations, sent 1 "
        "waiting-decisions digest.",
    ]
    digest = dm_to(fake, "UMGR", is_digest)
    assert "Acme Cleaning Ltd" in text_of(digest) and "Bright Events" in text_of(digest)

    # Approve Alice's from the digest: decided, her card updated, Alice told.
    clock.now = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    alice_step = step_of(db, alice.id)
    assert alice_step.id is not None
    assert press_item(nolan, fake, "UMGR", digest, alice_step.id, APPROVE) == 200
    update = fake.wait_for("chat.update")
    assert update.args["ts"] == alice_card.response["ts"] and not has_buttons(update)
    assert "*Approved* by Manny Manager" in text_of(update)
    dm_to(fake, "UALICE", lambda c: "*Approved*" in c.args["text"])
    assert step_of(db, alice.id).status == "approved"

    # The digest's button again: already decided, said privately; nothing changes.
    assert press_item(nolan, fake, "UMGR", digest, alice_step.id, APPROVE) == 200
    again = fake.wait_for("response_url")
    assert "already decided" in again.args["text"]

    # Decline Eve's from the digest: the reason form opens, as from the card.
    eve_step = step_of(db, eve.id)
    assert eve_step.id is not None
    assert press_item(nolan, fake, "UMGR", digest, eve_step.id, DECLINE) == 200
    form = fake.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == "approval_decision_text"
    ).args["view"]
    assert nolan.submit("UMGR", form, {"text_input": "A current bidder is the host"}) == {}
    dm_to(fake, "UEVE", lambda c: "*Declined*" in c.args["text"])
    assert step_of(db, eve.id).status == "declined"

    # Tuesday: nothing waiting, no digest.
    before = len(fake.calls("chat.postMessage"))
    code, out, _ = run(fake, db, date(2026, 11, 24))
    assert (code, out) == (0, "Reminded 0 approvers, escalated 0 steps, ended 0 delegations.\n")
    assert len(fake.calls("chat.postMessage")) == before


def test_the_reminder_comes_in_the_digest_and_a_second_run_sends_nothing(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    dm_to(fake, "UMGR", has_buttons)
    dm_to(fake, "UALICE")  # the receipt: everything from the declaration is out
    [(declaration, _)] = declarations(db)
    fake.reset()

    # Wednesday, three working days: one message to Manny, carrying the reminder.
    code, out, _ = run(fake, db, date(2026, 11, 25))
    assert code == 0
    assert out.splitlines() == [
        f"Sent Manny Manager the digest of 1 decision waiting ({declaration.reference}). It "
        f"carries the reminder for {declaration.reference}.",
        "Reminded 1 approver, escalated 0 steps, ended 0 delegations, sent 1 "
        "waiting-decisions digest.",
    ]
    [message] = fake.calls("chat.postMessage")
    assert message.args["channel"] == "UMGR" and has_buttons(message)
    assert "*Reminder:*" in text_of(message) and "Harriet Head" in text_of(message)

    # The same day again (a restart, a second process's scheduler): nothing.
    code, out, _ = run(fake, db, date(2026, 11, 25))
    assert (code, out) == (0, "Reminded 0 approvers, escalated 0 steps, ended 0 delegations.\n")
    assert len(fake.calls("chat.postMessage")) == 1
    with db.session() as session:
        # The ledger's rows (scheduled reminders: they have a due date), not the cards.
        rows: list[Any] = list(
            session.exec(
                select(Reminder.kind, Reminder.status).where(col(Reminder.due_on).is_not(None))
            )
        )
    assert rows == [("waiting_digest", "sent")]
