"""Approvals that never stall, end to end: a gift declared through the HTTP endpoint, then the
daily sweep run for later dates (the clock injected, never slept) — one reminder after three
working days, escalation to the manager's manager after six, everyone told."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import pytest
from sqlmodel import col, select

from bot.cli import main
from bot.runtime import Runtime
from bot.scheduler import sweep_job
from bot.settings import Settings
from handlers.approvals.ids import decide_action
from storage.db import Database
from storage.models import AuditEntry, Staff
from tests.bot.test_sweep import without_the_digest
from tests.e2e.harness import Clock, Nolan, dm_to
from tests.e2e.test_delegation_flow import steps, text_of
from tests.e2e.test_gifts_flow import declarations, declare, has_buttons, hospitality
from tests.fakeslack import FakeSlack

APPROVE = decide_action("approved")


@pytest.fixture(autouse=True)
def _chase_without_the_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the chase on its own. On working mornings the waiting-decisions
    digest runs just before it and carries its reminder (tests/jobs/test_waiting_digest.py)."""
    without_the_digest(monkeypatch)


def run(fake: FakeSlack, db: Database, today: date) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["reminders", "run", "--today", today.isoformat()],
        environ={
            "SLACK_BOT_TOKEN": "xoxb-e2e-token",
            "DATABASE_URL": db.url,
            "SLACK_API_URL": fake.api_url,
        },
        stdout=out,
        stderr=err,
    )
    return code, out.getvalue(), err.getvalue()


def reminders_to(fake: FakeSlack, user: str) -> list[str]:
    return [
        c.args["text"]
        for c in fake.calls("chat.postMessage")
        if c.args["channel"] == user and c.args["text"].startswith("Reminder")
    ]


