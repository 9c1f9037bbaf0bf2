"""What a sweep job that writes to many people (the annual declaration, the undertaking, the
yearly reviews) says in the sweep's report: how many it reached, and what it could not send."""

from __future__ import annotations

from bot.sweep import Sweep

MAX_FAILURE_LINES = 10  # the rest are counted: the report stays readable when Slack is down


def people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def report_sent(
    sweep: Sweep, action: str, *, sent: int, reminded: int, sent_line: str, reminded_line: str
) -> None:
    """`action`_sent and `action`_reminded, each when any went; the lines say {people}."""
    if sent:
        sweep.report.did(f"{action}_sent", sent_line.format(people=people(sent)), n=sent)
    if reminded:
        sweep.report.did(
            f"{action}_reminded", reminded_line.format(people=people(reminded)), n=reminded
        )


def report_failures(sweep: Sweep, failures: list[str], *, more: str) -> None:
    """The first MAX_FAILURE_LINES failures a line each, then `more` (saying {n}) for the rest."""
    for failure in failures[:MAX_FAILURE_LINES]:
        sweep.report.failed(failure)
    if len(failures) > MAX_FAILURE_LINES:
        sweep.report.failed(more.format(n=len(failures) - MAX_FAILURE_LINES))
