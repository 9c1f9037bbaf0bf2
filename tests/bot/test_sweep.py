"""The daily sweep against a real database and the fake Slack Web API: reminders once,
escalation, delegations starting and ending, the `reminders run` command and the scheduler.
Dates are injected; nothing sleeps."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlmodel import col, select

from bot import runtime
from bot.cli import main
from bot.jobs import all_jobs
from bot.jobs import approvals as approval_jobs
from bot.rules.delegation import Period
from bot.runtime import Runtime
from bot.scheduler import JOB_ID, MISFIRE_GRACE, make_scheduler, sweep_job, sweep_trigger
from bot.settings import Policy, Settings
from bot.sweep import SweepReport
from bot.usecases import delegate as delegation
from bot.usecases.moves import Because, owe_card, owe_moves
from handlers.notifier import Notifier
from storage import declarations, staff, waiting
from storage.db import Database
from storage.models import ApprovalStep, AuditEntry, Delegation, Question, Staff
from storage.types import utcnow
from tests.e2e.harness import ORG, seed_org
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call
from tests.usecases.office import declare_hospitality

LONDON = ZoneInfo("Europe/London")
FRIDAY = date(2026, 11, 20)  # declarations are made on Friday 20 November 2026


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        for person in ORG:
            server.add_user(person.email, person.slack_id, name=person.name)
        yield server
        server.assert_clean()


@pytest.fixture
def org(db: Database) -> dict[str, Staff]:
    return seed_org(db)


def without_the_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sweep's jobs (bot.jobs.all_jobs, gathered by the runtime for the bot and the CLI
    alike), less the waiting-decisions digest."""
    monkeypatch.setattr(
        runtime, "all_jobs", lambda: [j for j in all_jobs() if j.name != "waiting digest"]
    )


@pytest.fixture(autouse=True)
def _chase_without_the_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the chase on its own. On working mornings the waiting-decisions
    digest runs just before it and carries its reminder (tests/jobs/test_waiting_digest.py)."""
    without_the_digest(monkeypatch)


class World:
    """The database, the fake Slack and a notifier pointed at it, and helpers to drive days."""

    def __init__(self, db: Database, fake: FakeSlack, org: dict[str, Staff]) -> None:
        self.db, self.fake, self.org = db, fake, org
        self.settings = Settings(
            slack_bot_token="xoxb-sweep",
            slack_api_url=fake.api_url,
            database_url=db.url,
            policy=Policy(),
        )
        self.notifier = Notifier(WebClient(token="xoxb-sweep", base_url=fake.api_url))

    def declare(
        self,
        who: str = "alice",
        *,
        on: date = FRIDAY,
        chain: str = "line_manager:authorise",
        deliver: bool = True,
    ) -> int:
        """A hospitality declaration put on its chain at 10:00 on `on`; returns its id."""
        at = datetime.combine(on, time(10, 0), tzinfo=LONDON).astimezone(UTC)
        with self.db.session() as session:
            opened = declare_hospitality(session, self.id(who), chain=chain, on=on, at=at)
            session.commit()
            ids = [s.id for s in opened.steps if s.id]
            declaration_id = opened.steps[0].declaration_id
        if deliver:
            with self.db.session() as session:
                for step_id in ids:
                    owe_card(session, step_id=step_id, approver_id=self.approver_of(step_id))
                session.commit()
            self.runtime().outbox.run_once()
        return declaration_id

    def approver_of(self, step_id: int) -> int:
        with self.db.session() as session:
            step = declarations.get_step(session, step_id=step_id)
            assert step is not None
            return step.approver_id

    def runtime(
        self, clock: Callable[[], datetime] = utcnow, settings: Settings | None = None
    ) -> Runtime:
        """The runtime the bot and the CLI build, over this world's database and fake Slack."""
        return Runtime.build(
            settings or self.settings, db=self.db, client=self.notifier.client, clock=clock
        )

    def sweep(self, day: date) -> SweepReport:
        now = datetime.combine(day, time(7, 0), tzinfo=LONDON).astimezone(UTC)
        return self.runtime().sweep(day, now)

    def steps(self, declaration_id: int) -> list[ApprovalStep]:
        with self.db.session() as session:
            return declarations.steps_for(session, declaration_id=declaration_id)

    def step(self, declaration_id: int) -> ApprovalStep:
        [step] = self.steps(declaration_id)
        return step

    def audit(self, action: str, declaration_id: int | None = None) -> list[dict[str, Any]]:
        with self.db.session() as session:
            query = select(AuditEntry).where(AuditEntry.action == action)
            if declaration_id is not None:
                query = query.where(AuditEntry.declaration_id == declaration_id)
            return [json.loads(a.detail) for a in session.exec(query.order_by(col(AuditEntry.id)))]

    def dms(self, user: str) -> list[Call]:
        return [c for c in self.fake.calls("chat.postMessage") if c.args["channel"] == user]

    def id(self, key: str) -> int:
        found = self.org[key].id
        assert found is not None
        return found


