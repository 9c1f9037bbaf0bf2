"""The waiting-decisions digest against a real database and the fake Slack Web API: who gets
one and when, its buttons, once a day, the escalation reminder it carries, failures, time
zones and the number of queries. Dates are injected; nothing sleeps."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from bot.jobs import all_jobs, waiting
from bot.rules import approvals as rules
from bot.sweep import Job, run_sweep
from handlers.approvals.ids import DECIDE_PATTERN, decide_action
from handlers.metadata import Decision, decode
from handlers.waiting.messages import DIGEST_LIMIT, DigestItem, digest_message
from storage.db import Database
from storage.models import Question, Reminder, Staff
from tests.bot.test_sweep import LONDON, World, has_buttons, text_of
from tests.e2e.harness import ORG, seed_org
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call

MON, TUE, WED, THU = (date(2026, 11, d) for d in (23, 24, 25, 26))
SAT = date(2026, 11, 28)
DIGEST = [Job("waiting digest", waiting.send_digests, working_days_only=True)]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        for person in ORG:
            server.add_user(person.email, person.slack_id, name=person.name)
        yield server
        server.assert_clean()


@pytest.fixture
def world(db: Database, fake: FakeSlack) -> World:
    return World(db, fake, seed_org(db))


def digests(world: World, user: str) -> list[Call]:
    return [c for c in world.dms(user) if " waiting for you: " in c.args["text"]]


def buttons(call: Call) -> list[dict[str, Any]]:
    return [
        e for b in call.args.get("blocks", []) if b.get("type") == "actions" for e in b["elements"]
    ]


def ledger(world: World) -> list[Reminder]:
    with world.db.session() as session:
        # The approval cards go through the same table (the outbox): only the reminders here.
        rows = select(Reminder).where(Reminder.kind != "approval").order_by(Reminder.id)
        return list(session.exec(rows))


def set_staff(world: World, key: str, **values: Any) -> None:
    with world.db.session() as session:
        person = session.get(Staff, world.id(key))
        assert person is not None
        for name, value in values.items():
            setattr(person, name, value)
        session.add(person)
        session.commit()


# -- who gets one, and when ------------------------------------------------------------------


def test_an_approver_gets_one_digest_with_the_cards_buttons(world: World) -> None:
    first = world.declare("alice")
    second = world.declare("eve", chain="line_manager:note")
    world.fake.reset()

    report = world.sweep(MON)  # Friday 10:00 to Monday 07:00: more than a day
    [digest] = digests(world, "UMGR")
    assert digest.args["text"] == (f"2 decisions waiting for you: GH-{first:05d}, GH-{second:05d}")
    text = text_of(digest)
    assert "Acme Cleaning Ltd" in text and "Alice Able" in text and "Eve Other" in text
    assert "Waiting since Fri 20 Nov (1 working day)" in text
    # Each item's buttons are the card's: the decision listener's ids and values.
    steps = {world.step(first).id: "authorise", world.step(second).id: "note"}
    pressed = buttons(digest)
    assert [b["action_id"] for b in pressed] == [
        decide_action(o.outcome) for p in steps.values() for o in rules.outcomes(p)
    ]
    for button in pressed:
        assert DECIDE_PATTERN.match(button["action_id"])
        decision = decode(Decision, button["value"])
        assert decision.step_id in steps
        assert rules.valid_outcome(steps[decision.step_id], decision.outcome)
    block_ids = [b["block_id"] for b in digest.args["blocks"] if "block_id" in b]
    assert len(block_ids) == len(set(block_ids)) == 2
    # Nothing else went out: Alice and Eve are not told anything.
    assert [c.args["channel"] for c in world.fake.calls("chat.postMessage")] == ["UMGR"]
    assert report.lines == [
        f"Sent Manny Manager the digest of 2 decisions waiting (GH-{first:05d}, GH-{second:05d})."
    ]
    assert report.summary() == (
        "Reminded 0 approvers, escalated 0 steps, ended 0 delegations, sent 1 waiting-decisions "
        "digest."
    )
    [row] = ledger(world)
    assert (row.kind, row.subject, row.recipient, row.due_on, row.status) == (
        "waiting_digest",
        f"approver:{world.id('manager')}",
        f"staff:{world.id('manager')}",
        MON,
        "sent",
    )


def test_not_before_a_day_has_passed_and_then_every_working_morning(world: World) -> None:
    world.declare("alice", on=MON)  # 10:00 Monday
    world.fake.reset()
    assert world.sweep(TUE).lines == []  # 21 hours
    assert world.fake.calls("chat.postMessage") == []
    world.sweep(WED)
    world.sweep(WED)  # the same day again: nothing more
    world.sweep(THU)
    assert len(digests(world, "UMGR")) == 2
    assert [r.due_on for r in ledger(world)] == [WED, THU]


def test_no_digest_at_weekends_or_on_bank_holidays(world: World) -> None:
    world.declare("alice")
    world.fake.reset()
    assert world.sweep(SAT).counts["waiting_digest"] == 0
    assert world.sweep(date(2026, 12, 28)).counts["waiting_digest"] == 0  # Boxing Day (sub.)
    assert world.fake.calls("chat.postMessage") == []


def test_each_approver_gets_their_own_and_only_waiting_steps_count(world: World) -> None:
    to_manager = world.declare("alice")
    to_mo = world.declare("bob", chain="monitoring_officer:authorise")
    decided = world.declare("eve")
    with world.db.session() as session:
        step = world.step(decided)
        step.status = "approved"
        session.add(step)
        session.commit()
    world.fake.reset()
    report = world.sweep(MON)
    assert report.counts["waiting_digest"] == 2
    [manager] = digests(world, "UMGR")
    [mo] = digests(world, "UMO")
    assert f"GH-{to_manager:05d}" in manager.args["text"]
    assert f"GH-{decided:05d}" not in text_of(manager)
    assert f"GH-{to_mo:05d}" in mo.args["text"] and "Bob Loner" in text_of(mo)


def test_a_step_waiting_on_the_declarants_answer_is_left_out(world: World) -> None:
    declaration_id = world.declare("alice")
    with world.db.session() as session:
        step = world.step(declaration_id)
        session.add(Question(step_id=step.id or 0, asked_by_id=world.id("manager"), question="?"))
        session.commit()
    world.fake.reset()
    assert world.sweep(MON).lines == []
    assert world.fake.calls("chat.postMessage") == []


def test_a_deputy_sees_whose_decisions_they_hold(world: World) -> None:
    from tests.bot.test_sweep import delegate

    world.declare("alice", on=date(2026, 11, 19))
    delegate(world, "manager", "eve", today=date(2026, 11, 19), starts=MON, ends=THU)
    world.fake.reset()
    world.sweep(MON)  # handed over at Monday's sweep: a fresh clock, so no digest yet
    assert digests(world, "UEVE") == []
    world.sweep(TUE)  # a day later
    [digest] = digests(world, "UEVE")
    assert "deciding it as deputy for Manny Manager" in text_of(digest)
    assert digests(world, "UMGR") == []


def test_no_slack_account_is_noted_and_nothing_is_sent(world: World) -> None:
    world.declare("alice")
    set_staff(world, "manager", slack_user_id=None)
    world.fake.reset()
    report = world.sweep(MON)
    assert report.failures == []
    assert any("Cannot send Manny Manager the digest" in line for line in report.lines)
    assert world.fake.calls("chat.postMessage") == [] and ledger(world) == []


# -- the escalation reminder it carries ------------------------------------------------------


def test_the_digest_carries_the_escalation_reminder_one_message_that_morning(
    world: World,
) -> None:
    declaration_id = world.declare("alice")
    world.fake.reset()

    report = world.sweep(WED)  # three working days: the chase's reminder is due
    [message] = world.dms("UMGR")  # one DM, not a digest and a reminder
    text = text_of(message)
    assert has_buttons(message) and "*Reminder:*" in text
    assert "If it is still waiting on Mon 30 Nov, it goes to Harriet Head" in text
    step = world.step(declaration_id)
    assert step.reminded_at == datetime(2026, 11, 25, 7, tzinfo=UTC)
    [audit] = world.audit("reminded", declaration_id)
    assert audit == {
        "approver_id": world.id("manager"),
        "step_id": step.id,
        "via": "waiting_digest",
        "working_days": 3,
    }
    assert report.counts["reminded"] == 1 and report.counts["waiting_digest"] == 1
    assert report.lines[-1].endswith(f"It carries the reminder for GH-{declaration_id:05d}.")

    world.sweep(THU)  # the next morning: listed, no longer a reminder
    [_, thursday] = world.dms("UMGR")
    assert "Reminder" not in text_of(thursday) and "Harriet Head" in text_of(thursday)
    assert len(world.audit("reminded", declaration_id)) == 1

    # Six working days: the chase escalates it, so it is not in Monday's digest; the head
    # gets the card (a fresh clock), not a digest.
    world.fake.reset()
    monday = world.sweep(date(2026, 11, 30))
    assert monday.counts["escalated"] == 1 and monday.counts["waiting_digest"] == 0
    assert digests(world, "UMGR") == [] and digests(world, "UHEAD") == []


def test_with_nobody_above_the_step_stays_in_the_digest(world: World) -> None:
    declaration_id = world.declare("bob", chain="head_of_office:authorise")
    # Nobody above the head of office but the monitoring officer; make there be nobody.
    set_staff(world, "mo", roles="")
    world.fake.reset()
    report = world.sweep(date(2026, 11, 30))  # six working days
    assert report.counts["escalated"] == 0
    [message] = world.dms("UHEAD")
    assert "*Reminder:*" in text_of(message) and "next person up" not in text_of(message)
    assert world.step(declaration_id).reminded_at is not None


def test_a_failed_digest_keeps_its_reminder_owed_and_is_retried(world: World) -> None:
    declaration_id = world.declare("alice")
    world.fake.reset()
    world.fake.slack_error_next("chat.postMessage", "account_inactive")

    failed = world.sweep(WED)
    assert any("digest" in f and "account_inactive" in f for f in failed.failures)
    # The digest took the reminder with it and stays owed: the chase, next, found the step
    # reminded and sent no second message; nothing is recorded as reminded until it goes.
    assert world.dms("UMGR") == []
    assert world.step(declaration_id).reminded_at is not None
    assert world.audit("reminded", declaration_id) == []
    assert failed.counts["reminded"] == 0
    assert [r.status for r in ledger(world)] == ["dead"]

    retried = world.sweep(WED)  # the next run that day sends the digest, reminder and all
    assert retried.failures == [] and retried.counts["waiting_digest"] == 1
    assert retried.counts["reminded"] == 1
    assert [r.status for r in ledger(world)] == ["sent"]
    [digest] = digests(world, "UMGR")
    assert "*Reminder:*" in text_of(digest) and has_buttons(digest)
    assert [a.get("via") for a in world.audit("reminded", declaration_id)] == ["waiting_digest"]
    assert world.sweep(THU).failures == []
    assert len(world.audit("reminded", declaration_id)) == 1


# -- time zones, limits, queries -----------------------------------------------------------


def test_the_digest_arrives_in_the_approvers_working_hours(world: World) -> None:
    world.declare("alice")
    set_staff(world, "manager", tz="America/New_York")
    world.fake.reset()
    report = world.sweep(MON)  # 07:00 London is 02:00 in New York
    assert world.fake.calls("chat.postMessage") == []
    [scheduled] = world.fake.calls("chat.scheduleMessage")
    at = datetime.fromtimestamp(int(scheduled.args["post_at"]), UTC)
    assert at == datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 09:00 in New York
    assert "waiting for you" in scheduled.args["text"]
    assert report.lines[0].startswith("Scheduled Manny Manager's digest")
    [row] = ledger(world)
    assert row.status == "sent"
    world.sweep(MON)
    assert len(world.fake.calls("chat.scheduleMessage")) == 1


def test_a_long_list_shows_the_oldest_with_buttons_and_says_how_many_more(world: World) -> None:
    n = DIGEST_LIMIT + 7
    made = {}
    for i in range(n):
        on = date(2026, 11, 4) - timedelta(days=i % 3)  # Wed, Tue, Mon, Wed…
        made[world.declare("alice", on=on)] = on
    world.fake.reset()
    world.sweep(date(2026, 11, 6))
    [digest] = digests(world, "UMGR")  # the fake holds it to Slack's 50 blocks
    assert len(digest.args["blocks"]) <= 50
    assert len(buttons(digest)) == 2 * DIGEST_LIMIT
    assert "…and 7 more waiting for you" in text_of(digest)
    listed = [decode(Decision, b["value"]).step_id for b in buttons(digest)][::2]
    oldest = sorted(made, key=lambda i: (made[i], i))
    assert listed == [world.step(i).id for i in oldest[:DIGEST_LIMIT]]
    assert digest.args["text"].startswith(f"{n} decisions waiting for you: ")


def test_loading_takes_a_constant_number_of_queries_whatever_the_staff(world: World) -> None:
    for who in ("alice", "eve", "bob"):
        world.declare(
            who, chain="line_manager:authorise" if who != "bob" else "monitoring_officer:authorise"
        )

    def queries(day: date) -> int:
        seen: list[str] = []

        def record(*args: Any) -> None:
            seen.append(args[2])

        event.listen(world.db.engine, "before_cursor_execute", record)
        try:
            run_sweep(world.db, world.settings, day, _at(day), jobs=DIGEST)
        finally:
            event.remove(world.db.engine, "before_cursor_execute", record)
        return len(seen)

    quiet = queries(SAT)  # not a working day: nothing at all
    assert quiet == 0
    first = queries(MON)
    with world.db.session() as session:
        for i in range(50):
            session.add(Staff(email=f"s{i}@opcc.example", name=f"S {i}", slack_user_id=f"US{i}"))
        session.commit()
    # The same digests again, for another day, with many more staff: the same queries.
    assert queries(TUE) == first


def test_the_digest_message_escapes_what_people_typed() -> None:
    item = DigestItem(
        step_id=7,
        reference="GH-00007",
        purpose="recommend",
        what="the <!channel> & <https://evil|link>",
        declarant="Zed <@U1>",
        waiting_since=MON,
        working_days=1,
        escalates_on=date(2026, 11, 30),
        next_name="Harriet Head",
    )
    message = digest_message([item])
    raw = json.dumps([b.to_dict() for b in message.blocks])
    assert "<!channel>" not in raw and "<@U1>" not in raw and "&lt;!channel&gt;" in raw
    labels = [e["text"]["text"] for e in buttons(_call(message))]
    assert labels == [o.label for o in rules.outcomes("recommend")]


def _call(message: Any) -> Call:
    return Call("chat.postMessage", {"blocks": [b.to_dict() for b in message.blocks]}, None)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(7, 0), tzinfo=LONDON).astimezone(UTC)


def test_the_digest_runs_before_the_chase_in_the_sweep() -> None:
    names = [j.name for j in all_jobs()]
    assert names.index("waiting digest") < names.index("chase approvals")
