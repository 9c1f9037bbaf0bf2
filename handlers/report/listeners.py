"""`/conduct report [year]`: ack at once, then build the report and DM it with its charts."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.report.annual import BadYear, build, parse_year, record_report, year_of
from bot.rules.access import is_officer
from handlers.conduct import ConductRequest
from handlers.report import messages

log = logging.getLogger(__name__)

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
    request.reply(messages.preparing(year.label))  # Slack wants an answer within 3 seconds
    try:
        summary, charts = build(request.db, request.settings, year=year, now=now)
        # Recorded once made and before it is sent (as the CLI's file is): never a report
        # in a DM that the trail does not know of.
        record_report(request.db, year=year, actor_id=officer_id, via="slack")
    except Exception:
        # The officer was told it was coming: tell them it is not, rather than nothing.
        log.exception("Building the annual report for %s", year.label)
        request.notifier.dm(request.user_id, messages.report_failed(year.label))
        return
    office = request.settings.policy.office_name
    posted = request.notifier.dm(request.user_id, messages.report_message(summary, office=office))
    try:
        for chart in charts:
            request.notifier.upload(
                posted.channel,
                content=chart.png(),
                filename=f"{chart.name}-{year.start_year}.png",
                title=chart.title,
                alt_text=chart.alt,
            )
    except SlackApiError as exc:
        log.warning("Uploading the annual report's charts: %s", exc)
        request.notifier.dm(
            request.user_id, messages.charts_failed(str(exc.response.get("error", "error")))
        )
