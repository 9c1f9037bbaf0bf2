"""The registers on Teams, for the officers who keep them: `conduct search` (a card whose
button opens the form: Teams can't open a dialog from typed text) and the Home's "Search
registers" open the search form in a dialog; its results, page by page, replace it in the
same dialog, each with its "View"; a record (also the Home's "View") shows its approval steps
and a page of its audit trail. The use cases are bot.usecases.registers, with its access rule:
who sees what is exactly as on Slack. Withholding from a record is bot.teams.withholding.

The results and the record are the neutral screens Slack draws in modals
(bot.ui.register_views), drawn in a dialog (bot.teams.dialog_screens)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlmodel import Session

from bot.outbox import Queued
from bot.rules.refusal import STALE_BUTTON, Refused
from bot.teams import adaptive
from bot.teams.conduct import subcommand, tell
from bot.teams.dialog_screens import screen_dialog
from bot.teams.dialogs import Asked, Submitted, dialog, names_in, submit
from bot.teams.drawers import Drawn, drawer, prompt
from bot.teams.invoke_responses import dialog as dialog_response
from bot.teams.invoke_responses import dialog_message
from bot.teams.router import TASK_FETCH, TASK_SUBMIT, Router, Turn
from bot.ui.cards import Button, Style
from bot.ui.forms import Form
from bot.ui.home_model import RecordRef
from bot.ui.payload import BadPayload, Payload, decode
from bot.ui.register_views import (
    Action,
    Number,
    RecordMeta,
    When,
    record_screen,
)
from bot.ui.registers import FORM_ID, SearchMeta, asked, search_form
from bot.usecases.register_views import searched, viewed_doc
from bot.usecases.registers import officer
from storage import staff
from storage.models import Staff

WORD = "search"
PROMPT = "registers_prompt"  # the card with the button that opens the search form
STALE = "This is out of date: close it and search again."
INTRO = "Search every register: a record opened from the results shows its audit trail."

P = TypeVar("P", bound=Payload)


def register(router: Router) -> None:
    subcommand(
        WORD,
        conduct_search,
        "the monitoring officer and the head of office: search the registers, open a record "
        "and its audit trail, withhold an item from publication",
    )
    dialog(router, Action.SEARCH, _search_form)
    submit(router, FORM_ID, take_search, form=_search_form)
    for way in ("previous", "next"):
        router.invoke(TASK_SUBMIT, turn_results_page, key=f"{Action.PAGE}_{way}")
    router.invoke(TASK_SUBMIT, refine, key=Action.REFINE)
    # "View": on the Home (a button opening a dialog) and in the results (inside one).
    router.invoke(TASK_FETCH, open_record, key=Action.RECORD)
    router.invoke(TASK_SUBMIT, open_record, key=Action.RECORD)
    for way in ("earlier", "later"):
        router.invoke(TASK_SUBMIT, turn_trail_page, key=f"{Action.TRAIL_PAGE}_{way}")
    router.invoke(TASK_SUBMIT, back_to_results, key=Action.BACK)


def when_for(turn: Turn) -> When:
    """Times in the office's zone (a time inside a line of text can't be localised by Teams)."""
    tz = turn.settings.policy.tz

    def when(at: datetime) -> str:
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
        return f"{at.astimezone(tz):%d %b %Y %H:%M}"

    return when


def _data(turn: Turn) -> Any:
    value = turn.value if isinstance(turn.value, dict) else {}
    return value.get("data")


def _state(model: type[P], turn: Turn) -> P:
    return decode(model, adaptive.data_text(_data(turn), adaptive.STATE_KEY))


# -- the search --------------------------------------------------------------------------------


def conduct_search(turn: Turn) -> None:
    """`conduct search`: officers get the button to the form; anyone else the refusal."""
    try:
        officer(turn.actor)
    except Refused as refused:
        tell(turn, refused.text)
        return
    turn.tell_now(PROMPT)


def _search_form(asked: Asked) -> Form:
    officer(asked.me)
    return search_form()


def _results(turn: Turn, meta: SearchMeta, *, person_unknown: bool = False) -> dict[str, Any]:
    screen = searched(
        turn.db,
        actor=turn.actor,
        meta=meta,
        settings=turn.settings,
        person_unknown=person_unknown,
    )
    return screen_dialog(screen)


def _person(turn: Turn, object_id: str | None) -> Staff | None:
    if not object_id:
        return None
    with turn.db.session() as session:
        return staff.by_teams_id(session, teams_id=object_id)


def take_search(sent: Submitted) -> dict[str, Any]:
    """The results in place of the form (bot.usecases.registers.search_registers); a wrong
    answer brings the form back with the message at its field."""
    meta = asked(sent.answers)  # the person by their Entra object id
    picked = meta.person_slack_id
    person = _person(sent.turn, picked)
    if person is not None:
        meta = meta.model_copy(update={"person_id": person.id})
    return _results(sent.turn, meta, person_unknown=bool(picked) and person is None)


def turn_results_page(turn: Turn) -> dict[str, Any]:
    """ "Previous" / "Next": the search again at the offset the button carries."""
    try:
        meta = _state(SearchMeta, turn)
        offset = adaptive.read_payload(Number, _data(turn)).n
        return _results(turn, meta.model_copy(update={"offset": offset}))
    except BadPayload:
        return dialog_message(STALE)
    except Refused as refused:
        return dialog_message(refused.text)


def refine(turn: Turn) -> dict[str, Any]:
    """ "Change search": the form again, filled in as it was."""
    try:
        meta = _state(SearchMeta, turn).model_copy(update={"offset": 0})
        officer(turn.actor)
    except BadPayload:
        meta = SearchMeta()
    except Refused as refused:
        return dialog_message(refused.text)
    form = search_form(meta)
    with turn.db.session() as session:
        return dialog_response(form, names=names_in(session, form, None))


# -- the record --------------------------------------------------------------------------------


def record_dialog(
    turn: Turn,
    declaration_id: int | None,
    *,
    trail_page: int = 0,
    audited: bool = True,
    back: SearchMeta | None = None,
) -> dict[str, Any]:
    """The record in the dialog, or the line saying why it can't be seen (the access rule:
    someone else's is shown only to those it was sent to and the register keepers; an
    officer's look is audited unless `audited` is False: a page turned, a change shown).
    `back`: the search whose results it replaces."""
    try:
        doc = viewed_doc(
            turn.db,
            actor=turn.actor,
            declaration_id=declaration_id,
            settings=turn.settings,
            now=turn.clock(),
            trail_page=trail_page,
            audited=audited,
        )
    except Refused as refused:
        return dialog_message(refused.text)
    screen = record_screen(doc, when_for(turn), back=back)
    return screen_dialog(screen, title=doc.reference or "Declaration")


def open_record(turn: Turn) -> dict[str, Any]:
    """ "View": the whole record (from the results: with the way back to them)."""
    try:
        ref = adaptive.read_payload(RecordRef, _data(turn))
    except BadPayload:
        return dialog_message(STALE_BUTTON)
    try:
        search = _state(SearchMeta, turn)
    except BadPayload:  # from the Home: no results to go back to
        search = None
    return record_dialog(turn, ref.declaration_id, back=search)


def turn_trail_page(turn: Turn) -> dict[str, Any]:
    """ "Earlier entries" / "Later entries" of the audit trail."""
    try:
        meta = _state(RecordMeta, turn)
        page = adaptive.read_payload(Number, _data(turn)).n
    except BadPayload:
        return dialog_message(STALE)
    return record_dialog(
        turn, meta.declaration_id, trail_page=page, audited=False, back=meta.search
    )


def back_to_results(turn: Turn) -> dict[str, Any]:
    """ "Back to the results": the search the record was opened from, at its page."""
    try:
        meta = adaptive.read_payload(SearchMeta, _data(turn))
        return _results(turn, meta)
    except BadPayload:
        return dialog_message(STALE)
    except Refused as refused:
        return dialog_message(refused.text)


# -- what is sent ------------------------------------------------------------------------------


@drawer(PROMPT)
def draw_prompt(_session: Session, _message: Queued) -> Drawn:
    return prompt(INTRO, Button(Action.SEARCH, "Search the registers…", style=Style.PRIMARY))
