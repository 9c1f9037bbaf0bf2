"""`/conduct report [year]`: the report owed through the outbox, then the answer; the report
itself is made off the request and sent to the DM with its charts (handlers.report.owed)."""

from __future__ import annotations

from bot.report.annual import BadYear, owe_report, parse_year, year_of
from bot.rules.access import is_officer
from handlers.conduct import ConductRequest
from handlers.report import messages

__all__ = ["BadYear", "conduct_report", "parse_year"]


def conduct_report(request: ConductRequest) -> None:
    try:
        start = parse_year(request.args)
    except BadYear:
        request.reply(messages.USAGE)
        return
    me = request.actor
    officer_id = me.id if me is not None and is_officer(me.role_set) else None
    if officer_id is None:
        request.reply(messages.NOT_ALLOWED)
        return
    now = request.clock()
    year = year_of(start, now, request.settings)
    # Owed before the answer: a restart after it does not lose the report.
    owe_report(request.db, officer_id=officer_id, year=year, at=now)
    request.reply(messages.preparing(year.label))