@pytest.fixture
def world(db: Database, fake: FakeSlack, org: dict[str, Staff]) -> World:
    return World(db, fake, org)


def text_of(call: Call) -> str:
    return call.args.get("text", "") + json.dumps(call.args.get("blocks", []), ensure_ascii=False)


def has_buttons(call: Call) -> bool:
    return any(b.get("type") == "actions" for b in call.args.get("blocks", []))


# -- reminders ---------------------------------------------------------------------------------


def test_reminder_at_exactly_the_limit_not_before_and_only_once(world: World) -> None:
    declaration_id = world.declare()
    world.fake.reset()

    for day in (date(2026, 11, 23), date(2026, 11, 24)):  # 1 and 2 working days
        report = world.sweep(day)
        assert report.counts["reminded"] == 0, report.lines
    assert world.fake.calls("chat.postMessage") == []

    report = world.sweep(date(2026, 11, 25))  # 3 working days
    assert report.counts["reminded"] == 1
    assert report.summary() == "Reminded 1 approver, escalated 0 steps, ended 0 delegations."
    [reminder] = world.dms("UMGR")
    text = text_of(reminder)
    assert "Reminder" in text and "GH-" in text and "Acme Cleaning Ltd" in text
    assert "Harriet Head" in text and "Mon 30 Nov" in text  # who it goes to, and when
    assert not has_buttons(reminder)  # the original card keeps the only live buttons
    assert world.step(declaration_id).reminded_at is not None
    assert len(world.audit("reminded", declaration_id)) == 1

    again = world.sweep(date(2026, 11, 25))  # the same day again
    assert again.lines == [] and again.failures == []
    world.sweep(date(2026, 11, 26))
    world.sweep(date(2026, 11, 27))
    assert len(world.dms("UMGR")) == 1
    assert world.fake.calls("chat.update") == []


def test_one_reminder_per_approver_lists_each_step(world: World) -> None:
    first, second = world.declare("alice"), world.declare("eve")
    world.fake.reset()
    report = world.sweep(date(2026, 11, 25))
    [reminder] = world.dms("UMGR")
    refs = [world.steps(first)[0].declaration_id, world.steps(second)[0].declaration_id]
    assert all(f"GH-{r:05d}" in text_of(reminder) for r in refs)
    assert "Alice Able" in text_of(reminder) and "Eve Other" in text_of(reminder)
    assert report.lines == [f"Reminded Manny Manager about GH-{refs[0]:05d}, GH-{refs[1]:05d}."]


def test_a_slack_failure_during_a_reminder_is_retried_on_the_next_run(world: World) -> None:
    declaration_id = world.declare()
    world.fake.reset()
    world.fake.slack_error_next("chat.postMessage", "channel_not_found")

    failed = world.sweep(date(2026, 11, 25))
    assert failed.counts["reminded"] == 0
    assert failed.failures and "channel_not_found" in failed.failures[0]
    assert failed.failures[0].startswith("could not remind Manny Manager about GH-")
    # The reminder is taken and stays owed in the outbox (not lost, not sent twice): it is
    # recorded in the audit trail once it is sent.
    assert world.step(declaration_id).reminded_at is not None
    assert world.audit("reminded", declaration_id) == []
    assert world.dms("UMGR") == []

    retried = world.sweep(date(2026, 11, 25))
    assert retried.counts["reminded"] == 1 and retried.failures == []
    assert len(world.dms("UMGR")) == 1
    assert len(world.audit("reminded", declaration_id)) == 1
    assert world.sweep(date(2026, 11, 26)).lines == []
    assert len(world.dms("UMGR")) == 1


