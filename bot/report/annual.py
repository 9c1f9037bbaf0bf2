"""`python -m bot report annual --year 2026 --out report.pdf|.html`, and the functions both
it and `/conduct report` use to build the report and record it in the audit trail."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.export import FILE_ERRORS, explain, replacing
from bot.making import owe_file
from bot.report.charts import Chart, charts
from bot.report.gather import annual_summary
from bot.report.render import to_html, write_pdf
from bot.report.summary import Summary
from bot.rules.financial_year import FinancialYear
from bot.settings import Settings
from storage import audit
from storage.db import Database

FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf"}
FILE = "report_file"  # the outbox message that makes and delivers one report in chat


def year_of(start_year: int | None, now: datetime, settings: Settings) -> FinancialYear:
    """The financial year starting 1 April `start_year`; by default the current one."""
    if start_year is not None:
        return FinancialYear(start_year)
    return FinancialYear.containing(now.astimezone(settings.policy.tz).date())


def build(
    db: Database, settings: Settings, *, year: FinancialYear, now: datetime
) -> tuple[Summary, list[Chart]]:
    """The report's figures and charts. Not yet recorded: the caller records the report
    (`record_report`) once it has been made, before it reaches anyone."""
    policy = settings.policy
    with db.session() as session:
        summary = annual_summary(
            session, year=year, policy=policy, today=now.astimezone(policy.tz).date(), now=now
        )
    return summary, charts(summary)


def record_report(
    db: Database, *, year: FinancialYear, actor_id: int | None = None, via: str
) -> None:
    """The report in the audit trail: it draws on every register."""
    with db.session() as session:
        audit.record(session, action="annual_report", actor_id=actor_id, year=year.label, via=via)
        session.commit()


def owe_report(
    db: Database, *, officer_id: int, year: FinancialYear, at: datetime, **more: str
) -> None:
    """The report owed to the officer who asked for it in chat (`FILE`,
    bot.making.owe_file), as of `at`: made once the outbox draws it. `more`: what the
    platform's drawer needs besides."""
    owe_file(db, FILE, officer_id=officer_id, year=year.start_year, at=at.isoformat(), **more)


def write_report(
    db: Database,
    settings: Settings,
    *,
    year: FinancialYear,
    now: datetime,
    output: Path,
    via: str,
    actor_id: int | None = None,
) -> Summary:
    """Build the report and write it to `output` (.pdf or .html), recorded in the audit
    trail; its figures. ExportError, OSError or SQLAlchemyError when it could not be made."""
    office = settings.policy.office_name
    summary, drawn = build(db, settings, year=year, now=now)
    with replacing(output, private=True) as fh:
        if FORMATS.get(output.suffix.lower()) == "pdf":
            write_pdf(fh, summary, drawn, office=office)
        else:
            fh.write(to_html(summary, drawn, office=office).encode("utf-8"))
        # Written in full, and recorded before it takes its name (as an export is): no
        # report file the trail does not know of, and no entry for one never written.
        record_report(db, year=year, actor_id=actor_id, via=via)
    return summary


class BadYear(ValueError):
    pass


def parse_year(words: list[str]) -> int | None:
    """The start year asked for ("2026", "2026/27", as FinancialYear.parse reads it), or None
    for the current year."""
    if not words:
        return None
    if len(words) != 1:
        raise BadYear(" ".join(words))
    try:
        return FinancialYear.parse(words[0]).start_year
    except ValueError as exc:
        raise BadYear(str(exc)) from None


def run_annual_report(
    *,
    db: Database,
    settings: Settings,
    start_year: int | None,
    output: Path,
    now: datetime,
    out: TextIO,
    err: TextIO,
) -> int:
    """The CLI command. Exit status: 0 written, 1 could not read or write, 2 bad options."""
    fmt = FORMATS.get(output.suffix.lower())
    if fmt is None:
        print(f"nolan: error: cannot tell the format of {output}: name it .html or .pdf", file=err)
        return 2
    year = year_of(start_year, now, settings)
    try:
        write_report(db, settings, year=year, now=now, output=output, via=f"cli:{output}")
    except FILE_ERRORS as exc:
        return explain(exc, err, writing=str(output), reading="the registers")
    print(f"Wrote the annual report for {year.label} to {output}.", file=out)
    return 0
