"""Recording a renewal from the vetting officer's DM: "Renewed on…" opens the form, whose
date sets the next expiry (renewed on + the level's interval). The flow itself is
bot.usecases.vetting; its messages are drawn in handlers.vetting.owed."""

from __future__ import annotations

from bot.usecases.vetting import renew_vetting, start_renewal
from handlers.context import Turn
from handlers.vetting import owed as owed
from handlers.vetting.ids import ClearanceRef, Field
from handlers.vetting.views import renewal_modal

STALE_FORM = "This form is out of date: close it and press Renewed on… again."


def open_renewal_form(turn: Turn, meta: ClearanceRef) -> None:
    turn.ack()
    renewing = turn.call(start_renewal, staff_id=meta.staff_id, expires=meta.expires)
    turn.open(
        renewal_modal(
            ref=meta,
            name=renewing.name,
            level=renewing.level,
            years=renewing.years,
            today=renewing.today,
        )
    )


def submit_renewal(turn: Turn, meta: ClearanceRef) -> None:
    turn.call(
        renew_vetting,
        staff_id=meta.staff_id,
        expires=meta.expires,
        renewed_on=turn.answers().date(Field.RENEWED_ON),
    )
    turn.ack()
