"""The annual declaration end to end: the sweep sends it, the member of staff answers with the
buttons through the bot's HTTP endpoint (signed requests), and the monitoring officer asks
`/conduct annual` who has not answered."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlmodel import col, select

from bot.jobs import all_jobs
from bot.outbox import Worker
from bot.settings import Policy, Settings
from bot.sweep import SweepReport, run_sweep
from handlers.notifier import Notifier
from handlers.outgoing import SlackSender
from storage.db import Database
from storage.models import AuditEntry, Confirmation, Declaration, Staff
from tests.e2e.harness import Clock, Nolan, dm_to, redrawn
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call

LONDON = ZoneInfo("Europe/London")
ANNUAL_DAY = date(2027, 4, 1)  # a Thursday
YEARLY = ("annual declaration", "code of conduct undertaking", "outside-work reviews")


def local(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


def sweep(nolan: Nolan, day: date, hour: int = 10) -> SweepReport:
    """The yearly round's jobs of the daily sweep, against the bot's database and Slack, at
    `hour` office time on `day` (the bot's clock is moved there too)."""
    nolan.clock.now = local(day, hour)
    settings = Settings(
        slack_bot_token="xoxb-e2e-token",
        slack_api_url=nolan.fake.api_url,
        database_url=nolan.db.url,
        policy=nolan.policy,
    )
    notifier = Notifier(WebClient(token="xoxb-e2e-token", base_url=nolan.fake.api_url))
    jobs = [j for j in all_jobs() if j.name in YEARLY]
    # The sweep delivers what it queued through a worker, as `reminders run` does.
    worker = Worker(nolan.db, SlackSender(nolan.db, notifier, policy=settings.policy))
    report = run_sweep(
        nolan.db, settings, day, local(day, hour), jobs=jobs, outbox=worker
    )
    # The bot's own worker may have taken some of them first: wait until they are all sent.
    assert worker.wait_idle()
    return report


def blocks_text(call: Call) -> str:
    return call.args.get("text", "") + json.dumps(call.args.get("blocks", []), ensure_ascii=False)


def has_buttons(call: Call) -> bool:
    return any(b.get("type") == "actions" for b in call.args.get("blocks", []))


def is_annual(call: Call) -> bool:
    return "Annual declaration" in call.args.get("text", "")


def confirmations(db: Database, kind: str) -> list[Confirmation]:
    with db.session() as session:
        return list(
            session.exec(
                select(Confirmation).where(Confirmation.kind == kind).order_by(Confirmation.id)
            ).all()
        )


def audit(db: Database, action: str) -> list[AuditEntry]:
    with db.session() as session:
        return list(
            session.exec(
                select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
            ).all()
        )


def ephemeral(reply: str) -> dict[str, Any]:
    body = json.loads(reply)
    assert body.get("response_type") == "ephemeral"
    return body


def test_nothing_has_changed_is_recorded_and_the_dm_says_so(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    sweep(nolan, ANNUAL_DAY)
    dm = dm_to(fake, "UALICE", is_annual)
    clock.now = local(ANNUAL_DAY, 14)

    status, _ = nolan.press("UALICE", dm, "annual_nothing_changed")
    assert status == 200

    update = redrawn(fake, "UALICE")  # the DM pressed, through the press's response_url
    assert "nothing has changed" in blocks_text(update)
    assert not has_buttons(update)
    [answer] = confirmations(db, "annual_declaration")
    assert (answer.subject, answer.period, answer.response, answer.staff_id) == (
        f"staff:{org['alice'].id}",
        "2027",
        "confirmed",
        org["alice"].id,
    )
    assert answer.responded_at == local(ANNUAL_DAY, 14)
    [entry] = audit(db, "annual_declaration_confirmed")
    assert entry.actor_id == org["alice"].id and json.loads(entry.detail) == {"year": 2027}

    # A second press (an old copy of the message) records nothing new.
    clock.now = local(ANNUAL_DAY, 15)
    nolan.press("UALICE", dm, "annual_nothing_changed")
    second = redrawn(fake, "UALICE", count=2)
    assert not has_buttons(second)
    assert len(confirmations(db, "annual_declaration")) == 1
    assert len(audit(db, "annual_declaration_confirmed")) == 1

    # A week on, everyone else is reminded; Alice is not.
    before = len(fake.calls("chat.postMessage"))
    sweep(nolan, ANNUAL_DAY + timedelta(weeks=1))
    reminded = {
        c.args["channel"]
        for c in fake.calls("chat.postMessage")[before:]
        if c.args["text"].startswith("Reminder:")
    }
    assert reminded == {"UHEAD", "UMO", "UMGR", "UEVE", "UBOB", "UVET"}


def test_declare_an_interest_from_the_dm_is_an_answer(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    sweep(nolan, ANNUAL_DAY)
    dm = dm_to(fake, "UEVE", is_annual)

    status, _ = nolan.press("UEVE", dm, "annual_declare_interest")
    assert status == 200
    view = fake.wait_for("views.open").args["view"]
    assert view["callback_id"] == "interest_declare"
    reply = nolan.submit(
        "UEVE",
        view,
        {
            "category_input": "non_financial",
            "organisation_input": "Riverside Food Bank",
            "description_input": "I became a trustee this month",
            "started_on_input": ANNUAL_DAY,
            "conflict_input": "The food bank receives grants from the commissioner",
            "proposal_input": "Take no part in grant decisions about it",
        },
    )
    assert reply == {}
    with db.session() as session:
        [declared] = session.exec(select(Declaration)).all()
    assert declared.declarant_id == org["eve"].id

    before = len(fake.calls("chat.postMessage"))
    sweep(nolan, ANNUAL_DAY + timedelta(weeks=1))
    reminded = {
        c.args["channel"]
        for c in fake.calls("chat.postMessage")[before:]
        if c.args["text"].startswith("Reminder:")
    }
    assert "UEVE" not in reminded and "UBOB" in reminded
    [answer] = confirmations(db, "annual_declaration")
    assert (answer.staff_id, answer.response) == (org["eve"].id, "updated")


def test_ask_about_outside_work_opens_the_form(
    nolan: Nolan, fake: FakeSlack, db: Database, org: dict[str, Staff]
) -> None:
    sweep(nolan, ANNUAL_DAY)
    dm = dm_to(fake, "UBOB", is_annual)
    nolan.press("UBOB", dm, "annual_ask_outside_work")
    view = fake.wait_for("views.open").args["view"]
    assert view["callback_id"] == "outside_work_request"
    # Bob has no line manager: the form asks him to choose one, as /outside-work does.
    assert any(b.get("block_id") == "line_manager" for b in view["blocks"])
    assert confirmations(db, "annual_declaration") == []  # opening the form is not an answer


def test_someone_not_in_the_org_chart_is_told(
    nolan: Nolan, fake: FakeSlack, db: Database, org: dict[str, Staff]
) -> None:
    sweep(nolan, ANNUAL_DAY)
    dm = dm_to(fake, "UBOB", is_annual)
    with db.session() as session:
        bob = session.get(Staff, org["bob"].id)
        assert bob is not None
        bob.active = False
        session.add(bob)
        session.commit()
    nolan.press("UBOB", dm, "annual_nothing_changed")
    told = fake.wait_for("response_url")
    assert "can't find you" in told.args["text"]
    assert confirmations(db, "annual_declaration") == []


def test_conduct_annual_for_the_monitoring_officer_and_admins_only(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    clock.now = local(ANNUAL_DAY - timedelta(days=10))
    _, reply = nolan.command("UMO", "/conduct", "annual")
    assert "did not send an annual declaration for 2026" in ephemeral(reply)["text"]
    assert "Thursday 1 April 2027" in ephemeral(reply)["text"]

    sweep(nolan, ANNUAL_DAY)
    dm = dm_to(fake, "UALICE", is_annual)
    nolan.press("UALICE", dm, "annual_nothing_changed")
    redrawn(fake, "UALICE")
    clock.now = local(ANNUAL_DAY + timedelta(days=2))

    _, reply = nolan.command("UMO", "/conduct", "annual")
    body = ephemeral(reply)
    shown = json.dumps(body["blocks"], ensure_ascii=False)
    assert "So far *6 of 7* people have not answered" in shown
    for name in ("Bob Loner", "Eve Other", "Harriet Head", "Manny Manager", "Morgan Monitor"):
        assert name in shown
    assert "Alice Able" not in shown
    assert "1 confirmed nothing has changed" in shown

    for user in ("UBOB", "UALICE", "UMGR"):
        _, reply = nolan.command(user, "/conduct", "annual")
        assert "Only the monitoring officer or an admin" in ephemeral(reply)["text"]

    with db.session() as session:
        bob = session.get(Staff, org["bob"].id)
        assert bob is not None
        bob.roles = "admin"
        session.add(bob)
        session.commit()
    _, reply = nolan.command("UBOB", "/conduct", "annual 2027")
    assert "6 of 7" in json.dumps(ephemeral(reply)["blocks"])
    _, reply = nolan.command("UBOB", "/conduct", "annual 2028")
    assert "goes out on Monday 3 April 2028" in ephemeral(reply)["text"]
    _, reply = nolan.command("UBOB", "/conduct", "annual next")
    assert "Usage" in ephemeral(reply)["text"]


def test_the_list_after_the_reminders_goes_to_the_monitoring_officer_once(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    nolan.policy = Policy(annual_declaration_reminder_weeks=1)
    sweep(nolan, ANNUAL_DAY)
    for user in ("UHEAD", "UMO", "UMGR", "UALICE", "UVET"):
        nolan.press(user, dm_to(fake, user, is_annual), "annual_nothing_changed")
        redrawn(fake, user)
    sweep(nolan, ANNUAL_DAY + timedelta(weeks=1))
    reminders = [c for c in fake.calls("chat.postMessage") if "Reminder" in c.args["text"]]
    assert sorted(c.args["channel"] for c in reminders) == ["UBOB", "UEVE"]

    sweep(nolan, ANNUAL_DAY + timedelta(days=8))
    sweep(nolan, ANNUAL_DAY + timedelta(days=11))
    lists = [c for c in fake.calls("chat.postMessage") if "have not answered" in c.args["text"]]
    assert [c.args["channel"] for c in lists] == ["UMO"]
    shown = blocks_text(lists[0])
    assert "Bob Loner" in shown and "Eve Other" in shown and "2 of 7" in shown
    assert "Alice Able" not in shown
