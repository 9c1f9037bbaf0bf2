"""`python -m bot reminders run [--today YYYY-MM-DD]`: the daily sweep, once, from the
command line, with a line per action and a summary."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import TextIO

from bot.runtime import Runtime
from handlers.delegation.messages import long_day

# Loggers whose chatter would repeat, on stderr, what `reminders run` prints itself.
_QUIET_FOR_CLI = ("bot.sweep", "handlers")


def run_reminders(runtime: Runtime, today: date | None, *, out: TextIO, err: TextIO) -> int:
    """The sweep as of `today`, the office's date (the sweep then acts as at SWEEP_TIME that
    day), or now. Exit 1 if anything failed (it is retried on the next run)."""
    settings = runtime.settings
    tz = settings.policy.tz
    if today is None:
        now = runtime.clock()
        today = now.astimezone(tz).date()
    else:
        now = datetime.combine(today, settings.policy.sweep_time, tzinfo=tz).astimezone(UTC)
    levels = {name: logging.getLogger(name).level for name in _QUIET_FOR_CLI}
    for name in _QUIET_FOR_CLI:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    homes = runtime.attach_homes()  # noqa: F841 (watched weakly: keep it)
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
    return 1 if report.failures else 0
