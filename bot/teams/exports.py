"""Register export on Teams, for the officers who keep the registers: `conduct export` (a card
whose button opens the form: Teams cannot open a dialog from typed text) or the Home card's
"Export" button open the same form as Slack's modal; once it is sent, Nolan writes the file
as `python -m bot register export` does (bot.usecases.exports: rows streamed to a file
under bot.file_store, the export in the audit trail) and sends the file-consent card
(bot.teams.file_consent): the file goes to the officer's OneDrive once they allow it.

The request owes the file through the outbox (committed before the dialog closes); it is
made once the outbox comes to draw the card, on a thread of its own (off the request and the
outbox: bot.making), once per request: the outbox message carries the file's token."""

from __future__ import annotations

import logging

from sqlmodel import Session

from bot import file_store
from bot.export import FORMATS
from bot.outbox import Queued
from bot.registers import REGISTERS
from bot.rules.refusal import Refused
from bot.teams.conduct import subcommand, tell
from bot.teams.dialogs import Asked, Submitted, at_fields, dialog, submit
from bot.teams.drawers import Drawn, drawer, prompt
from bot.teams.file_consent import consent, offered, offered_sent
from bot.teams.router import Router, Turn
from bot.ui.cards import Button, Style
from bot.ui.forms import Form
from bot.ui.home_model import Elsewhere
from bot.ui.register_export import FORM_ID, export_form
from bot.ui.register_export import ExportField as Field
from bot.usecases import exports as usecase
from bot.usecases.exports import NOT_ALLOWED, officer_id

log = logging.getLogger(__name__)

WORD = "export"
PROMPT = "export_prompt"  # the card with the button that opens the form
INTRO = (
    "Export a register as CSV or XLSX, for publication or in full. Nolan sends the file "
    "in this chat: press Allow on it and it goes to your OneDrive."
)
ARRIVES = "Nolan sends the file in this chat: press Allow on it to put it in your OneDrive."
MAKING = (
    "Nolan is writing the file: it comes in this chat in a moment. Press Allow on it to put "
    "it in your OneDrive."
)


def register(router: Router) -> None:
    subcommand(WORD, conduct_export, "officers: a register as CSV or XLSX, sent to your OneDrive")
    dialog(router, Elsewhere.EXPORT, form_for)
    submit(router, FORM_ID, take, form=form_for)


def conduct_export(turn: Turn) -> None:
    if officer_id(turn.actor) is None:
        tell(turn, NOT_ALLOWED)
        return
    turn.tell_now(PROMPT)


def form_for(asked: Asked) -> Form:
    if officer_id(asked.me) is None:
        raise Refused(NOT_ALLOWED)
    return export_form(registers=list(REGISTERS), formats=list(FORMATS), arrives=ARRIVES)


def take(sub: Submitted) -> str:
    """The form sent: checked (a bad answer brings it back, at its field), then the file
    queued for the officer; the dialog closes saying it is coming."""
    me = officer_id(sub.me)
    if me is None:  # the role was taken away since the form was opened
        raise Refused(NOT_ALLOWED)
    a = sub.answers
    with at_fields(usecase.InvalidExport):
        wanted = usecase.check_request(
            a.choice(Field.REGISTER),
            a.choice(Field.FORMAT),
            a.choice(Field.CONTENT),
            a.date(Field.DATE_FROM),
            a.date(Field.DATE_TO),
        )
    usecase.owe_export(sub.turn.db, wanted, officer_id=me)
    return MAKING


# -- what is sent ------------------------------------------------------------------------------


@drawer(PROMPT)
def draw_prompt(_session: Session, _message: Queued) -> Drawn:
    return prompt(INTRO, Button(id=Elsewhere.EXPORT, label="Export…", style=Style.PRIMARY))


@drawer(usecase.FILE, after=offered_sent)
def draw_file(_session: Session, message: Queued) -> Drawn | None:
    """The file made (once, off the outbox's thread: bot.making) and offered by its consent
    card."""
    wanted = usecase.request_of(message.payload)

    def offer(found: file_store.Held) -> Drawn:
        rows = int(str(found.detail.get("rows", 0)))
        text = f"{usecase.ready_text(wanted, rows)} Press Allow to put it in your OneDrive."
        description = f"{usecase.title(wanted)}: {rows} row{'' if rows == 1 else 's'}"
        return consent(found, message, text=text, description=description)

    make = usecase.maker(wanted, destination=f"teams:{message.recipient}")
    return offered(message, make, offer)