def test_a_claimed_reminder_cannot_be_claimed_twice(world: World) -> None:
    declaration_id = world.declare()
    step = world.step(declaration_id)
    assert step.id is not None
    at = datetime(2026, 11, 25, 7, tzinfo=UTC)
    with world.db.session() as one, world.db.session() as two:
        claim = {"step_ids": [step.id], "approver_id": step.approver_id, "at": at}
        assert waiting.claim_reminders(one, **claim) == [step.id]
        one.commit()
        assert waiting.claim_reminders(two, **claim) == []


def test_nothing_is_chased_at_weekends_or_on_bank_holidays(world: World) -> None:
    world.declare()
    world.fake.reset()
    saturday = world.sweep(date(2026, 11, 28))  # 5 working days: would remind on a weekday
    assert not saturday.working_day
    assert saturday.counts["reminded"] == 0
    assert world.fake.calls("chat.postMessage") == []

    christmas = world.declare(on=date(2026, 12, 23))
    world.fake.reset()
    assert world.sweep(date(2026, 12, 28)).working_day is False  # Boxing Day substitute
    world.sweep(date(2026, 12, 29))  # 2 working days: 24 and 29 December
    assert world.step(christmas).reminded_at is None
    world.sweep(date(2026, 12, 30))
    assert world.step(christmas).reminded_at is not None


def test_a_step_waiting_on_the_declarants_answer_is_not_chased(world: World) -> None:
    declaration_id = world.declare()
    step = world.step(declaration_id)
    with world.db.session() as session:
        session.add(Question(step_id=step.id or 0, asked_by_id=world.id("manager"), question="?"))
        session.commit()
    world.fake.reset()
    assert world.sweep(date(2026, 11, 30)).lines == []
    assert world.step(declaration_id).approver_id == world.id("manager")


# -- escalation ------------------------------------------------------------------------------


def test_escalation_at_twice_the_limit_goes_to_the_approvers_manager(world: World) -> None:
    declaration_id = world.declare()
    card = world.dms("UMGR")[0]
    world.sweep(date(2026, 11, 25))
    world.fake.reset()

    report = world.sweep(date(2026, 11, 30))  # 6 working days
    assert report.counts["escalated"] == 1, report.lines
    assert report.summary() == "Reminded 0 approvers, escalated 1 step, ended 0 delegations."
    step = world.step(declaration_id)
    assert step.approver_id == world.id("head")
    assert step.reminded_at is None and step.dm_ts  # a new clock, a new card

    # The new approver gets the card with its buttons, and why it came to them.
    head = world.dms("UHEAD")
    assert any(has_buttons(c) for c in head)
    assert any("Manny Manager had not decided it in 6 working days" in text_of(c) for c in head)
    # The old card loses its buttons and says where it went.
    [update] = world.fake.calls("chat.update")
    assert update.args["ts"] == card.response["ts"] and not has_buttons(update)
    assert "Now with Harriet Head" in text_of(update)
    # The original approver and the declarant are both told.
    [told_manager] = world.dms("UMGR")
    assert "gone to Harriet Head" in text_of(told_manager)
    [told_alice] = world.dms("UALICE")
    assert "Manny Manager" in text_of(told_alice) and "Harriet Head" in text_of(told_alice)

    [escalated] = world.audit("escalated", declaration_id)
    assert (escalated["from_id"], escalated["to_id"]) == (world.id("manager"), world.id("head"))
    [moved] = world.audit("reassigned", declaration_id)
    assert moved["why"] == "no decision after 6 working days"

    assert world.sweep(date(2026, 11, 30)).lines == []  # the same day again: nothing


def test_escalation_without_a_manager_goes_to_the_monitoring_officer(world: World) -> None:
    with world.db.session() as session:
        manager = session.get(Staff, world.id("manager"))
        assert manager is not None
        manager.line_manager_id = None
        session.add(manager)
        session.commit()
    declaration_id = world.declare()
    world.sweep(date(2026, 11, 30))
    assert world.step(declaration_id).approver_id == world.id("mo")
    assert any(has_buttons(c) for c in world.dms("UMO"))


