"""A register export for an officer in chat, on any platform: who may have one, the choices
checked, the file owed through the outbox and made off the request (bot.making) as
`python -m bot register export` writes it (bot.export: rows streamed to a file, the export
in the audit trail), and what to tell them. The platform delivers the file (Slack: an upload
in the DM; Teams: the file-consent card)."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot import file_store
from bot.export import FORMATS, ExportError, ExportRequest, export
from bot.making import CouldNotMake, database, owe_file, settings
from bot.registers import REGISTERS, office_timezone
from bot.rules.access import is_officer
from bot.rules.refusal import Invalid
from bot.settings import Settings
from bot.ui.register_export import FULL, PUBLIC, REGISTER_NAMES
from bot.ui.register_export import ExportField as Field
from storage.db import Database
from storage.models import Staff

FILE = "export_file"  # the outbox message that makes and delivers one export

log = logging.getLogger(__name__)

NOT_ALLOWED = (
    "Only the monitoring officer and the head of office can export the registers: they hold "
    "personal data."
)


class InvalidExport(Invalid):
    """The export form's answers failed (refusal.Invalid)."""


def officer_id(actor: Staff | None) -> int | None:
    """The staff id of someone who may export (the monitoring officer, the head of office:
    the full registers hold personal data), else None."""
    return actor.id if actor is not None and is_officer(actor.role_set) else None


def check_request(
    register: str | None,
    fmt: str | None,
    content: str | None,
    date_from: date | None,
    date_to: date | None,
) -> ExportRequest:
    """The choices, or InvalidExport with a message per field."""
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


def write_export(
    wanted: ExportRequest,
    target: Path,
    *,
    db: Database,
    settings: Settings,
    officer_id: int,
    destination: str,
) -> int:
    """Write the register to `target` (rows streamed, never all in memory) and record the
    export in the audit trail; the row count. ExportError, OSError or SQLAlchemyError when
    it could not be made (`why` words them)."""
    with office_timezone(settings.policy.tz):
        return export(
            wanted,
            db=db,
            output=target,
            out=io.StringIO(),
            actor_id=officer_id,
            destination=destination,
        )


def owe_export(db: Database, wanted: ExportRequest, *, officer_id: int, **more: str) -> None:
    """The export owed to the officer (`FILE`, bot.making.owe_file): made once the outbox
    draws it (`maker`). `more`: what the platform's drawer needs besides (Slack: the
    officer's Slack id)."""
    owe_file(db, FILE, officer_id=officer_id, **payload_of(wanted), **more)


def payload_of(wanted: ExportRequest) -> dict[str, Any]:
    return {
        "register": wanted.register,
        "fmt": wanted.fmt,
        "public": wanted.public,
        "date_from": wanted.date_from.isoformat() if wanted.date_from else None,
        "date_to": wanted.date_to.isoformat() if wanted.date_to else None,
    }


def request_of(payload: Mapping[str, Any]) -> ExportRequest:
    """The export an outbox message's payload asks for (`payload_of`)."""

    def day(key: str) -> date | None:
        raw = payload.get(key)
        return date.fromisoformat(raw) if isinstance(raw, str) else None

    return ExportRequest(
        str(payload["register"]),
        str(payload["fmt"]),
        bool(payload["public"]),
        day("date_from"),
        day("date_to"),
    )


def maker(wanted: ExportRequest, *, destination: str) -> Callable[[str, int], None]:
    """bot.making's `make` for `wanted`: the file for a token, its row count kept beside it,
    the export audited with `destination`; CouldNotMake, worded for the officer, when it
    could not be made."""

    def make(token: str, officer_id: int) -> None:
        try:
            with file_store.making(token, owner=officer_id, filename=wanted.filename) as (
                target, kept
            ):
                kept["rows"] = write_export(
                    wanted,
                    target,
                    db=database(),
                    settings=settings(),
                    officer_id=officer_id,
                    destination=destination,
                )
        except (ExportError, OSError, SQLAlchemyError) as exc:
            log.warning("Exporting %s for %s", wanted.register, destination, exc_info=True)
            raise CouldNotMake(failed_text(wanted, why(exc))) from exc

    return make


def why(exc: Exception) -> str:
    """Why an export could not be made, for the officer."""
    if isinstance(exc, ExportError):
        return str(exc)
    if isinstance(exc, SQLAlchemyError):
        return "the registers could not be read; please try again, or ask an admin"
    return "the file could not be written on the server; please ask an admin"


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


def ready_text(wanted: ExportRequest, rows: int) -> str:
    caution = "" if wanted.public else " It holds personal data: keep it within the office."
    return (
        f"Here is the {title(wanted)}{_range(wanted)}: {rows} "
        f"row{'' if rows == 1 else 's'}, as {wanted.fmt.upper()}.{caution} The export is "
        "recorded in the audit trail."
    )


def failed_text(wanted: ExportRequest, why: str) -> str:
    return f"Nolan could not export the {title(wanted)}: {why}."
