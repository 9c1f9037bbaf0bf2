"""Withholding a declaration from the published register, and publishing it again: the
officers' forms from a record, and what they change (storage.withholding), with the audit
entry and the record shown again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from sqlmodel import Session

from bot.rules.access import may_withhold
from bot.rules.withholding import Ground
from bot.settings import Settings
from handlers.approvals.kinds import kind_of
from handlers.forms import FormState
from handlers.metadata import BadMetadata, decode
from handlers.registers.ids import (
    Callback,
    Field,
    WithholdMeta,
    action_id,
)
from handlers.registers.listeners import (
    NOT_OFFICER_FORM,
    OWN_FORM,
    STALE,
    Seen,
    load_for_viewer,
    record_modal,
    show_view,
)
from handlers.registers.record import republish_form, withhold_form
from handlers.registers.views import notice_view, parse_int
from storage import withholding as store
from storage.db import Database
from storage.declarations import Record
from storage.models import Staff

# -- withholding ---------------------------------------------------------------------------


def _withholder(
    session: Session, slack_id: str, declaration_id: int | None
) -> tuple[Staff, Record] | str:
    loaded = load_for_viewer(session, slack_id, declaration_id)
    if isinstance(loaded, str):
        return loaded
    me, record, _access = loaded
    if record.declaration.declarant_id == me.id:
        return OWN_FORM
    if not may_withhold(me.role_set, record.declaration.kind):
        return NOT_OFFICER_FORM
    return me, record


def open_withhold(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, db: Database
) -> None:
    """ "Withhold from publication…" or "Publish again…" on the record view."""
    ack()
    declaration_id = parse_int(action.get("value"))
    with db.session() as session:
        found = _withholder(session, body["user"]["id"], declaration_id)
    if isinstance(found, str):
        show_view(client, body, notice_view("Declaration", found))
        return
    _, record = found
    declaration = record.declaration
    assert declaration.id is not None
    meta = WithholdMeta(
        declaration_id=declaration.id, record_view_id=(body.get("view") or {}).get("id")
    )
    reference = declaration.reference or ""
    if declaration.withheld_at is None:
        what = kind_of(declaration.kind).card(record, None, []).heading
        view = withhold_form(meta, reference, what)
    else:
        view = republish_form(meta, reference, declaration.withheld_reason or "")
    show_view(client, body, view)


def _after_change(
    client: WebClient, db: Database, slack_id: str, meta: WithholdMeta, seen: Seen
) -> None:
    """The record view beneath the form, refreshed to show the change (its last trail page)."""
    if not meta.record_view_id:
        return
    with db.session() as session:
        loaded = load_for_viewer(session, slack_id, meta.declaration_id)
        if isinstance(loaded, str):
            return
        me, record, access = loaded
        view = record_modal(session, me, record, access, seen, -1)
    client.views_update(view_id=meta.record_view_id, view=view)


def _submitted(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    db: Database,
    change: Callable[[Session, Staff, Record, FormState], dict[str, str] | None],
) -> WithholdMeta | None:
    """Shared by both forms: read, check who, apply `change` (errors back to the form)."""
    try:
        meta = decode(WithholdMeta, view.get("private_metadata"))
    except BadMetadata:
        ack(response_action="errors", errors={Field.NOTE: STALE})
        return None
    form = FormState(view["state"]["values"], action_id)
    with db.session() as session:
        found = _withholder(session, body["user"]["id"], meta.declaration_id)
        if isinstance(found, str):
            field = Field.NOTE if view.get("callback_id") != Callback.REPUBLISH else Field.REASON
            ack(response_action="errors", errors={field: found[:150]})
            return None
        me, record = found
        errors = change(session, me, record, form)
        if errors:
            session.rollback()
            ack(response_action="errors", errors=errors)
            return None
        session.commit()
    ack()
    return meta


def submit_withhold(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    def change(
        session: Session, me: Staff, record: Record, form: FormState
    ) -> dict[str, str] | None:
        ground = form.selected(Field.GROUND)
        note = (form.text(Field.NOTE) or "").strip()
        errors = {}
        if ground not in {g.value for g in Ground}:
            errors[Field.GROUND] = "Please choose the ground for withholding it."
        if not note:
            errors[Field.NOTE] = "Please say why: the audit trail keeps it."
        if errors:
            return errors
        assert me.id is not None and record.declaration.id is not None and ground is not None
        if not store.withhold(
            session,
            declaration_id=record.declaration.id,
            ground=ground,
            note=note,
            actor_id=me.id,
            at=clock(),
        ):
            return {Field.GROUND: "It has been withheld already (by someone else meanwhile)."}
        return None

    meta = _submitted(ack, body, view, db, change)
    if meta is not None:
        _after_change(client, db, body["user"]["id"], meta, Seen.now(settings, clock))


def submit_republish(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    def change(
        session: Session, me: Staff, record: Record, form: FormState
    ) -> dict[str, str] | None:
        reason = (form.text(Field.REASON) or "").strip()
        if not reason:
            return {Field.REASON: "Please say why it can be published now."}
        assert me.id is not None and record.declaration.id is not None
        if not store.publish_again(
            session,
            declaration_id=record.declaration.id,
            reason=reason,
            actor_id=me.id,
            ground=record.declaration.withheld_reason,
        ):
            return {Field.REASON: "It is not withheld any more (someone published it meanwhile)."}
        return None

    meta = _submitted(ack, body, view, db, change)
    if meta is not None:
        _after_change(client, db, body["user"]["id"], meta, Seen.now(settings, clock))