def test_escalation_never_reminded_still_happens_and_climbs_without_bouncing(
    world: World,
) -> None:
    declaration_id = world.declare()
    # Never swept until 6 working days: straight to escalation, no reminder first.
    report = world.sweep(date(2026, 11, 30))
    assert report.counts == {"escalated": 1}
    assert world.step(declaration_id).approver_id == world.id("head")
    # The head of office has no manager: next the monitoring officer.
    world.sweep(date(2026, 12, 8))  # 6 working days after Mon 30 Nov
    assert world.step(declaration_id).approver_id == world.id("mo")
    # The monitoring officer's manager is the head, who already let it wait: it stays, and
    # the monitoring officer is reminded instead.
    world.fake.reset()
    stuck = world.sweep(date(2026, 12, 16))
    assert world.step(declaration_id).approver_id == world.id("mo")
    assert any("no one above" in line for line in stuck.lines)
    assert stuck.counts["reminded"] == 1 and len(world.dms("UMO")) == 1


def test_one_bad_item_does_not_stop_the_others(world: World, monkeypatch: Any) -> None:
    first, second = (
        world.declare("alice"),
        world.declare("bob", chain="monitoring_officer:authorise"),
    )
    real = approval_jobs._escalate

    def broken(sweep: Any, due: Any) -> bool:
        if due.item.step.declaration_id == first:
            raise RuntimeError("boom")
        return real(sweep, due)

    monkeypatch.setattr(approval_jobs, "_escalate", broken)
    report = world.sweep(date(2026, 11, 30))
    assert any("boom" in f for f in report.failures)
    assert report.counts["escalated"] == 1
    assert world.step(second).approver_id == world.id("head")  # the MO's manager
    assert world.step(first).approver_id == world.id("manager")


def test_a_card_that_never_arrived_is_sent_the_next_day(world: World) -> None:
    declaration_id = world.declare(deliver=False)
    assert world.sweep(FRIDAY).counts["redelivered"] == 0  # not the same day
    report = world.sweep(date(2026, 11, 23))
    assert report.counts["redelivered"] == 1
    assert any(has_buttons(c) for c in world.dms("UMGR"))
    assert world.step(declaration_id).dm_ts
    assert world.sweep(date(2026, 11, 23)).counts["redelivered"] == 0


