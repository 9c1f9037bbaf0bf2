"""Register export from Slack: `/conduct export` and the officers' Home button open the
modal; its submission owes the file through the outbox, which has it written exactly as
`python -m bot register export` does (bot.export, audit entry included) and sends it to the
officer's DM (handlers.register_export.owed)."""

from __future__ import annotations

from bot.rules.refusal import Refused
from bot.usecases.exports import officer_id as _officer_id
from bot.usecases.exports import owe_export
from handlers.conduct import ConductRequest
from handlers.context import Turn
from handlers.register_export import messages
from handlers.register_export.form import read_export_form
from handlers.register_export.ids import Field
from handlers.register_export.views import export_modal, refusal_modal


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
    # Owed before the modal closes: the file follows in the DM, made off the request
    # (handlers.register_export.owed), and a restart meanwhile does not lose it.
    owe_export(turn.db, wanted, officer_id=officer_id, by=turn.user_id)
    turn.ack()
