"""Reading the export modal back: what was chosen, and what is wrong with it (the check
itself is bot.usecases.exports')."""

from __future__ import annotations

from typing import Any

from bot.usecases.exports import ExportRequest, InvalidExport, check_request
from handlers import slack_ui
from handlers.register_export.ids import Field

__all__ = ["ExportRequest", "InvalidExport", "read_export_form"]


def read_export_form(values: dict[str, Any]) -> ExportRequest:
    """The choices, or InvalidExport with a message per field (Slack shows each under it)."""
    answers = slack_ui.answers(values)
    return check_request(
        answers.choice(Field.REGISTER),
        answers.choice(Field.FORMAT),
        answers.choice(Field.CONTENT),
        answers.date(Field.DATE_FROM),
        answers.date(Field.DATE_TO),
    )
