"""Register export from Slack: `/conduct export` and the officers' Home button open the
modal; its submission writes the file exactly as `python -m bot register export` does
(bot.export, audit entry included) and sends it to the officer's DM."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.export import ExportError
from bot.rules.refusal import Refused
from bot.settings import Settings
from bot.usecases.exports import officer_id as _officer_id
from bot.usecases.exports import why as _why
from bot.usecases.exports import write_export
from handlers.conduct import ConductRequest
from handlers.context import Env
from handlers.notifier import Notifier, UploadFailed
from handlers.register_export import messages
from handlers.register_export.form import ExportRequest, read_export_form
from handlers.register_export.ids import Field
from handlers.register_export.views import export_modal, refusal_modal
from storage.db import Database
from storage.models import Staff

log = logging.getLogger(__name__)


def conduct_export(request: ConductRequest) -> None:
    if _officer_id(request.actor) is None:
        request.reply(messages.NOT_ALLOWED)
        return
    request.ack()
    request.client.views_open(trigger_id=request.command["trigger_id"], view=export_modal())


def open_export(ack: Ack, body: dict[str, Any], actor: Staff | None, client: WebClient) -> None:
    """The Home tab's Export button (action_id registers_export)."""
    ack()
    allowed = _officer_id(actor) is not None
    view = export_modal() if allowed else refusal_modal(messages.NOT_ALLOWED)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def submit_export(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    actor: Staff | None,
    env: Env,
) -> None:
    wanted = read_export_form(view["state"]["values"])
    user_id = body["user"]["id"]
    officer_id = _officer_id(actor)
    if officer_id is None:
        raise Refused(messages.NOT_ALLOWED, Field.REGISTER)
    ack()  # closes the modal; the file follows in the DM
    send_export(
        wanted,
        officer_id=officer_id,
        user_id=user_id,
        db=env.db,
        settings=env.settings,
        notifier=env.notifier,
    )


def send_export(
    wanted: ExportRequest,
    *,
    officer_id: int,
    user_id: str,
    db: Database,
    settings: Settings,
    notifier: Notifier,
) -> None:
    with tempfile.TemporaryDirectory(prefix="nolan-export-") as tmp:
        target = Path(tmp) / wanted.filename
        try:
            rows = write_export(
                wanted,
                target,
                db=db,
                settings=settings,
                officer_id=officer_id,
                destination=f"slack:{user_id}",
            )
        except (ExportError, OSError, SQLAlchemyError) as exc:
            log.warning("Exporting %s for %s", wanted.register, user_id, exc_info=True)
            notifier.dm(user_id, messages.failed(wanted, _why(exc)))
            return
        posted = notifier.dm(user_id, messages.ready(wanted, rows))
        try:
            notifier.upload_file(
                posted.channel, target, filename=wanted.filename, title=messages.title(wanted)
            )
        except SlackApiError as exc:
            why = str(exc.response.get("error", "error"))
            notifier.dm(user_id, messages.failed(wanted, f"Slack refused the file ({why})"))
        except UploadFailed:
            log.warning("Uploading %s for %s", wanted.filename, user_id, exc_info=True)
            notifier.dm(user_id, messages.failed(wanted, "Slack did not take the file"))
