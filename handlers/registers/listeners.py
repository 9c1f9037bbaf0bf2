"""The officers' register search (`/conduct search`, or the Home button), a declaration's
record with its audit trail (anyone who may see it): the use cases are
bot.usecases.registers; here they are drawn for Slack. Withholding from publication is in
handlers.registers.withholding."""

from __future__ import annotations

from typing import Any, TypeVar

from slack_sdk.models.views import View

from bot.rules.refusal import Refused
from bot.ui.registers import asked
from bot.usecases.register_views import searched, viewed_doc
from bot.usecases.registers import officer
from handlers.conduct import ConductRequest
from handlers.context import Env, Turn
from handlers.metadata import BadMetadata, decode
from handlers.registers.ids import (
    RecordMeta,
    SearchMeta,
)
from handlers.registers.record import record_modal
from handlers.registers.views import (
    notice_view,
    parse_int,
    results_modal,
    search_form,
)
from storage import staff
from storage.models import Staff

STALE = "This is out of date: close it and search again."

M = TypeVar("M", bound=SearchMeta | RecordMeta)


def show_view(turn: Turn, view: View) -> None:
    """Over the modal it came from (views.push), or a new one from Home or a message."""
    if turn.view.get("type") == "modal":
        turn.push(view)
    else:
        turn.open(view)


# -- the search ------------------------------------------------------------------------------


def search_command(request: ConductRequest) -> None:
    """`/conduct search`: officers get the form; anyone else an ephemeral refusal."""
    officer(request.actor)
    request.ack()
    request.client.views_open(trigger_id=request.command["trigger_id"], view=search_form())


def open_search(turn: Turn) -> None:
    """The Home button "Search the registers"."""
    turn.ack()
    try:
        officer(turn.actor)
        view = search_form()
    except Refused as refused:
        view = notice_view("Registers", refused.text)
    show_view(turn, view)


def _paging(turn: Turn, model: type[M]) -> tuple[str | None, int | None, M | None]:
    """A paging button in a modal: the modal's id, the page it asks for, the modal's metadata
    (None where unreadable)."""
    try:
        meta = decode(model, turn.view.get("private_metadata"))
    except BadMetadata:
        meta = None
    return turn.view.get("id"), parse_int(turn.action_value), meta


def _results(env: Env, actor: Staff | None, meta: SearchMeta, **kw: Any) -> View:
    return results_modal(searched(env.db, actor=actor, meta=meta, settings=env.settings, **kw))


def submit_search(turn: Turn) -> None:
    """The results in place of the form (bot.usecases.registers.search_registers)."""
    meta = asked(turn.answers())
    person = None
    if meta.person_slack_id:
        with turn.db.session() as session:
            person = staff.by_slack_id(session, slack_user_id=meta.person_slack_id)
        if person is not None:
            meta = meta.model_copy(update={"person_id": person.id})
    unknown = bool(meta.person_slack_id) and person is None
    results = _results(turn.env, turn.actor, meta, person_unknown=unknown)
    turn.ack(response_action="update", view=results)


def page_results(turn: Turn) -> None:
    turn.ack()
    view_id, offset, meta = _paging(turn, SearchMeta)
    try:
        officer(turn.actor)
        if meta is None or offset is None:
            raise Refused(STALE)
        answer = _results(turn.env, turn.actor, meta.model_copy(update={"offset": offset}))
    except Refused as refused:
        answer = notice_view("Registers", refused.text)
    turn.client.views_update(view_id=view_id, view=answer)


def refine(turn: Turn) -> None:
    """ "Change search": the form again, filled in as it was."""
    turn.ack()
    try:
        meta = decode(SearchMeta, turn.view.get("private_metadata"))
    except BadMetadata:
        meta = SearchMeta()
    turn.client.views_update(
        view_id=turn.view.get("id"), view=search_form(meta.model_copy(update={"offset": 0}))
    )


# -- the record ------------------------------------------------------------------------------


def viewed(env: Env, actor: Staff | None, declaration_id: int | None, **kw: Any) -> View:
    """The record view of a declaration (bot.usecases.registers.view_record), or a notice
    saying why it can't be seen."""
    try:
        doc = viewed_doc(
            env.db,
            actor=actor,
            declaration_id=declaration_id,
            settings=env.settings,
            now=env.now(),
            **kw,
        )
    except Refused as refused:
        return notice_view("Declaration", refused.text)
    return record_modal(doc)


def open_record(turn: Turn) -> None:
    """ "View": the whole record. An officer's view of someone else's is audited."""
    turn.ack()
    show_view(turn, viewed(turn.env, turn.actor, parse_int(turn.action_value)))


def page_trail(turn: Turn) -> None:
    turn.ack()
    view_id, page, meta = _paging(turn, RecordMeta)
    if page is None and meta is not None:
        answer = notice_view("Declaration", STALE)
    else:
        declaration_id = meta.declaration_id if meta else None
        answer = viewed(turn.env, turn.actor, declaration_id, trail_page=page or 0, audited=False)
    turn.client.views_update(view_id=view_id, view=answer)
