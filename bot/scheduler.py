"""The scheduler inside the bot process: it only *triggers* the daily sweep (bot.sweep) each
working morning at SWEEP_TIME, office time.

APScheduler's own FAQ warns that a job store shared by several schedulers duplicates or skips
jobs, so the job store here is the default in-memory one and exactly-once lives in the
database (the sweep's conditional updates): two bot processes each running the sweep send
nothing twice. The time zone is set explicitly (APScheduler ≥ 3.11.3 for daylight saving),
and a generous misfire grace time plus a catch-up run at start mean a restart around the
sweep time does not drop a day.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.rules.calendar import is_working_day
from bot.runtime import Runtime
from bot.settings import Settings
from bot.sweep import SweepReport

log = logging.getLogger(__name__)

JOB_ID = "daily_sweep"
# A sweep that could not start on time (the machine slept, the process was busy) still runs
# if it is this late; it is safe to run late because it does only what is due.
MISFIRE_GRACE = timedelta(hours=3)


def sweep_trigger(settings: Settings) -> CronTrigger:
    """Monday to Friday at SWEEP_TIME in the office's time zone; bank holidays are skipped by
    the job itself (cron knows nothing of them)."""
    at = settings.policy.sweep_time
    return CronTrigger(
        day_of_week="mon-fri",
        hour=at.hour,
        minute=at.minute,
        timezone=ZoneInfo(settings.policy.timezone),
    )


def sweep_job(runtime: Runtime) -> SweepReport | None:
    """What the scheduler runs: the sweep (the runtime's jobs, as `reminders run` runs them)
    as of the office's date, unless it is a bank holiday. Never raises (a failure is logged;
    the next working morning tries again)."""
    now = runtime.clock()
    today = now.astimezone(runtime.settings.policy.tz).date()
    if not is_working_day(today):
        log.info("Daily sweep skipped: %s is not a working day", today.isoformat())
        return None
    try:
        report = runtime.sweep(today, now)
    except Exception:
        log.exception("Daily sweep failed")
        return None
    for line in report.lines:
        log.info("Daily sweep: %s", line)
    for failure in report.failures:
        log.warning("Daily sweep: %s", failure)
    log.info("Daily sweep for %s: %s", today.isoformat(), report.summary())
    return report


def make_scheduler(runtime: Runtime) -> BackgroundScheduler:
    """A scheduler (not yet started) with the daily sweep on it, and a catch-up run if the
    bot starts within the grace time after today's sweep time."""
    settings = runtime.settings
    tz = ZoneInfo(settings.policy.timezone)
    scheduler = BackgroundScheduler(timezone=tz)
    trigger = sweep_trigger(settings)
    scheduler.add_job(
        sweep_job,
        trigger,
        args=(runtime,),
        id=JOB_ID,
        name="Daily sweep: reminders, escalation, delegations",
        misfire_grace_time=int(MISFIRE_GRACE.total_seconds()),
        coalesce=True,
        max_instances=1,
        replace_existing=True,
    )
    now = runtime.clock().astimezone(tz)
    missed = trigger.get_next_fire_time(None, now - MISFIRE_GRACE)
    if missed is not None and missed <= now:
        # Started after today's sweep time: the in-memory store never saw that run, so do it
        # now (it sends only what has not been sent).
        scheduler.add_job(
            sweep_job,
            "date",
            run_date=now,
            args=(runtime,),
            id=f"{JOB_ID}_catch_up",
            misfire_grace_time=int(MISFIRE_GRACE.total_seconds()),
            max_instances=1,
            replace_existing=True,
        )
    return scheduler


def start_scheduler(runtime: Runtime) -> BackgroundScheduler:
    settings = runtime.settings
    scheduler = make_scheduler(runtime)
    scheduler.start()
    job = scheduler.get_job(JOB_ID)
    log.info(
        "Daily sweep scheduled at %s %s on working days; next run %s",
        settings.policy.sweep_time.strftime("%H:%M"),
        settings.policy.timezone,
        job.next_run_time.isoformat() if job and job.next_run_time else "unknown",
    )
    return scheduler


def stop_scheduler(scheduler: BackgroundScheduler) -> None:
    """Stop triggering; a sweep already running finishes (each item is its own transaction)."""
    if scheduler.running:
        scheduler.shutdown(wait=True)
