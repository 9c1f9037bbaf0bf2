"""Withholding a declaration from the published register, and publishing it again: the
officers' forms from a record (the flows are bot.usecases.withhold), and the record shown
again beneath them once changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.rules.refusal import Refused
from bot.usecases import withhold as usecase
from handlers.approvals.kinds import kind_of
from handlers.context import Turn
from handlers.registers.ids import Field, WithholdMeta
from handlers.registers.listeners import show_view, viewed
from handlers.registers.record import republish_form, withhold_form
from handlers.registers.views import notice_view, parse_int


def open_withhold(turn: Turn) -> None:
    """ "Withhold from publication…" or "Publish again…" on the record view."""
    turn.ack()
    try:
        record = usecase.to_decide(
            turn.db, actor=turn.actor, declaration_id=parse_int(turn.action_value)
        )
    except Refused as refused:
        show_view(turn, notice_view("Declaration", refused.text))
        return
    declaration = record.declaration
    assert declaration.id is not None
    meta = WithholdMeta(declaration_id=declaration.id, record_view_id=turn.view.get("id"))
    reference = declaration.reference or ""
    if declaration.withheld_at is None:
        what = kind_of(declaration.kind).card(record, None, []).heading
        view = withhold_form(meta, reference, what)
    else:
        view = republish_form(meta, reference, declaration.withheld_reason or "")
    show_view(turn, view)


def submit_withhold(turn: Turn, meta: WithholdMeta) -> None:
    form = turn.answers()
    _change(
        turn,
        meta,
        usecase.withhold,
        ground=form.choice(Field.GROUND),
        note=form.text(Field.NOTE),
        now=turn.now(),
    )


def submit_republish(turn: Turn, meta: WithholdMeta) -> None:
    _change(turn, meta, usecase.publish_again, reason=turn.answers().text(Field.REASON))


def _change(turn: Turn, meta: WithholdMeta, change: Callable[..., None], **args: Any) -> None:
    """Withhold or publish again (bot.usecases.withhold) as the officer who sent the form;
    then the record view beneath the form, refreshed to show the change (its last trail
    page)."""
    change(turn.db, actor=turn.actor, declaration_id=meta.declaration_id, **args)
    turn.ack()
    if meta.record_view_id:
        view = viewed(turn.env, turn.actor, meta.declaration_id, trail_page=-1, audited=False)
        turn.client.views_update(view_id=meta.record_view_id, view=view)
