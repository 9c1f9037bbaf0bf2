"""`/conduct report [year]`: the annual report for the audit committee, sent to the officer
who asked (the monitoring officer or head of office) in a DM — the figures as a message,
the charts as images (bot.report builds both)."""

from __future__ import annotations

from handlers.conduct import Subcommand
from handlers.report import owed as owed  # its Slack drawer, on import
from handlers.report.listeners import conduct_report

SUBCOMMANDS: dict[str, Subcommand] = {"report": conduct_report}
