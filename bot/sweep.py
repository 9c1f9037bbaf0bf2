"""The daily sweep: everything that falls due on a day, done once.

`python -m bot reminders run [--today YYYY-MM-DD]` and the scheduler inside the bot both call
`run_sweep`, so the sweep can be driven by date. Today it:

- ends delegations whose last day has passed, and moves what the deputy still holds back;
- hands waiting items to the deputy of a delegation that has started;
- re-sends approval cards that never reached their approver (Slack was down);
- chases approvals (working days only): after ESCALATION_WORKING_DAYS working days without a
  decision the approver is reminded once; after as many again the step moves to the next
  role up, and the original approver and the declarant are told (issue 3, "Escalation").

Each job is a `Job` in `JOBS`; later kinds of reminder add theirs. Exactly once lives in the
database, not in the scheduler: a reminder is claimed by a conditional UPDATE before it is
sent (and given back if sending fails, so the next run retries it), and a step moves by the
engine's conditional update, so two sweeps at once, or a second run on the same day, send
nothing new. Each item is its own transaction; one bad item is logged and the sweep goes on.
Queries never run per member of staff: the waiting steps and the org chart are loaded once.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TextIO

from slack_sdk import WebClient
from sqlmodel import Session

from bot import engine
from bot.notifier import Notifier
from bot.outbox import Worker
from bot.rules.approvals import Chase, chase
from bot.rules.calendar import add_working_days, is_working_day, working_days_between
from bot.rules.routing import Approver, NoApprover, Org, step_escalation_target
from bot.settings import Settings
from handlers.annual import jobs as annual_jobs
from handlers.approvals import chasing, delivery, owed
from handlers.delegation import service as delegation_service
from handlers.delegation.announce import announce_ended
from handlers.delegation.messages import long_day
from handlers.digest import jobs as digest_jobs
from handlers.home import attach as attach_homes
from handlers.outgoing import SlackSender
from handlers.policies import jobs as policy_jobs
from handlers.reviews import jobs as review_jobs
from handlers.undertaking import jobs as undertaking_jobs
from handlers.vetting import jobs as vetting_jobs
from handlers.waiting import jobs as waiting
from storage import audit, declarations, delegations, outbox, staff, touched
from storage import chasing as store
from storage.db import Database
from storage.models import ApprovalStep
from storage.types import utcnow

log = logging.getLogger(__name__)

# How the summary line words each count: (one, many). Later jobs add their own.
PHRASES: dict[str, tuple[str, str]] = {
    "reminded": ("reminded {n} approver", "reminded {n} approvers"),
    "escalated": ("escalated {n} step", "escalated {n} steps"),
    "delegations_ended": ("ended {n} delegation", "ended {n} delegations"),
    "handed_over": ("handed {n} waiting step to a deputy", "handed {n} waiting steps to deputies"),
    "redelivered": ("re-sent {n} approval card", "re-sent {n} approval cards"),
    "annual_sent": ("sent {n} annual declaration", "sent {n} annual declarations"),
    "annual_reminded": (
        "sent {n} annual declaration reminder",
        "sent {n} annual declaration reminders",
    ),
    "annual_nonresponders": (
        "sent {n} list of who has not answered the annual declaration",
        "sent {n} lists of who has not answered the annual declaration",
    ),
    "undertaking_sent": ("sent {n} code of conduct undertaking", "sent {n} undertakings"),
    "undertaking_reminded": ("sent {n} undertaking reminder", "sent {n} undertaking reminders"),
    "reviews_sent": ("asked for {n} outside-work review", "asked for {n} outside-work reviews"),
    "vetting_reminded": ("sent {n} vetting renewal reminder", "sent {n} vetting renewal reminders"),
    "vetting_lapsed": (
        "sent {n} weekly list of lapsed clearances",
        "sent {n} weekly lists of lapsed clearances",
    ),
    "waiting_digest": ("sent {n} waiting-decisions digest", "sent {n} waiting-decisions digests"),
    "policy_reminded": (
        "sent {n} policy review reminder",
        "sent {n} policy review reminders",
    ),
    "governance_digest": ("posted {n} governance digest", "posted {n} governance digests"),
}
# Always in the summary, even at zero, so "nothing to do" reads as such.
ALWAYS = ("reminded", "escalated", "delegations_ended")


@dataclass
class SweepReport:
    """What one sweep did: a line per action, counts for the summary, and what failed."""

    today: date
    working_day: bool
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def did(self, kind: str, line: str, n: int = 1) -> None:
        self.lines.append(line)
        self.counts[kind] += n

    def note(self, line: str) -> None:
        """Something worth saying that is neither done nor failed (e.g. no one to escalate to)."""
        self.lines.append(line)

    def failed(self, line: str) -> None:
        self.failures.append(line)

    def summary(self) -> str:
        parts = []
        for kind in [*ALWAYS, *(k for k in self.counts if k not in ALWAYS)]:
            n = self.counts[kind]
            if n == 0 and kind not in ALWAYS:
                continue
            one, many = PHRASES.get(kind, (f"{kind}: {{n}}", f"{kind}: {{n}}"))
            parts.append((one if n == 1 else many).format(n=n))
        text = ", ".join(parts)
        text = text[:1].upper() + text[1:] + "."
        if self.failures:
            n = len(self.failures)
            text += f" {n} {'thing' if n == 1 else 'things'} failed; the next run tries again."
        return text


@dataclass
class Sweep:
    """One run: its inputs, its report, and what its jobs share (loaded once)."""

    db: Database
    notifier: Notifier
    settings: Settings
    today: date
    now: datetime
    report: SweepReport

    @cached_property
    def org(self) -> Org:
        with self.db.session() as session:
            return staff.org_view(session, on=self.today)

    def local_day(self, at: datetime) -> date:
        return at.astimezone(self.settings.policy.tz).date()

    def started_on(self, step: ApprovalStep) -> date:
        return self.local_day(step.clock_started_at or step.created_at)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Sweep], None]
    working_days_only: bool = False


def run_sweep(
    db: Database,
    notifier: Notifier,
    settings: Settings,
    today: date,
    now: datetime,
    *,
    jobs: list[Job] | None = None,
) -> SweepReport:
    """Do everything due as of `today` (the office's local date); `now` stamps the audit
    trail and restarts the clocks of steps that move."""
    report = SweepReport(today=today, working_day=is_working_day(today))
    sweep = Sweep(db, notifier, settings, today, now, report)
    for job in JOBS if jobs is None else jobs:
        if job.working_days_only and not report.working_day:
            continue
        try:
            job.run(sweep)
        except Exception as exc:  # a job that fails outright must not stop the others
            log.warning("Sweep job %r failed", job.name, exc_info=True)
            report.failed(f"{job.name}: {chasing.problem(exc)}")
    touched.settle(db)  # re-publish the Homes of everyone the sweep's changes concern
    return report


# -- delegations -------------------------------------------------------------------------------


def end_expired_delegations(sweep: Sweep) -> None:
    """A delegation ends by itself after its last day: what the deputy still holds goes back."""
    with sweep.db.session() as session:
        due = [d.id for d in delegations.expired(session, on=sweep.today) if d.id is not None]
    for delegation_id in due:
        try:
            with sweep.db.session() as session:
                ended = delegation_service.end(
                    session,
                    delegation_id=delegation_id,
                    actor_id=None,
                    by_itself=True,
                    now=sweep.now,
                )
                if ended is None:
                    continue  # ended meanwhile by the delegator, or by another sweep
                session.commit()
                d = ended.delegation
                people = staff.by_ids(session, ids={d.delegator_id, d.deputy_id})
            delegator, deputy = people[d.delegator_id], people[d.deputy_id]
            n = len(ended.moves)
            sweep.report.did(
                "delegations_ended",
                f"Ended {delegator.display_name}'s delegation to {deputy.display_name} (last "
                f"day {long_day(d.ends_on)}); {n} waiting step{'' if n == 1 else 's'} back "
                f"with {delegator.display_name}.",
            )
            for failure in announce_ended(
                sweep.db,
                sweep.notifier,
                [ended],
                delegator=delegator,
                deputies=people,
                by_itself=True,
            ):
                sweep.report.failed(failure)
        except Exception as exc:
            log.warning("Delegation %s", delegation_id, exc_info=True)
            sweep.report.failed(f"could not end delegation {delegation_id}: {chasing.problem(exc)}")


def hand_over_to_deputies(sweep: Sweep) -> None:
    """Delegations in force whose delegator still holds waiting steps (one that started
    today, having been set up in advance): those steps move to the deputy."""
    with sweep.db.session() as session:
        in_force = {d.delegator_id: d for d in delegations.in_force(session, on=sweep.today)}
        if not in_force:
            return
        waiting = store.waiting(session)
    due: set[int] = set()
    for item in waiting:
        step = item.step
        owner = step.delegated_from_id or step.approver_id
        delegation = in_force.get(owner)
        if delegation is None or step.approver_id == delegation.deputy_id:
            continue
        if delegation.deputy_id in (item.declarant_id, item.named_staff_id):
            continue  # nobody decides their own: it stays with the delegator
        due.add(owner)
    for delegator_id in sorted(due):
        delegation = in_force[delegator_id]
        try:
            with sweep.db.session() as session:
                people = staff.by_ids(session, ids={delegator_id, delegation.deputy_id})
                delegator, deputy = people[delegator_id], people[delegation.deputy_id]
                why = f"delegated by {delegator.display_name} until {long_day(delegation.ends_on)}"
                moves = delegation_service.hand_over(
                    session,
                    delegator_id=delegator_id,
                    deputy_id=delegation.deputy_id,
                    why=why,
                    actor_id=None,
                    now=sweep.now,
                )
                session.commit()
            if not moves:
                continue
            sweep.report.did(
                "handed_over",
                f"Moved {len(moves)} waiting step{'' if len(moves) == 1 else 's'} from "
                f"{delegator.display_name} to their deputy {deputy.display_name}.",
                n=len(moves),
            )
            for failure in chasing.announce_moves(sweep.db, sweep.notifier, moves, why):
                sweep.report.failed(failure)
        except Exception as exc:
            log.warning("Hand-over for %s", delegator_id, exc_info=True)
            sweep.report.failed(
                f"could not hand over steps of staff {delegator_id}: {chasing.problem(exc)}"
            )


# -- approval cards that never arrived ----------------------------------------------------------


def redeliver_cards(sweep: Sweep) -> None:
    """A step whose card never reached its approver (Slack failed after the step was stored
    or moved) gets it now, the day after — never the same day, when the first attempt may
    still be under way."""
    with sweep.db.session() as session:
        due = [
            w
            for w in store.waiting(session)
            if not w.step.dm_ts
            and sweep.started_on(w.step) < sweep.today
            and not outbox.on_its_way(session, kind=owed.APPROVAL, subject=f"step:{w.step.id}")
        ]
        if not due:
            return
        approvers = staff.by_ids(session, ids={w.step.approver_id for w in due})
    for item in due:
        approver = approvers.get(item.step.approver_id)
        if approver is None or not approver.slack_user_id or not approver.active:
            continue  # no Slack account to send to: nothing a re-send could fix
        assert item.step.id is not None
        try:
            delivery.deliver(sweep.db, sweep.notifier, [item.step.id])
        except Exception as exc:
            why = chasing.problem(exc)
            sweep.report.failed(
                f"could not re-send {item.reference} to {approver.display_name}: {why}"
            )
            continue
        sweep.report.did(
            "redelivered",
            f"Re-sent the card for {item.reference} to {approver.display_name}, which had not "
            "reached them.",
        )


# -- chasing ---------------------------------------------------------------------------------


@dataclass
class _Due:
    item: store.Waiting
    waited: int
    started: date


def chase_approvals(sweep: Sweep) -> None:
    """Remind once at N working days; escalate at 2N (bot.rules.approvals.chase)."""
    limit = sweep.settings.policy.escalation_working_days
    with sweep.db.session() as session:
        waiting = store.waiting(session)
        asked = store.awaiting_answers(session)
    reminders: dict[int, list[_Due]] = defaultdict(list)
    for item in waiting:
        step = item.step
        if step.id in asked:
            continue
        started = sweep.started_on(step)
        what = chase(started, sweep.today, limit_days=limit, reminded=step.reminded_at is not None)
        if what is Chase.NOTHING:
            continue
        due = _Due(item, working_days_between(started, sweep.today), started)
        if what is Chase.ESCALATE:
            try:
                escalated = _escalate(sweep, due)
            except Exception as exc:
                log.warning("Escalating step %s", step.id, exc_info=True)
                sweep.report.failed(f"could not escalate {item.reference}: {chasing.problem(exc)}")
                continue
            if escalated or step.reminded_at is not None:
                continue
            # Nobody above: the approver still gets their one reminder.
        reminders[step.approver_id].append(due)
    for approver_id, items in reminders.items():
        try:
            _remind(sweep, approver_id, items)
        except Exception as exc:
            log.warning("Reminding staff %s", approver_id, exc_info=True)
            sweep.report.failed(f"could not remind staff {approver_id}: {chasing.problem(exc)}")


def _escalation_target(
    session: Session, sweep: Sweep, step: ApprovalStep, item: store.Waiting
) -> Approver | NoApprover:
    """The next role up from whoever holds the seat (the delegator, for a deputy's step),
    never the declarant, anyone named, the current holder, anyone who held the step before
    (so it never goes back down) or anyone holding another of the declaration's waiting steps.
    """
    assert step.id is not None
    return step_escalation_target(
        approver_id=step.approver_id,
        delegated_from_id=step.delegated_from_id,
        declarant_id=item.declarant_id,
        named_staff_id=item.named_staff_id,
        holding_waiting_steps=(
            s.approver_id
            for s in declarations.steps_for(session, declaration_id=step.declaration_id)
            if s.status == "pending"
        ),
        previous_holders=store.previous_holders(
            session, declaration_id=step.declaration_id, step_id=step.id
        ),
        org=sweep.org,
    )


def _escalate(sweep: Sweep, due: _Due) -> bool:
    """Move the step up; False when there is no one above to move it to."""
    item = due.item
    assert item.step.id is not None
    with sweep.db.session() as session:
        step = declarations.get_step(session, step_id=item.step.id)
        if step is None or step.status != "pending" or step.approver_id != item.step.approver_id:
            return True  # decided or moved since the sweep looked: nothing to do
        target = _escalation_target(session, sweep, step, item)
        holder = staff.by_id(session, staff_id=step.approver_id)
        holder_name = holder.display_name if holder else "its approver"
        if isinstance(target, NoApprover):
            sweep.report.note(
                f"{item.reference} has waited {due.waited} working days with {holder_name}, "
                "and there is no one above to escalate it to."
            )
            return False
        why = f"no decision after {due.waited} working days"
        moved = engine.move(session, step=step, to=target, why=why, actor_id=None, now=sweep.now)
        if moved is None:
            session.rollback()
            return True
        audit.record(
            session,
            action="escalated",
            declaration_id=step.declaration_id,
            step_id=step.id,
            from_id=moved.from_id,
            to_id=moved.to_id,
            working_days=due.waited,
            waiting_since=due.started,
        )
        session.commit()
        new = staff.by_id(session, staff_id=moved.to_id)
        new_name = new.display_name if new else "the next person up"
    sweep.report.did(
        "escalated",
        f"Escalated {item.reference} from {holder_name} to {new_name} ({due.waited} working "
        "days without a decision).",
    )
    for failure in chasing.announce_escalation(sweep.db, sweep.notifier, moved, waited=due.waited):
        sweep.report.failed(f"{item.reference}: {failure}")
    return True


def _remind(sweep: Sweep, approver_id: int, due: list[_Due]) -> None:
    """One reminder DM per approver, listing each step due one. Each step is claimed first
    (conditional UPDATE, committed); if the DM fails the claims are given back."""
    limit = sweep.settings.policy.escalation_working_days
    with sweep.db.session() as session:
        approver = staff.by_id(session, staff_id=approver_id)
        if approver is None or not approver.slack_user_id:
            refs = ", ".join(d.item.reference for d in due)
            sweep.report.note(f"Cannot remind staff {approver_id} about {refs}: no Slack account.")
            return
        claimed: list[_Due] = []
        for d in due:
            assert d.item.step.id is not None
            if store.claim_reminder(
                session, step_id=d.item.step.id, approver_id=approver_id, at=sweep.now
            ):
                claimed.append(d)
        session.commit()
        if not claimed:
            return
        claimed_ids = [d.item.step.id for d in claimed if d.item.step.id is not None]
        try:
            items = []
            for d in claimed:
                assert d.item.step.id is not None
                record = declarations.load_record(
                    session, declaration_id=d.item.step.declaration_id
                )
                assert record is not None
                step = next(s for s in record.steps if s.id == d.item.step.id)
                target = _escalation_target(session, sweep, step, d.item)
                next_name = None
                if isinstance(target, Approver):
                    next_name = _name(session, target.person_id)
                items.append(
                    chasing.reminder_item(
                        record,
                        d.item.step.id,
                        waiting_since=d.started,
                        escalates_on=add_working_days(d.started, 2 * limit),
                        next_name=next_name,
                    )
                )
            chasing.send_reminder(sweep.notifier, approver.slack_user_id, items, limit)
        except Exception as exc:
            log.warning("Reminding %s", approver.display_name, exc_info=True)
            session.rollback()
            store.release_reminders(session, step_ids=claimed_ids, approver_id=approver_id)
            session.commit()
            refs = ", ".join(d.item.reference for d in claimed)
            sweep.report.failed(
                f"could not remind {approver.display_name} about {refs}: {chasing.problem(exc)}"
            )
            return
        for d in claimed:
            audit.record(
                session,
                action="reminded",
                declaration_id=d.item.step.declaration_id,
                step_id=d.item.step.id,
                approver_id=approver_id,
                working_days=d.waited,
            )
        session.commit()
    refs = ", ".join(d.item.reference for d in claimed)
    sweep.report.did("reminded", f"Reminded {approver.display_name} about {refs}.")


def deliver_owed(sweep: Sweep) -> None:
    """Whatever the outbox still owes (a worker that died, Slack down for a while) goes now:
    the bot's own worker does the same all day, and `reminders run` has no other."""
    Worker(sweep.db, SlackSender(sweep.db, sweep.notifier)).run_once()


def _name(session: Session, staff_id: int) -> str | None:
    person = staff.by_id(session, staff_id=staff_id)
    return person.display_name if person else None


JOBS: list[Job] = [
    Job("end delegations", end_expired_delegations),
    Job("hand over to deputies", hand_over_to_deputies),
    Job("re-send approval cards", redeliver_cards),
    # Before the chase: a reminder due today goes in the digest (handlers/waiting/jobs.py).
    Job("waiting digest", waiting.send_digests, working_days_only=True),
    Job("chase approvals", chase_approvals, working_days_only=True),
    Job("annual declaration", annual_jobs.annual_declarations, working_days_only=True),
    Job("code of conduct undertaking", undertaking_jobs.undertakings, working_days_only=True),
    Job("outside-work reviews", review_jobs.outside_work_reviews, working_days_only=True),
    Job("vetting renewals", vetting_jobs.remind_renewals, working_days_only=True),
    Job("lapsed vetting", vetting_jobs.send_lapsed_lists, working_days_only=True),
    Job("policy reviews", policy_jobs.remind_policy_reviews, working_days_only=True),
    Job("governance digest", digest_jobs.post_governance_digest, working_days_only=True),
    Job("messages owed", deliver_owed),
]


# Loggers whose chatter would repeat, on stderr, what `reminders run` prints itself.
_QUIET_FOR_CLI = ("bot.sweep", "handlers")


def run_reminders(
    db: Database,
    client: WebClient,
    settings: Settings,
    today: date | None,
    *,
    out: TextIO,
    err: TextIO,
    clock: Callable[[], datetime] = utcnow,
) -> int:
    """`python -m bot reminders run [--today YYYY-MM-DD]`: the sweep, once, with a line per
    action and a summary. `--today` is the office's date; the sweep then acts as at
    SWEEP_TIME that day. Exit 1 if anything failed (it is retried on the next run)."""
    tz = settings.policy.tz
    if today is None:
        now = clock()
        today = now.astimezone(tz).date()
    else:
        now = datetime.combine(today, settings.policy.sweep_time, tzinfo=tz).astimezone(UTC)
    levels = {name: logging.getLogger(name).level for name in _QUIET_FOR_CLI}
    for name in _QUIET_FOR_CLI:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    notifier = Notifier(client)
    homes = attach_homes(db, notifier, settings, clock)  # noqa: F841 (watched weakly: keep it)
    try:
        report = run_sweep(db, notifier, settings, today, now)
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    if not report.working_day:
        print(
            f"{long_day(today)} is not a working day: approvals are not chased on weekends "
            "or bank holidays.",
            file=out,
        )
    for line in report.lines:
        print(line, file=out)
    for failure in report.failures:
        print(f"nolan: error: {failure}", file=err)
    print(report.summary(), file=out)
    return 1 if report.failures else 0
