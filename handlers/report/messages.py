"""What `/conduct report` says: the refusal, and the report as Block Kit (pure)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.report.render import Table, headline, scope_note, tables
from bot.report.summary import Summary
from handlers.notifier import Message
from handlers.text import clip, escape

NOT_ALLOWED = (
    "Only the monitoring officer and the head of office can have the annual report: it "
    "draws on every register."
)
USAGE = (
    "Usage: `/conduct report [year]` — the financial year starting 1 April of that year, e.g. "
    "`/conduct report 2026` for 2026/27; without a year, the current one."
)
# Lines of a long table shown in Slack; the HTML/PDF report (CLI) shows more (LISTED), the
# register exports all of them.
TABLE_LINES = 10


def preparing(label: str) -> str:
    return f"Preparing the annual report for {label}: it will arrive in your DM with Nolan."


def report_failed(label: str) -> Message:
    return Message(
        text=f"Nolan could not prepare the annual report for {label}: something went wrong "
        "reading the registers. Please try again later; if it keeps happening, tell an admin."
    )


def charts_failed(why: str) -> Message:
    return Message(
        text=f"Nolan could not attach the report's charts ({why}). If Slack says "
        "missing_scope, an admin needs to reinstall the app so it has files:write."
    )


def _table_text(table: Table) -> str:
    if not table.rows:
        return f"*{escape(table.caption)}*\n{escape(table.empty)}"
    lines = [" · ".join(escape(v) for v in row) for row in table.rows[:TABLE_LINES]]
    if table.count > TABLE_LINES:
        lines.append(f"… and {table.count - TABLE_LINES:,} more.")
    return f"*{escape(table.caption)}*\n" + "\n".join(f"• {line}" for line in lines)


def report_message(summary: Summary, *, office: str) -> Message:
    heading = f"Annual report {summary.year.label}"
    figures = headline(summary)
    fields = [
        MarkdownTextObject(text=clip(f"*{escape(measure)}*\n{escape(value)}", 2000))
        for measure, value in figures.rows
    ][:10]
    blocks: list[Block] = [
        HeaderBlock(text=clip(heading, 150)),
        SectionBlock(fields=fields),
        DividerBlock(),
    ]
    for table in tables(summary)[1:]:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(_table_text(table), 3000))))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=clip(
                        f"{escape(office)}. {escape(scope_note(summary))} The charts follow. "
                        "For the committee's papers: `python -m bot report annual --year "
                        f"{summary.year.start_year} --out report.pdf`.",
                        3000,
                    )
                )
            ]
        )
    )
    text = (
        f"{heading}: {summary.total} declarations; "
        + "; ".join(f"{measure}: {value}" for measure, value in figures.rows[1:])
        + "."
    )
    return Message(text=clip(text, 3000), blocks=blocks)
