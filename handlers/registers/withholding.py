"""Withholding a declaration from the published register, and publishing it again: the
officers' forms from a record (the flows are bot.usecases.withhold), and the record shown
again beneath them once changed."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.rules.refusal import Refused
from bot.usecases import withhold as usecase
from handlers import slack_ui
from handlers.approvals.kinds import kind_of
from handlers.context import Env
from handlers.registers.ids import Field, WithholdMeta
from handlers.registers.listeners import show_view, viewed
from handlers.registers.record import republish_form, withhold_form
from handlers.registers.views import notice_view, parse_int
from storage.models import Staff


def open_withhold(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    actor: Staff | None,
    client: WebClient,
    env: Env,
) -> None:
    """ "Withhold from publication…" or "Publish again…" on the record view."""
    ack()
    try:
        record = usecase.to_decide(
            env.db, actor=actor, declaration_id=parse_int(action.get("value"))
        )
    except Refused as refused:
        show_view(client, body, notice_view("Declaration", refused.text))
        return
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


def _after_change(client: WebClient, env: Env, actor: Staff | None, meta: WithholdMeta) -> None:
    """The record view beneath the form, refreshed to show the change (its last trail page)."""
    if meta.record_view_id:
        view = viewed(env, actor, meta.declaration_id, trail_page=-1, audited=False)
        client.views_update(view_id=meta.record_view_id, view=view)


def submit_withhold(
    ack: Ack,
    view: dict[str, Any],
    meta: WithholdMeta,
    actor: Staff | None,
    client: WebClient,
    env: Env,
) -> None:
    form = slack_ui.answers(view["state"]["values"])
    usecase.withhold(
        env.db,
        actor=actor,
        declaration_id=meta.declaration_id,
        ground=form.choice(Field.GROUND),
        note=form.text(Field.NOTE),
        now=env.now(),
    )
    ack()
    _after_change(client, env, actor, meta)


def submit_republish(
    ack: Ack,
    view: dict[str, Any],
    meta: WithholdMeta,
    actor: Staff | None,
    client: WebClient,
    env: Env,
) -> None:
    form = slack_ui.answers(view["state"]["values"])
    usecase.publish_again(
        env.db, actor=actor, declaration_id=meta.declaration_id, reason=form.text(Field.REASON)
    )
    ack()
    _after_change(client, env, actor, meta)
