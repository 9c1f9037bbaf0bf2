"""The daily sweep: everything that falls due on a day, done once.

The sweep is a list of `Job`s run in order; it imports no feature. Each feature declares its
jobs, platform-neutral, in `bot/jobs/<feature>.py` (`JOBS`); `bot.jobs.all_jobs()` orders
them, the composition root (`bot.runtime.Runtime`) passes the list here, so
`python -m bot reminders run [--today YYYY-MM-DD]` and the scheduler inside the bot run the
same jobs and the sweep can be driven by date.

Exactly once lives in the database, not in the scheduler: a reminder is claimed by a
conditional UPDATE before it is sent (and given back if sending fails, so the next run
retries it), and a step moves by the engine's conditional update, so two sweeps at once, or a
second run on the same day, send nothing new. Each item is its own transaction; one bad item
is logged and the sweep goes on. Queries never run per member of staff: what jobs share (the
org chart) is loaded once, on the `Sweep`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from bot.outbox import Worker, describe_failure
from bot.rules.calendar import is_working_day
from bot.rules.routing import Org
from bot.rules.status import OutboxStatus
from bot.settings import Settings
from storage import outbox as outbox_rows
from storage import staff, touched
from storage.db import Database
from storage.models import ApprovalStep

log = logging.getLogger(__name__)

# The summary's headline: always shown, even at zero, so "nothing to do" reads as such (when
# a job that counts them is in the run).
ALWAYS = ("reminded", "escalated", "delegations_ended")

# Failures of one delivery said a line each; the rest counted (the report stays readable
# when the platform is down).
FAILURE_LINES = 10

# How the summary words a count: (one, many), each with {n}.
Phrases = Mapping[str, tuple[str, str]]


@dataclass
class SweepReport:
    """What one sweep did: a line per action, counts for the summary, and what failed."""

    today: date
    working_day: bool
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    phrases: dict[str, tuple[str, str]] = field(default_factory=dict)

    def did(self, kind: str, line: str, n: int = 1) -> None:
        self.lines.append(line)
        self.counts[kind] += n

    def note(self, line: str) -> None:
        """Something worth saying that is neither done nor failed (e.g. no one to escalate to)."""
        self.lines.append(line)

    def failed(self, line: str) -> None:
        self.failures.append(line)

    def summary(self) -> str:
        always = [k for k in ALWAYS if k in self.phrases]
        parts = []
        for kind in [*always, *(k for k in self.counts if k not in always)]:
            n = self.counts[kind]
            if n == 0 and kind not in always:
                continue
            one, many = self.phrases.get(kind, (f"{kind}: {{n}}", f"{kind}: {{n}}"))
            parts.append((one if n == 1 else many).format(n=n))
        text = ", ".join(parts) or "nothing to do"
        text = text[:1].upper() + text[1:] + "."
        if self.failures:
            n = len(self.failures)
            text += f" {n} {'thing' if n == 1 else 'things'} failed; the next run tries again."
        return text


@dataclass(frozen=True)
class Owed:
    """A message a job queued (bot.ledger.owe_once), and how the report words it: `kind` and
    `line` (with `n`) once it is sent or queued, `waiting` while it is parked, `failed`
    (followed by the platform's error, or with it in place of "{error}") if the platform
    refused it."""

    id: int
    kind: str
    line: str | None  # None: the job words what went itself (one line for many)
    failed: str
    n: int = 1
    # Said instead of `line` while the message is parked (Teams answers 403 where Nolan is not
    # installed, for a person or a channel's team): it goes by itself once Nolan is installed
    # (bot.teams.edge, bot.teams.channels), so it is neither sent nor failed.
    waiting: str | None = None


@dataclass
class Sweep:
    """One run: its inputs, its report, and what its jobs share (loaded once)."""

    db: Database
    settings: Settings
    today: date
    now: datetime
    report: SweepReport
    # The runtime's delivery worker, for the job that sends what the outbox still owes (None:
    # a sweep run without one, in tests of other jobs).
    outbox: Worker | None = None
    owed: list[Owed] = field(default_factory=list)

    def owe(self, owed: Owed) -> None:
        """Count a message a job queued, worded when the job's delivery is known (`deliver`)."""
        self.owed.append(owed)

    def deliver(self) -> list[Owed]:
        """Send what the jobs owe — new, or owed by an earlier run and failed (tried again
        now, once) — through the runtime's worker, drawn as at the sweep's now; report each:
        sent (or held by the platform for working hours), or refused, with the platform's
        error. Without a worker (the bot's sends them once committed), queued counts.
        Returns what went; failures past FAILURE_LINES are counted in one line."""
        owed, self.owed = {o.id: o for o in self.owed}, []
        if self.outbox is None:
            for o in owed.values():
                if o.line is not None:
                    self.report.did(o.kind, o.line, n=o.n)
            return list(owed.values())
        with self.db.session() as session:
            outbox_rows.retry_now(session, ids=sorted(owed))
            session.commit()
        self.outbox.run_once(at=self.now)
        with self.db.session() as session:
            rows = outbox_rows.by_ids(session, ids=sorted(owed))
        went, failed = [], []
        for row_id, row in sorted(rows.items()):
            o = owed[row_id]
            if row.status in (OutboxStatus.FAILED, OutboxStatus.DEAD):
                error = str(row.last_error)
                said = o.failed.replace("{error}", error) if "{error}" in o.failed else None
                failed.append(said or f"{o.failed}: {error}")
            elif row.status == OutboxStatus.PARKED and o.waiting is not None:
                self.report.note(o.waiting)
            elif row.status != OutboxStatus.SKIPPED:
                went.append(o)
                if o.line is not None:
                    self.report.did(o.kind, o.line, n=o.n)
        for line in failed[:FAILURE_LINES]:
            self.report.failed(line)
        if len(failed) > FAILURE_LINES:
            self.report.failed(f"{len(failed) - FAILURE_LINES} more messages could not be sent")
        return went

    @cached_property
    def org(self) -> Org:
        with self.db.session() as session:
            return staff.org_view(session, on=self.today, whole=True)

    def local_day(self, at: datetime) -> date:
        return at.astimezone(self.settings.policy.tz).date()

    def started_on(self, step: ApprovalStep) -> date:
        return self.local_day(step.clock_started_at or step.created_at)


@dataclass(frozen=True)
class Job:
    """One thing the sweep does each day; a feature declares it in its package's `JOBS`."""

    name: str
    run: Callable[[Sweep], None]
    working_days_only: bool = False
    # How the summary words the counts this job keeps (`report.did(kind, …)`).
    phrases: Phrases = field(default_factory=dict)


def run_sweep(
    db: Database,
    settings: Settings,
    today: date,
    now: datetime,
    *,
    jobs: Sequence[Job],
    outbox: Worker | None = None,
) -> SweepReport:
    """Do everything due as of `today` (the office's local date) that `jobs` do; `now`
    stamps the audit trail and restarts the clocks of steps that move."""
    report = SweepReport(today=today, working_day=is_working_day(today))
    for job in jobs:
        report.phrases.update(job.phrases)
    sweep = Sweep(db, settings, today, now, report, outbox)
    for job in jobs:
        if job.working_days_only and not report.working_day:
            continue
        try:
            job.run(sweep)
        except Exception as exc:  # a job that fails outright must not stop the others
            log.warning("Sweep job %r failed", job.name, exc_info=True)
            report.failed(f"{job.name}: {describe_failure(exc)}")
    touched.settle(db)  # owe a Home refresh to everyone the sweep's changes concern
    if outbox is not None:
        # and send them, as of the sweep's time: `reminders run` has no worker after it
        outbox.run_once(at=now)
    return report
