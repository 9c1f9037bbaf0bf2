"""What the register export says in Slack (the words: bot.usecases.exports)."""

from __future__ import annotations

from bot.usecases.exports import NOT_ALLOWED, ExportRequest, failed_text, ready_text, title
from handlers.notifier import Message

__all__ = ["NOT_ALLOWED", "failed", "ready", "title"]


def ready(wanted: ExportRequest, rows: int) -> Message:
    return Message(text=ready_text(wanted, rows))


def failed(wanted: ExportRequest, why: str) -> Message:
    return Message(text=failed_text(wanted, why))
