"""`python -m bot reminders run [--today YYYY-MM-DD] [--at HH:MM]`: the daily sweep, once,
from the command line, with a line per action and a summary."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time
from typing import TextIO

from bot.runtime import Runtime
from bot.usecases.unreachable import told
from handlers.delegation.messages import long_day

# Loggers whose chatter would repeat, on stderr, what `reminders run` prints itself.
_QUIET_FOR_CLI = ("bot.sweep", "handlers")


def run_reminders(
    runtime: Runtime, today: date | None, *, at: time | None = None, out: TextIO, err: TextIO
) -> int:
    """The sweep as of `today`, the office's date, acting as at `at` that day (office time;
    default SWEEP_TIME), or now when neither is given: a reminder due at a time outside the
    recipient's working hours waits for their morning. Exit 1 if anything failed (it is
    retried on the next run)."""
    settings = runtime.settings
    tz = settings.policy.tz
    if today is None and at is None:
        now = runtime.clock()
        today = now.astimezone(tz).date()
    else:
        today = today or runtime.clock().astimezone(tz).date()
        at = at or settings.policy.sweep_time
        now = datetime.combine(today, at, tzinfo=tz).astimezone(UTC)
    levels = {name: logging.getLogger(name).level for name in _QUIET_FOR_CLI}
    for name in _QUIET_FOR_CLI:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    homes = runtime.attach_homes(at_once=True)  # noqa: F841 (watched weakly: keep it)
    try:
        report = runtime.sweep(today, now)
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
    with runtime.db.session() as session:  # messages parked for want of Nolan installed
        for line in told(session):
            print(line, file=out)
    return 1 if report.failures else 0
