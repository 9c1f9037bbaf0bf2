"""The officers' register search (`/conduct search`, or the Home button), a declaration's
record with its audit trail (anyone who may see it): the use cases are
bot.usecases.registers; here they are drawn for Slack. Withholding from publication is in
handlers.registers.withholding."""

from __future__ import annotations

from typing import Any, TypeVar

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.rules.refusal import Refused
from bot.ui.registers import asked
from bot.usecases.register_views import searched, viewed_doc
from bot.usecases.registers import officer
from handlers import slack_ui
from handlers.conduct import ConductRequest
from handlers.context import Env
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


def _in_modal(body: dict[str, Any]) -> bool:
    return (body.get("view") or {}).get("type") == "modal"


def show_view(client: WebClient, body: dict[str, Any], view: View) -> None:
    """Over the modal it came from (views.push), or a new one from Home or a message."""
    if _in_modal(body):
        client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


# -- the search ------------------------------------------------------------------------------


def search_command(request: ConductRequest) -> None:
    """`/conduct search`: officers get the form; anyone else an ephemeral refusal."""
    officer(request.actor)
    request.ack()
    request.client.views_open(trigger_id=request.command["trigger_id"], view=search_form())


def open_search(ack: Ack, body: dict[str, Any], actor: Staff | None, client: WebClient) -> None:
    """The Home button "Search the registers"."""
    ack()
    try:
        officer(actor)
        view = search_form()
    except Refused as refused:
        view = notice_view("Registers", refused.text)
    show_view(client, body, view)


def _paging(
    body: dict[str, Any], action: dict[str, Any], model: type[M]
) -> tuple[str | None, int | None, M | None]:
    """A paging button in a modal: the modal's id, the page it asks for, the modal's metadata
    (None where unreadable)."""
    view = body.get("view") or {}
    try:
        meta = decode(model, view.get("private_metadata"))
    except BadMetadata:
        meta = None
    return view.get("id"), parse_int(action.get("value")), meta


def _results(env: Env, actor: Staff | None, meta: SearchMeta, **kw: Any) -> View:
    return results_modal(searched(env.db, actor=actor, meta=meta, settings=env.settings, **kw))


def submit_search(ack: Ack, view: dict[str, Any], actor: Staff | None, env: Env) -> None:
    """The results in place of the form (bot.usecases.registers.search_registers)."""
    meta = asked(slack_ui.answers(view["state"]["values"]))
    person = None
    if meta.person_slack_id:
        with env.db.session() as session:
            person = staff.by_slack_id(session, slack_user_id=meta.person_slack_id)
        if person is not None:
            meta = meta.model_copy(update={"person_id": person.id})
    unknown = bool(meta.person_slack_id) and person is None
    results = _results(env, actor, meta, person_unknown=unknown)
    ack(response_action="update", view=results)


def page_results(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    actor: Staff | None,
    client: WebClient,
    env: Env,
) -> None:
    ack()
    view_id, offset, meta = _paging(body, action, SearchMeta)
    try:
        officer(actor)
        if meta is None or offset is None:
            raise Refused(STALE)
        answer = _results(env, actor, meta.model_copy(update={"offset": offset}))
    except Refused as refused:
        answer = notice_view("Registers", refused.text)
    client.views_update(view_id=view_id, view=answer)


def refine(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    """ "Change search": the form again, filled in as it was."""
    ack()
    view = body.get("view") or {}
    try:
        meta = decode(SearchMeta, view.get("private_metadata"))
    except BadMetadata:
        meta = SearchMeta()
    client.views_update(
        view_id=view.get("id"), view=search_form(meta.model_copy(update={"offset": 0}))
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


def open_record(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    actor: Staff | None,
    client: WebClient,
    env: Env,
) -> None:
    """ "View": the whole record. An officer's view of someone else's is audited."""
    ack()
    show_view(client, body, viewed(env, actor, parse_int(action.get("value"))))


def page_trail(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    actor: Staff | None,
    client: WebClient,
    env: Env,
) -> None:
    ack()
    view_id, page, meta = _paging(body, action, RecordMeta)
    if page is None and meta is not None:
        answer = notice_view("Declaration", STALE)
    else:
        declaration_id = meta.declaration_id if meta else None
        answer = viewed(env, actor, declaration_id, trail_page=page or 0, audited=False)
    client.views_update(view_id=view_id, view=answer)
