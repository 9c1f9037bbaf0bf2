"""What the register export says in Slack."""

from __future__ import annotations

from bot.notifier import Message
from bot.ui.register_export import REGISTER_NAMES
from handlers.register_export.form import ExportRequest

NOT_ALLOWED = (
    "Only the monitoring officer and the head of office can export the registers: they hold "
    "personal data."
)


def _range(wanted: ExportRequest) -> str:
    if wanted.date_from and wanted.date_to:
        return f", {wanted.date_from:%-d %b %Y} to {wanted.date_to:%-d %b %Y}"
    if wanted.date_from:
        return f", from {wanted.date_from:%-d %b %Y}"
    if wanted.date_to:
        return f", up to {wanted.date_to:%-d %b %Y}"
    return ""


def title(wanted: ExportRequest) -> str:
    scope = "for publication" if wanted.public else "full, with personal data"
    return f"{REGISTER_NAMES.get(wanted.register, wanted.register)} register ({scope})"


def ready(wanted: ExportRequest, rows: int) -> Message:
    caution = "" if wanted.public else " It holds personal data: keep it within the office."
    return Message(
        text=f"Here is the {title(wanted)}{_range(wanted)}: {rows} "
        f"row{'' if rows == 1 else 's'}, as {wanted.fmt.upper()}.{caution} The export is "
        "recorded in the audit trail."
    )


def failed(wanted: ExportRequest, why: str) -> Message:
    return Message(text=f"Nolan could not export the {title(wanted)}: {why}.")