def test_remind_once_then_escalate_to_the_managers_manager(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    # Friday 20 November 2026: Alice declares; Manny, her manager, gets the card.
    declare(nolan, "UALICE", hospitality(clock))
    original = dm_to(fake, "UMGR", has_buttons)
    # Stored as reached too (the worker records it a moment after Slack took it): else the
    # sweep may find it neither reached nor on its way, and re-send it.
    nolan.settle()
    [(declaration, _offer)] = declarations(db)
    reference = declaration.reference

    # Monday and Tuesday: one and two working days. Nothing.
    for day in (date(2026, 11, 23), date(2026, 11, 24)):
        code, out, err = run(fake, db, day)
        assert (code, err) == (0, "")
        assert out == "Reminded 0 approvers, escalated 0 steps, ended 0 delegations.\n"
    assert reminders_to(fake, "UMGR") == []

    # Wednesday: three working days. One reminder, pointing at the card.
    code, out, _ = run(fake, db, date(2026, 11, 25))
    assert code == 0
    assert out.splitlines() == [
        f"Reminded Manny Manager about {reference}.",
        "Reminded 1 approver, escalated 0 steps, ended 0 delegations.",
    ]
    [reminder] = reminders_to(fake, "UMGR")
    assert reference in reminder
    reminder_call = dm_to(fake, "UMGR", lambda c: c.args["text"].startswith("Reminder"))
    assert "Harriet Head" in text_of(reminder_call) and "Mon 30 Nov" in text_of(reminder_call)

    # Again on Wednesday, then Thursday, Friday and the weekend: no second reminder.
    for day in (25, 26, 27, 28, 29):
        assert run(fake, db, date(2026, 11, day))[0] == 0
    assert len(reminders_to(fake, "UMGR")) == 1
    saturday = run(fake, db, date(2026, 11, 28))[1]
    assert saturday.startswith("Sat 28 Nov 2026 is not a working day")

    # Monday 30 November: six working days. It moves to Manny's manager, the head of office.
    code, out, _ = run(fake, db, date(2026, 11, 30))
    assert code == 0
    assert out.splitlines() == [
        f"Escalated {reference} from Manny Manager to Harriet Head "
        "(6 working days without a decision).",
        "Reminded 0 approvers, escalated 1 step, ended 0 delegations.",
    ]
    [step] = steps(db)
    assert step.approver_id == org["head"].id
    # The original card loses its buttons and says where it went.
    update = fake.wait_for("chat.update", lambda c: c.args["ts"] == original.response["ts"])
    assert not has_buttons(update) and "Now with Harriet Head" in text_of(update)
    # The original approver and the declarant are both told.
    told = dm_to(fake, "UMGR", lambda c: "gone to Harriet Head" in c.args["text"])
    assert "You no longer need to decide it" in told.args["text"]
    alice = dm_to(fake, "UALICE", lambda c: "waited 6 working days" in c.args["text"])
    assert "Manny Manager" in alice.args["text"] and "Harriet Head" in alice.args["text"]
    # The head gets the card with its buttons, and why it came to them.
    card = dm_to(fake, "UHEAD", has_buttons)
    dm_to(fake, "UHEAD", lambda c: "had not decided it in 6 working days" in c.args["text"])

    # Manny's old buttons no longer decide it; the head's do.
    nolan.press("UMGR", original, APPROVE)
    refused = fake.wait_for("response_url", lambda c: "Only Harriet Head" in c.args["text"])
    assert refused.args["response_type"] == "ephemeral"
    nolan.press("UHEAD", card, APPROVE)
    dm_to(fake, "UALICE", lambda c: "*Approved*" in c.args["text"] and "Harriet" in c.args["text"])
    assert declarations(db)[0][0].status == "approved"

    with db.session() as session:
        actions = session.exec(
            select(AuditEntry.action)
            .where(AuditEntry.declaration_id == declaration.id)
            .order_by(col(AuditEntry.id))
        ).all()
    assert actions.count("reminded") == 1 and actions.count("escalated") == 1
    assert actions.index("reminded") < actions.index("escalated") < actions.index("decided")

    # Nothing is left to chase.
    assert run(fake, db, date(2026, 12, 10))[1].startswith("Reminded 0 approvers")


def test_the_scheduler_job_does_the_same_on_working_mornings(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    dm_to(fake, "UMGR", has_buttons)
    settings = Settings(slack_bot_token="xoxb-e2e-token", slack_api_url=fake.api_url)

    def at(day: int) -> Runtime:
        """The runtime the bot builds, its clock at 07:00 on `day` November."""
        now = datetime(2026, 11, day, 7, 0, tzinfo=UTC)
        return Runtime.build(settings, db=db, clock=lambda: now)

    assert sweep_job(at(24)) is not None
    assert reminders_to(fake, "UMGR") == []
    report = sweep_job(at(25))
    assert report is not None and report.counts["reminded"] == 1
    assert sweep_job(at(28)) is None  # Saturday: skipped
    sweep_job(at(30))
    assert steps(db)[0].approver_id == org["head"].id
    assert len(reminders_to(fake, "UMGR")) == 1


def test_a_slack_outage_during_the_reminder_is_made_good_next_run(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    dm_to(fake, "UMGR", has_buttons)
    dm_to(fake, "UALICE")  # the receipt: the bot has finished posting
    # Stopped, as its worker could otherwise take the reminder (and the outage) from the
    # command's own: the command, run from cron, is what must report the failure.
    nolan.stop()
    # The manager's posts meet the outage, whatever else the run posts and in whatever order
    # (a sender may post to several conversations at once); for the whole run, since its
    # worker tries again after a second's back-off while other sends keep it busy.
    fake.slack_error_next("chat.postMessage", "service_unavailable", times=100, channel="UMGR")
    code, out, err = run(fake, db, date(2026, 11, 25))
    assert code == 1
    assert "could not remind Manny Manager" in err and "service_unavailable" in err
    assert reminders_to(fake, "UMGR") == []
    fake.release("chat.postMessage")  # Slack is back
    code, out, err = run(fake, db, date(2026, 11, 25))
    assert (code, err) == (0, "")
    assert len(reminders_to(fake, "UMGR")) == 1
    assert json.dumps(out).count("Reminded Manny Manager") == 1