def test_a_card_recorded_as_sent_while_the_sweep_reads_is_not_sent_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker records the card sent between the sweep's read of the cards that arrived
    and its read of the newest card: that last read sees it went, and nothing is re-sent."""
    declaration_id = world.declare(deliver=False)
    step_id = world.step(declaration_id).id
    assert step_id is not None
    with world.db.session() as session:
        owe_card(session, step_id=step_id, approver_id=world.approver_of(step_id))
        session.commit()
    real = approval_jobs.waiting_store.cards_reached

    def then_the_worker_records_it(session: Any, **kwargs: Any) -> Any:
        reached = real(session, **kwargs)
        world.runtime().outbox.run_once()  # its own sessions: sent and recorded, committed
        return reached

    monkeypatch.setattr(approval_jobs.waiting_store, "cards_reached", then_the_worker_records_it)
    report = world.sweep(date(2026, 11, 23))
    assert report.counts["redelivered"] == 0
    assert len([c for c in world.dms("UMGR") if has_buttons(c)]) == 1
    assert world.step(declaration_id).dm_ts


# -- delegation -------------------------------------------------------------------------------


def delegate(
    world: World, delegator: str, deputy: str, *, today: date, starts: date, ends: date
) -> delegation.Started:
    now = datetime.combine(today, time(9, 0), tzinfo=LONDON).astimezone(UTC)
    with world.db.session() as session:
        me = staff.by_id(session, staff_id=world.id(delegator))
        them = staff.by_id(session, staff_id=world.id(deputy))
        assert me is not None and them is not None
        started = delegation.start(
            session,
            delegator=me,
            deputy=them,
            period=Period(world.id(deputy), starts, ends),
            today=today,
            now=now,
        )
        session.commit()
    return started


def test_delegation_in_force_routes_new_and_moves_waiting_items(world: World) -> None:
    waiting = world.declare("alice")
    started = delegate(world, "manager", "eve", today=FRIDAY, starts=FRIDAY, ends=date(2026, 12, 1))
    assert [m.step_id for m in started.moves] == [world.step(waiting).id]
    step = world.step(waiting)
    assert (step.approver_id, step.delegated_from_id) == (world.id("eve"), world.id("manager"))

    later = world.declare("alice")
    new = world.step(later)
    assert (new.approver_id, new.delegated_from_id) == (world.id("eve"), world.id("manager"))

    # Eve's own declaration does not go to Eve: it stays with her manager.
    own = world.step(world.declare("eve"))
    assert (own.approver_id, own.delegated_from_id) == (world.id("manager"), None)

    [reassigned] = world.audit("reassigned", waiting)
    assert reassigned["from_id"] == world.id("manager")
    assert reassigned["to_id"] == world.id("eve")
    assert reassigned["delegated_from"] == world.id("manager")
    [delegated] = world.audit("delegated")
    assert (delegated["delegator"], delegated["deputy"]) == ("Manny Manager", "Eve Other")


def test_delegation_ends_by_itself_and_items_go_back(world: World) -> None:
    waiting = world.declare("alice")
    started = delegate(
        world, "manager", "eve", today=FRIDAY, starts=FRIDAY, ends=date(2026, 11, 24)
    )
    with world.db.session() as session:
        owe_moves(session, started.moves, why="delegated", because=Because.DELEGATION)
        session.commit()
    world.runtime().outbox.run_once()
    deputy_card = next(c for c in world.dms("UEVE") if has_buttons(c))
    assert "deputy for Manny Manager" in text_of(deputy_card)
    world.fake.reset()

    assert world.sweep(date(2026, 11, 24)).counts["delegations_ended"] == 0  # last day
    report = world.sweep(date(2026, 11, 25))
    assert report.counts["delegations_ended"] == 1
    assert report.lines[0].startswith("Ended Manny Manager's delegation to Eve Other")
    step = world.step(waiting)
    assert (step.approver_id, step.delegated_from_id) == (world.id("manager"), None)
    with world.db.session() as session:
        [row] = session.exec(select(Delegation)).all()
    assert row.ended_at is not None
    # The deputy's card loses its buttons; the manager gets it back; both are told.
    [update] = world.fake.calls("chat.update")
    assert update.args["ts"] == deputy_card.response["ts"] and not has_buttons(update)
    assert any(has_buttons(c) for c in world.dms("UMGR"))
    assert any("no longer decide for Manny Manager" in text_of(c) for c in world.dms("UEVE"))
    assert any("came back to you" in text_of(c) for c in world.dms("UMGR"))
    assert world.audit("delegation_ended")[0]["by_itself"] is True
    # Nothing more the next run, even on the same day.
    assert world.sweep(date(2026, 11, 25)).counts["delegations_ended"] == 0
    # The returned step has a fresh clock: not chased the same day.
    assert world.step(waiting).reminded_at is None


def test_a_delegation_set_up_in_advance_takes_the_items_on_its_first_day(world: World) -> None:
    waiting = world.declare("alice")
    started = delegate(
        world, "manager", "eve", today=FRIDAY, starts=date(2026, 11, 23), ends=date(2026, 12, 1)
    )
    assert started.moves == []
    assert world.step(waiting).approver_id == world.id("manager")
    assert world.sweep(date(2026, 11, 21)).counts["handed_over"] == 0  # not yet
    report = world.sweep(date(2026, 11, 23))
    assert report.counts["handed_over"] == 1
    assert world.step(waiting).approver_id == world.id("eve")
    assert world.sweep(date(2026, 11, 23)).counts["handed_over"] == 0


def test_an_escalated_deputys_step_goes_above_the_delegator(world: World) -> None:
    waiting = world.declare("alice")
    delegate(world, "manager", "eve", today=FRIDAY, starts=FRIDAY, ends=date(2026, 12, 31))
    # The move restarted the clock on Friday: 6 working days is Mon 30 Nov.
    world.sweep(date(2026, 11, 30))
    step = world.step(waiting)
    assert step.approver_id == world.id("head")  # Manny's manager, not Eve's
    assert step.delegated_from_id is None


# -- the command line ------------------------------------------------------------------------


def run_cli(world: World, *argv: str, token: str = "xoxb-cli") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    environ = {"DATABASE_URL": world.db.url, "SLACK_API_URL": world.fake.api_url}
    if token:
        environ["SLACK_BOT_TOKEN"] = token
    code = main(["reminders", "run", *argv], environ=environ, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_reminders_run_prints_each_action_and_a_summary(world: World) -> None:
    declaration_id = world.declare()
    reference = f"GH-{declaration_id:05d}"
    world.fake.reset()

    code, out, err = run_cli(world, "--today", "2026-11-25")
    assert (code, err) == (0, "")
    assert out == (
        f"Reminded Manny Manager about {reference}.\n"
        "Reminded 1 approver, escalated 0 steps, ended 0 delegations.\n"
    )
    assert world.fake.calls("chat.postMessage")[0].token == "xoxb-cli"
    # The audit is stamped at the sweep time that day, office time.
    with world.db.session() as session:
        step = session.get(ApprovalStep, world.step(declaration_id).id)
        assert step is not None and step.reminded_at == datetime(2026, 11, 25, 7, tzinfo=UTC)

    code, out, _ = run_cli(world, "--today", "2026-11-25")
    assert (code, out) == (0, "Reminded 0 approvers, escalated 0 steps, ended 0 delegations.\n")

    code, out, _ = run_cli(world, "--today", "2026-11-30")
    assert code == 0
    assert out.splitlines()[0] == (
        f"Escalated {reference} from Manny Manager to Harriet Head "
        "(6 working days without a decision)."
    )


def test_reminders_run_on_a_weekend_says_so_and_still_ends_delegations(world: World) -> None:
    delegate(world, "manager", "eve", today=FRIDAY, starts=FRIDAY, ends=FRIDAY)
    world.declare()
    code, out, _ = run_cli(world, "--today", "2026-11-28")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "Sat 28 Nov 2026 is not a working day: approvals are not chased on weekends or bank "
        "holidays."
    )
    assert lines[1].startswith("Ended Manny Manager's delegation to Eve Other")
    assert lines[-1] == "Reminded 0 approvers, escalated 0 steps, ended 1 delegation."


def test_reminders_run_exits_1_when_slack_fails_and_0_on_the_retry(world: World) -> None:
    world.declare()
    world.fake.reset()
    world.fake.slack_error_next("chat.postMessage", "account_inactive")
    code, out, err = run_cli(world, "--today", "2026-11-25")
    assert code == 1
    assert "nolan: error: could not remind" in err and "account_inactive" in err
    assert "Traceback" not in err
    assert out.endswith("1 thing failed; the next run tries again.\n")
    code, out, _ = run_cli(world, "--today", "2026-11-25")
    assert code == 0 and out.startswith("Reminded Manny Manager")


def test_reminders_run_needs_the_bot_token_and_a_real_date(world: World) -> None:
    code, _, err = run_cli(world, "--today", "2026-11-25", token="")
    assert code == 2 and "SLACK_BOT_TOKEN" in err
    with pytest.raises(SystemExit) as bad:
        run_cli(world, "--today", "25/11/2026")
    assert bad.value.code == 2


# -- the scheduler -------------------------------------------------------------------------


def test_the_scheduler_triggers_the_sweep_each_working_morning(world: World) -> None:
    settings = Settings(
        slack_bot_token="x",
        policy=Policy(timezone="Europe/London", sweep_time=time(7, 30)),
    )
    monday_9am = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # noon: past the grace time
    scheduler = make_scheduler(world.runtime(lambda: monday_9am, settings))
    job = scheduler.get_job(JOB_ID)
    assert job is not None
    assert job.misfire_grace_time == MISFIRE_GRACE.total_seconds() >= 3 * 3600
    assert job.coalesce is True and job.max_instances == 1
    assert str(scheduler.timezone) == "Europe/London"
    trigger = sweep_trigger(settings)
    fields = {f.name: str(f) for f in trigger.fields}
    assert (fields["day_of_week"], fields["hour"], fields["minute"]) == ("mon-fri", "7", "30")
    assert str(trigger.timezone) == "Europe/London"
    # The next runs: Tue 24 then Wed 25 at 07:30 London (GMT in November), skipping nothing.
    after = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    first = trigger.get_next_fire_time(None, after)
    assert first == datetime(2026, 11, 24, 7, 30, tzinfo=LONDON)
    friday = trigger.get_next_fire_time(None, datetime(2026, 11, 27, 8, 0, tzinfo=LONDON))
    assert friday == datetime(2026, 11, 30, 7, 30, tzinfo=LONDON)  # over the weekend
    # In summer, 07:30 is still 07:30 local (BST), not UTC.
    summer = trigger.get_next_fire_time(None, datetime(2026, 7, 1, 0, 0, tzinfo=UTC))
    assert summer is not None and summer.utcoffset() == timedelta(hours=1)
    assert [j.id for j in scheduler.get_jobs()] == [JOB_ID]  # no catch-up at noon


def test_a_start_soon_after_the_sweep_time_catches_up(world: World) -> None:
    at_8 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday, an hour after 07:00 London
    scheduler = make_scheduler(world.runtime(lambda: at_8))
    assert {j.id for j in scheduler.get_jobs()} == {JOB_ID, f"{JOB_ID}_catch_up"}
    saturday = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    scheduler = make_scheduler(world.runtime(lambda: saturday))
    assert [j.id for j in scheduler.get_jobs()] == [JOB_ID]


def test_the_job_skips_bank_holidays_and_runs_the_sweep_otherwise(world: World) -> None:
    world.declare()
    world.fake.reset()
    boxing_substitute = datetime(2026, 12, 28, 7, 0, tzinfo=UTC)
    assert sweep_job(world.runtime(lambda: boxing_substitute)) is None
    wednesday = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    report = sweep_job(world.runtime(lambda: wednesday))
    assert report is not None and report.counts["reminded"] == 1
    assert len(world.dms("UMGR")) == 1


def test_the_scheduler_starts_and_stops_cleanly(world: World) -> None:
    from bot.scheduler import stop_scheduler

    saturday = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)  # no catch-up run in the background
    scheduler = make_scheduler(world.runtime(lambda: saturday))
    scheduler.start()
    assert scheduler.running
    stop_scheduler(scheduler)
    assert not scheduler.running


def test_the_sweep_loads_waiting_steps_in_a_constant_number_of_queries(world: World) -> None:
    """Issue 4 benchmarks a sweep over 100,000 staff: nothing here may run per person."""
    from sqlalchemy import event

    for _ in range(3):
        world.declare()

    def count_queries(day: date) -> int:
        seen: list[str] = []

        def record(*args: Any) -> None:
            seen.append(args[2])

        event.listen(world.db.engine, "before_cursor_execute", record)
        try:
            world.sweep(day)
        finally:
            event.remove(world.db.engine, "before_cursor_execute", record)
        return len(seen)

    quiet = count_queries(date(2026, 11, 23))  # nothing due
    for key in ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"):
        with world.db.session() as session:
            session.add(Staff(email=f"{key}@opcc.example", name=key, slack_user_id=f"U{key}"))
            session.commit()
    assert count_queries(date(2026, 11, 24)) == quiet


@pytest.mark.parametrize("raw", ["7", "07:60", "24:00", "07:00:00", "7.30", "seven", "٠٧:٠٠"])
def test_a_bad_sweep_time_is_a_one_line_settings_error(world: World, raw: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["reminders", "run"],
        environ={"SLACK_BOT_TOKEN": "xoxb-cli", "DATABASE_URL": world.db.url, "SWEEP_TIME": raw},
        stdout=out,
        stderr=err,
    )
    assert code == 2
    assert (
        err.getvalue() == f"nolan: error: SWEEP_TIME must be a time of day as HH:MM, got {raw!r}\n"
    )


def test_the_sweep_time_is_read_from_settings() -> None:
    from bot.settings import load_settings

    assert load_settings({}, dotenv_path=None, require=()).policy.sweep_time == time(7, 0)
    assert load_settings(
        {"SWEEP_TIME": "6:45"}, dotenv_path=None, require=()
    ).policy.sweep_time == (time(6, 45))


def test_an_escalation_message_slack_refuses_is_reported_and_the_move_stands(
    world: World,
) -> None:
    declaration_id = world.declare()
    world.sweep(date(2026, 11, 25))
    world.fake.reset()
    world.fake.slack_error_next("chat.postMessage", "account_inactive", channel="UHEAD")

    report = world.sweep(date(2026, 11, 30))

    reference = f"GH-{declaration_id:05d}"
    assert report.counts["escalated"] == 1
    assert report.failures == [
        f"{reference}: could not send {reference} to Harriet Head: Slack answered account_inactive"
    ]
    assert world.step(declaration_id).approver_id == world.id("head")
    # The others still went: the old card redrawn, and the notes.
    assert len(world.fake.calls("chat.update")) == 1
    assert any("gone to Harriet Head" in text_of(c) for c in world.dms("UMGR"))
