"""`conduct report [year]` on Teams: the annual report for the audit committee, for the
monitoring officer or the head of office, as the PDF the committee's papers take
(`python -m bot report annual` writes the same), sent by the file-consent card
(bot.teams.file_consent) to the officer's OneDrive. Made once the outbox comes to draw the
card, on a thread of its own (once per request: the request carries the file's token), and
recorded in the audit trail once made, before it reaches anyone, as on Slack."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot import file_store
from bot.export import ExportError
from bot.making import CouldNotMake, database, settings
from bot.outbox import Queued
from bot.report.annual import FILE, BadYear, owe_report, parse_year, write_report, year_of
from bot.rules.financial_year import FinancialYear
from bot.teams.conduct import subcommand, tell
from bot.teams.drawers import Drawn, drawer
from bot.teams.file_consent import consent, offered, offered_sent
from bot.teams.router import Router, Turn
from bot.usecases.exports import officer_id

log = logging.getLogger(__name__)

WORD = "report"
NOT_ALLOWED = (
    "Only the monitoring officer and the head of office can have the annual report: it "
    "draws on every register."
)
USAGE = (
    "Type *conduct report* for the current financial year's annual report, or *conduct "
    "report 2026* for the year starting 1 April 2026 (2026/27 works too)."
)


def register(_router: Router) -> None:
    subcommand(WORD, conduct_report, "officers: the annual report for the audit committee, "
               "as a PDF to your OneDrive")


def conduct_report(turn: Turn) -> None:
    try:
        start = parse_year(turn.args.split())
    except BadYear:
        tell(turn, USAGE)
        return
    me = officer_id(turn.actor)
    if me is None:
        tell(turn, NOT_ALLOWED)
        return
    year = year_of(start, turn.clock(), turn.settings)
    tell(turn, f"Preparing the annual report for {year.label}: it comes in this chat in a "
               "moment as a PDF. Press Allow on it to put it in your OneDrive.")
    owe_report(turn.db, officer_id=me, year=year, at=turn.clock())


@drawer(FILE, after=offered_sent)
def draw_file(_session: Session, message: Queued) -> Drawn | None:
    """The report made (once, off the outbox's thread: bot.making) and
    offered by its consent card."""
    year = FinancialYear(int(message.payload["year"]))

    def make(token: str, officer: int) -> None:
        name = f"annual-report-{year.start_year}.pdf"
        try:
            with file_store.making(token, owner=officer, filename=name) as (target, kept):
                summary = write_report(
                    database(),
                    settings(),
                    year=year,
                    now=datetime.fromisoformat(str(message.payload["at"])),
                    output=target,
                    via=f"teams:{message.recipient}",
                    actor_id=officer,
                )
                kept["total"] = summary.total
        except (ExportError, OSError, SQLAlchemyError) as exc:
            log.exception("Building the annual report for %s", year.label)
            raise CouldNotMake(
                f"Nolan could not prepare the annual report for {year.label}: something went "
                "wrong reading the registers. Please try again later; if it keeps happening, "
                "tell an admin."
            ) from exc

    def offer(found: file_store.Held) -> Drawn:
        total = int(str(found.detail.get("total", 0)))
        text = (
            f"Here is the annual report for {year.label}, for the audit committee: {total} "
            f"declaration{'' if total == 1 else 's'}. The report is recorded in the audit "
            "trail. Press Allow to put it in your OneDrive."
        )
        return consent(found, message, text=text, description=f"Annual report {year.label} (PDF)")

    return offered(message, make, offer)
