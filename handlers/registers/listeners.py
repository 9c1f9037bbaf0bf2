"""The officers' register search (`/conduct search`, or the Home button), a declaration's
record with its audit trail (anyone who may see it). Withholding from publication is in
handlers.registers.withholding."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.models.views import View
from sqlmodel import Session

from bot.rules.access import Access, is_officer, may_withhold, officer_sees
from bot.rules.risk import RiskFlag
from bot.settings import Policy, Settings
from handlers.approvals.kinds import kind_of
from handlers.conduct import ConductRequest
from handlers.forms import FormState
from handlers.metadata import BadMetadata, decode
from handlers.registers.ids import (
    Field,
    RecordMeta,
    SearchMeta,
    action_id,
)
from handlers.registers.record import TrailPage, record_view, withholding_of
from handlers.registers.trail import detail_of, entry_words, people_in
from handlers.registers.views import (
    PAGE_SIZE,
    TRAIL_PAGE_SIZE,
    notice_view,
    parse_int,
    results_view,
    search_form,
)
from storage import audit, declarations, risk, staff
from storage.access import access_to, viewer_of
from storage.db import Database
from storage.declarations import Record
from storage.models import Staff
from storage.search import Criteria, search

OFFICERS_ONLY = (
    "Only the monitoring officer and the head of office can search the registers. "
    "Your own declarations are in `/conduct mine`."
)
NOT_YOURS = "You can't see this declaration: it isn't yours, and it wasn't sent to you."
UNKNOWN = "Nolan can't find that declaration, or can't find you in the org chart."
STALE = "This is out of date: close it and search again."
NOT_OFFICER_FORM = "Only the monitoring officer and the head of office can change this."
OWN_FORM = "Not on your own declaration: the other register keeper decides what is published."


def _me(session: Session, slack_id: str) -> Staff | None:
    return staff.by_slack_id(session, slack_user_id=slack_id)


def _officer(session: Session, slack_id: str) -> Staff | None:
    me = _me(session, slack_id)
    return me if me is not None and is_officer(me.role_set) else None


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
    with request.db.session() as session:
        officer = _officer(session, request.user_id)
    if officer is None:
        request.reply(OFFICERS_ONLY)
        return
    request.ack()
    request.client.views_open(trigger_id=request.command["trigger_id"], view=search_form())


def open_search(ack: Ack, body: dict[str, Any], client: WebClient, db: Database) -> None:
    """The Home button "Search the registers"."""
    ack()
    with db.session() as session:
        officer = _officer(session, body["user"]["id"])
    view = search_form() if officer is not None else notice_view("Registers", OFFICERS_ONLY)
    show_view(client, body, view)


def _results(session: Session, officer: Staff, meta: SearchMeta, settings: Settings) -> View:
    criteria = Criteria(
        person_id=meta.person_id,
        offeror=meta.offeror,
        kind=meta.kind,
        status=meta.status,
        date_from=meta.date_from,
        date_to=meta.date_to,
        text=meta.text,
    )
    page = search(
        session,
        viewer=viewer_of(officer),
        criteria=criteria,
        tz=settings.policy.tz,
        offset=meta.offset,
        limit=PAGE_SIZE,
    )
    person = staff.by_id(session, staff_id=meta.person_id) if meta.person_id else None
    return results_view(page, meta, person=person.display_name if person else None)


def submit_search(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], db: Database, settings: Settings
) -> None:
    form = FormState(view["state"]["values"], action_id)
    meta = SearchMeta(
        person_slack_id=form.user(Field.PERSON),
        offeror=(form.text(Field.OFFEROR) or "").strip(),
        kind=form.selected(Field.KIND),
        status=form.selected(Field.STATUS),
        date_from=form.date(Field.DATE_FROM),
        date_to=form.date(Field.DATE_TO),
        text=(form.text(Field.TEXT) or "").strip(),
    )
    errors: dict[str, str] = {}
    if meta.date_from and meta.date_to and meta.date_to < meta.date_from:
        errors[Field.DATE_TO] = "This is before the “From” date."
    with db.session() as session:
        officer = _officer(session, body["user"]["id"])
        if officer is None:
            ack(response_action="errors", errors={Field.TEXT: OFFICERS_ONLY[:150]})
            return
        if meta.person_slack_id:
            person = _me(session, meta.person_slack_id)
            if person is None:
                errors[Field.PERSON] = "This person isn't in the org chart, so has no declarations."
            else:
                meta = meta.model_copy(update={"person_id": person.id})
        if errors:
            ack(response_action="errors", errors=errors)
            return
        results = _results(session, officer, meta, settings)
    ack(response_action="update", view=results)


def page_results(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    db: Database,
    settings: Settings,
) -> None:
    ack()
    view = body.get("view") or {}
    offset = parse_int(action.get("value"))
    try:
        meta = decode(SearchMeta, view.get("private_metadata"))
    except BadMetadata:
        meta = None
    with db.session() as session:
        officer = _officer(session, body["user"]["id"])
        if officer is None or meta is None or offset is None:
            answer = notice_view("Registers", OFFICERS_ONLY if officer is None else STALE)
        else:
            answer = _results(
                session, officer, meta.model_copy(update={"offset": offset}), settings
            )
    client.views_update(view_id=view.get("id"), view=answer)


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


def _trail(
    session: Session, record: Record, page: int, *, officer: bool
) -> tuple[TrailPage, str | None]:
    """One page of the audit trail in words (page < 0: the last), and the latest withholding
    note (for officers only)."""
    assert record.declaration.id is not None
    entries = audit.trail(session, declaration_id=record.declaration.id)
    names = {i: p.display_name for i, p in staff.by_ids(session, ids=people_in(entries)).items()}
    pages = max(math.ceil(len(entries) / TRAIL_PAGE_SIZE), 1)
    page = pages - 1 if page < 0 else min(page, pages - 1)
    shown = entries[page * TRAIL_PAGE_SIZE : (page + 1) * TRAIL_PAGE_SIZE]
    note = next(
        (detail_of(e).get("note") for e in reversed(entries) if e.action == "withheld" and officer),
        None,
    )
    lines = [(e.at, entry_words(e, names, officer=officer)) for e in shown]
    return TrailPage(lines, page, pages, len(entries)), note if isinstance(note, str) else None


def _flags(
    session: Session, me: Staff, record: Record, access: Access, seen: Seen
) -> list[RiskFlag]:
    """Officers see the flags as they stand now; an approver, those their card showed; the
    declarant none (a repeated-offers flag counts colleagues' declarations)."""
    assert record.declaration.id is not None
    if officer_sees(me.role_set, record.declaration.kind):  # even where also routed to them
        return risk.flags_for(session, record.declaration.id, seen.policy, seen.today)
    if access.why == "routed":
        return risk.recorded(session, record.declaration.id)
    return []


@dataclass(frozen=True)
class Seen:
    """Where and when a record is looked at: the office's policy and date."""

    policy: Policy
    today: date

    @classmethod
    def now(cls, settings: Settings, clock: Callable[[], datetime]) -> Seen:
        return cls(settings.policy, clock().astimezone(settings.policy.tz).date())


def record_modal(
    session: Session, me: Staff, record: Record, access: Access, seen: Seen, trail_page: int
) -> View:
    kind = kind_of(record.declaration.kind)
    card = kind.card(record, None, kind.history(session, record))
    card = replace(card, flags=_flags(session, me, record, access, seen))
    trail, note = _trail(session, record, trail_page, officer=is_officer(me.role_set))
    by = record.declaration.withheld_by_id
    by_person = staff.by_id(session, staff_id=by) if by else None
    return record_view(
        record,
        card,
        trail,
        withholding=withholding_of(record, by_person.display_name if by_person else None, note),
        may_withhold=may_withhold(
            me.role_set, record.declaration.kind, own=record.declaration.declarant_id == me.id
        ),
    )


def load_for_viewer(
    session: Session, slack_id: str, declaration_id: int | None
) -> tuple[Staff, Record, Access] | str:
    """The viewer, the declaration and their access to it, or why not."""
    me = _me(session, slack_id)
    record = (
        declarations.load_record(session, declaration_id=declaration_id)
        if declaration_id is not None
        else None
    )
    if me is None or record is None:
        return UNKNOWN
    access = access_to(viewer_of(me), record)
    if not access.allowed:
        return NOT_YOURS
    return me, record, access


def open_record(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    """ "View": the whole record. An officer's view of someone else's is audited."""
    ack()
    declaration_id = parse_int(action.get("value"))
    with db.session() as session:
        loaded = load_for_viewer(session, body["user"]["id"], declaration_id)
        if isinstance(loaded, str):
            view = notice_view("Declaration", loaded)
        else:
            me, record, access = loaded
            if access.audited:
                audit.record(
                    session,
                    action="viewed",
                    actor_id=me.id,
                    declaration_id=record.declaration.id,
                    why=access.why,
                )
                session.commit()
            view = record_modal(session, me, record, access, Seen.now(settings, clock), 0)
    show_view(client, body, view)


def page_trail(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    ack()
    view = body.get("view") or {}
    page = parse_int(action.get("value"))
    try:
        meta = decode(RecordMeta, view.get("private_metadata"))
    except BadMetadata:
        meta = None
    with db.session() as session:
        loaded = load_for_viewer(session, body["user"]["id"], meta.declaration_id if meta else None)
        if isinstance(loaded, str) or page is None:
            answer = notice_view("Declaration", loaded if isinstance(loaded, str) else STALE)
        else:
            me, record, access = loaded
            answer = record_modal(session, me, record, access, Seen.now(settings, clock), page)
    client.views_update(view_id=view.get("id"), view=answer)
