"""Withholding a declaration from the published register, and publishing it again, on Teams:
the buttons on the record (bot.teams.registers) open the officers' form in the same dialog;
once sent, the record comes back showing the change (its last trail page). The flows and
their refusals (register keepers only, never on their own declaration, one of two officers at
once) are bot.usecases.withhold's, as on Slack."""

from __future__ import annotations

from typing import Any

from bot.rules.refusal import STALE_BUTTON, Refused
from bot.teams import adaptive
from bot.teams.dialogs import Asked, Submitted, names_in, submit
from bot.teams.invoke_responses import dialog as dialog_response
from bot.teams.invoke_responses import dialog_message
from bot.teams.registers import record_dialog
from bot.teams.router import TASK_SUBMIT, Router, Turn
from bot.ui.forms import Form
from bot.ui.home_model import RecordRef
from bot.ui.payload import BadPayload
from bot.ui.register_views import Action
from bot.ui.withholding import (
    REPUBLISH_FORM_ID,
    WITHHOLD_FORM_ID,
    WithholdField,
    WithholdMeta,
    republish_form,
    withhold_form,
)
from bot.usecases import withhold as usecase
from bot.usecases.kinds import kind_of
from storage.declarations import Record


def register(router: Router) -> None:
    router.invoke(TASK_SUBMIT, open_form, key=Action.WITHHOLD)
    router.invoke(TASK_SUBMIT, open_form, key=Action.REPUBLISH)
    submit(router, WITHHOLD_FORM_ID, take_withhold, form=_form_for)
    submit(router, REPUBLISH_FORM_ID, take_republish, form=_form_for)


def _form(record: Record, *, republish: bool) -> Form:
    declaration = record.declaration
    assert declaration.id is not None
    meta = WithholdMeta(declaration_id=declaration.id)
    reference = declaration.reference or ""
    if republish:
        return republish_form(meta, reference, declaration.withheld_reason or "")
    what = kind_of(declaration.kind).card(record, None, []).heading
    return withhold_form(meta, reference, what)


def _form_for(asked: Asked) -> Form:
    """The form as sent, read back: the one it was, whatever the declaration's state now (a
    change meanwhile is the use case's refusal). Refused for anyone who may not decide."""
    meta = asked.payload(WithholdMeta)
    record = usecase.to_decide(asked.turn.db, actor=asked.me, declaration_id=meta.declaration_id)
    sent = adaptive.data_text(asked.data, adaptive.FORM_KEY)
    return _form(record, republish=sent == REPUBLISH_FORM_ID)


def open_form(turn: Turn) -> dict[str, Any]:
    """ "Withhold from publication…" or "Publish again…" on the record."""
    value = turn.value if isinstance(turn.value, dict) else {}
    try:
        ref = adaptive.read_payload(RecordRef, value.get("data"))
        record = usecase.to_decide(turn.db, actor=turn.actor, declaration_id=ref.declaration_id)
        form = _form(record, republish=record.declaration.withheld_at is not None)
    except BadPayload:
        return dialog_message(STALE_BUTTON)
    except Refused as refused:
        return dialog_message(refused.text)
    with turn.db.session() as session:
        return dialog_response(form, names=names_in(session, form, None))


def _after(sent: Submitted, declaration_id: int) -> dict[str, Any]:
    """The record again, at its last trail page: the change shown."""
    return record_dialog(sent.turn, declaration_id, trail_page=-1, audited=False)


def take_withhold(sent: Submitted) -> dict[str, Any]:
    meta = sent.payload(WithholdMeta)
    usecase.withhold(
        sent.turn.db,
        actor=sent.me,
        declaration_id=meta.declaration_id,
        ground=sent.answers.choice(WithholdField.GROUND),
        note=sent.answers.text(WithholdField.NOTE),
        now=sent.now,
    )
    return _after(sent, meta.declaration_id)


def take_republish(sent: Submitted) -> dict[str, Any]:
    meta = sent.payload(WithholdMeta)
    usecase.publish_again(
        sent.turn.db,
        actor=sent.me,
        declaration_id=meta.declaration_id,
        reason=sent.answers.text(WithholdField.REASON),
    )
    return _after(sent, meta.declaration_id)
