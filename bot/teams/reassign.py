"""Reassignment on Teams: an admin moves a waiting approval to someone else. `conduct reassign`
(optionally with a reference, `conduct reassign GH-00001`) answers with a card whose button
opens the form in a dialog (Teams can't open one from typed text; the person is chosen in
Teams' people picker, so there is no typed shortcut as on Slack). The use case and its
refusals are bot.usecases.reassign's; the messages a move owes (the old card without its
buttons, the new approver's card, the member of staff told) are drawn by the MOVED drawers.
"""

from __future__ import annotations

from sqlmodel import Session

from bot.outbox import Queued
from bot.rules.refusal import Refused
from bot.teams.conduct import subcommand, tell
from bot.teams.dialogs import Asked, Submitted, dialog, picked, submit
from bot.teams.drawers import Drawn, drawer, prompt
from bot.teams.router import Router, Turn
from bot.ui.cards import Button, Style
from bot.ui.forms import Form
from bot.ui.payload import BadPayload, Payload
from bot.ui.reassign import FORM_ID, ReassignField, reassign_form
from bot.usecases.reassign import NOBODY, NOT_ADMIN, check_form, is_admin, parse_reference, reassign

WORD = "reassign"
OPEN = "reassign_open"  # the button that opens the form
PROMPT = "reassign_prompt"  # the card carrying it
USAGE = "To reassign: type conduct reassign, or conduct reassign GH-00001 to fill the reference in."
INTRO = "Move a declaration that is waiting for a decision to someone else."
UNKNOWN_PERSON = "That person isn't in the org chart: choose someone who is."


class Reference(Payload):
    """The reference typed after the command, carried by the button into the form."""

    reference: str = ""


def register(router: Router) -> None:
    subcommand(WORD, conduct_reassign, "admins: move a waiting decision to someone else")
    dialog(router, OPEN, _opened)
    submit(router, FORM_ID, take_reassign, form=_form_for)


def conduct_reassign(turn: Turn) -> None:
    if not is_admin(turn.actor):
        tell(turn, NOT_ADMIN)
        return
    typed = turn.args.split()
    reference = parse_reference(typed[0]) if typed else ""
    if reference is None or len(typed) > 1:
        tell(turn, USAGE)
        return
    with turn.db.session() as session:
        turn.tell(session, PROMPT, reference=reference)
        session.commit()


def _form_for(asked: Asked) -> Form:
    if not is_admin(asked.me):
        raise Refused(NOT_ADMIN)
    return reassign_form()


def _opened(asked: Asked) -> Form:
    """The form, with the reference typed after the command."""
    _form_for(asked)
    try:
        reference = asked.payload(Reference).reference
    except BadPayload:
        reference = ""
    return reassign_form(reference=reference)


def _staff_id(sent: Submitted, field: ReassignField) -> int | None:
    """A chosen person's staff id: None if nobody was chosen, NOBODY if the org chart does
    not know them (the use case says so at the field)."""
    object_id = sent.answers.person(field)
    with sent.turn.db.session() as session:
        try:
            person = picked(session, object_id, field, UNKNOWN_PERSON)
        except Refused:
            return NOBODY
    return person.id if person is not None else None


def take_reassign(sent: Submitted) -> str:
    """Moved, and the admin told in the dialog's place; or the form again, each refusal at its
    field and every answer kept."""
    reason = (sent.answers.text(ReassignField.REASON) or "").strip()
    to_id = _staff_id(sent, ReassignField.APPROVER)
    reference = check_form(
        sent.answers.text(ReassignField.REFERENCE) or "",
        approver_chosen=to_id is not None,
        reason=reason,
    )
    with sent.turn.db.session() as session:
        done = reassign(
            session,
            admin=sent.me,
            reference=reference,
            to_id=to_id,
            from_id=_staff_id(sent, ReassignField.CURRENT),
            reason=reason,
            now=sent.now,
        )
    return done.confirmation


@drawer(PROMPT)
def draw_prompt(_session: Session, message: Queued) -> Drawn:
    reference = str(message.payload.get("reference") or "")
    button = Button(OPEN, "Reassign…", payload=Reference(reference=reference), style=Style.PRIMARY)
    return prompt(INTRO, button)
