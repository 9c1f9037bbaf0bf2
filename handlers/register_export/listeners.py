"""Register export from Slack: `/conduct export` and the officers' Home button open the
modal; its submission writes the file exactly as `python -m bot register export` does
(bot.export, audit entry included) and sends it to the officer's DM."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.export import ExportError
from bot.rules.refusal import Refused
from bot.usecases.exports import officer_id as _officer_id
from bot.usecases.exports import why as _why
from bot.usecases.exports import write_export
from handlers.conduct import ConductRequest
from handlers.context import Env, Turn
from handlers.notifier import UploadFailed
from handlers.register_export import messages
from handlers.register_export.form import ExportRequest, read_export_form
from handlers.register_export.ids import Field
from handlers.register_export.views import export_modal, refusal_modal

log = logging.getLogger(__name__)


def conduct_export(request: ConductRequest) -> None:
    if _officer_id(request.actor) is None:
        request.reply(messages.NOT_ALLOWED)
        return
    request.ack()
    request.client.views_open(trigger_id=request.command["trigger_id"], view=export_modal())


def open_export(turn: Turn) -> None:
    """The Home tab's Export button (action_id registers_export)."""
    turn.ack()
    allowed = _officer_id(turn.actor) is not None
    turn.open(export_modal() if allowed else refusal_modal(messages.NOT_ALLOWED))


def submit_export(turn: Turn) -> None:
    wanted = read_export_form(turn.view["state"]["values"])
    officer_id = _officer_id(turn.actor)
    if officer_id is None:
        raise Refused(messages.NOT_ALLOWED, Field.REGISTER)
    turn.ack()  # closes the modal; the file follows in the DM
    send_export(wanted, officer_id=officer_id, user_id=turn.user_id, env=turn.env)


def send_export(wanted: ExportRequest, *, officer_id: int, user_id: str, env: Env) -> None:
    notifier = env.notifier
    with tempfile.TemporaryDirectory(prefix="nolan-export-") as tmp:
        target = Path(tmp) / wanted.filename
        try:
            rows = write_export(
                wanted,
                target,
                db=env.db,
                settings=env.settings,
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
