"""The annual report the officer asked for, in their DM (bot.report.annual.FILE): once the
outbox draws it, the report is built off its thread (bot.making) — the message's blocks and
the charts' PNGs kept beside each other — and recorded in the audit trail before it reaches
anyone; then the message and each chart follow as one message's parts."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

from slack_sdk.models.blocks import Block
from sqlmodel import Session

from bot import file_store
from bot.block_kit import plain
from bot.making import CouldNotMake, database, delivered, made, settings
from bot.outbox import Posted, Queued
from bot.report.annual import FILE, build, record_report
from bot.report.charts import Chart
from bot.rules.financial_year import FinancialYear
from handlers.notifier import Message
from handlers.outgoing import Drawn, Upload, card
from handlers.report import messages

log = logging.getLogger(__name__)

SHOWN = "report.json"  # the report's message, as Block Kit


def _sent(_session: Session, message: Queued, _sent: Posted | None) -> None:
    delivered(message)  # the charts are in Slack now: not kept on the server


@card(FILE, after=_sent)
def draw_report(_session: Session, message: Queued) -> Drawn | None:
    year = FinancialYear(int(message.payload["year"]))
    at = datetime.fromisoformat(str(message.payload["at"]))
    found = made(message, lambda token, officer: _make(token, officer, year=year, at=at))
    if found is None:
        return None
    if isinstance(found, str):
        return Drawn(Message(text=found))
    shown = json.loads(found.path.read_text())
    charts = found.detail.get("charts")
    files = tuple(
        Upload(
            found.path.parent / str(c["file"]),
            str(c["file"]),
            str(c["title"]),
            alt_text=str(c["alt"]),
            refused=messages.charts_failed,
        )
        for c in (charts if isinstance(charts, list) else [])
    )
    return Drawn(Message(text=shown["text"], blocks=Block.parse_all(shown["blocks"])), files=files)


def _make(token: str, officer: int, *, year: FinancialYear, at: datetime) -> None:
    db, office = database(), settings()
    try:
        with file_store.making(token, owner=officer, filename=SHOWN) as (target, kept):
            summary, charts = build(db, office, year=year, now=at)
            shown = messages.report_message(summary, office=office.policy.office_name)
            target.write_text(json.dumps({"text": shown.text, "blocks": plain(shown.blocks)}))
            kept["charts"] = [_chart_file(target.parent, chart, year) for chart in charts]
            # Recorded once made and before it is sent (as the CLI's file is): never a
            # report in a DM that the trail does not know of.
            record_report(db, year=year, actor_id=officer, via="slack")
    except Exception as exc:
        log.exception("Building the annual report for %s", year.label)
        raise CouldNotMake(messages.report_failed(year.label).text) from exc


def _chart_file(where: Path, chart: Chart, year: FinancialYear) -> dict[str, str]:
    name = f"{chart.name}-{year.start_year}.png"
    (where / name).write_bytes(chart.png())
    return {"file": name, "title": chart.title, "alt": chart.alt}
