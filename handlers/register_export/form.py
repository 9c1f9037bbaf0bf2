"""Reading the export modal back: what was chosen, and what is wrong with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.export import FORMATS
from bot.registers import REGISTERS
from bot.rules.refusal import Invalid
from handlers import slack_ui
from handlers.register_export.ids import FULL, PUBLIC, Field


@dataclass(frozen=True)
class ExportRequest:
    register: str
    fmt: str
    public: bool
    date_from: date | None
    date_to: date | None

    @property
    def filename(self) -> str:
        scope = "public" if self.public else "full"
        days = "-".join(d.isoformat() for d in (self.date_from, self.date_to) if d is not None)
        return f"{self.register}-register-{scope}{'-' + days if days else ''}.{self.fmt}"


class InvalidExport(Invalid):
    """The export form's answers failed (refusal.Invalid)."""


def read_export_form(values: dict[str, Any]) -> ExportRequest:
    """The choices, or InvalidExport with a message per field (Slack shows each under it)."""
    answers = slack_ui.answers(values)
    register = answers.choice(Field.REGISTER)
    fmt = answers.choice(Field.FORMAT)
    content = answers.choice(Field.CONTENT)
    date_from, date_to = answers.date(Field.DATE_FROM), answers.date(Field.DATE_TO)
    errors: dict[str, str] = {}
    if register not in REGISTERS:
        errors[Field.REGISTER] = "Choose a register."
    if fmt not in FORMATS:
        errors[Field.FORMAT] = "Choose CSV or XLSX."
    if content not in (PUBLIC, FULL):
        errors[Field.CONTENT] = "Choose what to include."
    if date_from is not None and date_to is not None and date_from > date_to:
        errors[Field.DATE_TO] = "This is before the start date."
    if errors:
        raise InvalidExport(errors)
    assert register is not None and fmt is not None
    return ExportRequest(register, fmt, content == PUBLIC, date_from, date_to)
