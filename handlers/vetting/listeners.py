"""Recording a renewal from the vetting officer's DM: "Renewed on…" opens the form, whose
date sets the next expiry (renewed on + the level's interval). The flow itself is
bot.usecases.vetting; its messages are drawn in handlers.vetting.owed."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.usecases.vetting import renew_vetting, start_renewal
from handlers import slack_ui
from handlers.context import Env
from handlers.vetting import owed as owed
from handlers.vetting.ids import ClearanceRef, Field
from handlers.vetting.views import renewal_modal
from storage.models import Staff

STALE_FORM = "This form is out of date: close it and press Renewed on… again."


def open_renewal_form(
    ack: Ack,
    body: dict[str, Any],
    meta: ClearanceRef,
    actor: Staff | None,
    client: WebClient,
    env: Env,
) -> None:
    ack()
    renewing = start_renewal(
        env.db,
        actor=actor,
        staff_id=meta.staff_id,
        expires=meta.expires,
        settings=env.settings,
        now=env.now(),
    )
    client.views_open(
        trigger_id=body["trigger_id"],
        view=renewal_modal(
            ref=meta,
            name=renewing.name,
            level=renewing.level,
            years=renewing.years,
            today=renewing.today,
        ),
    )


def submit_renewal(
    ack: Ack,
    view: dict[str, Any],
    meta: ClearanceRef,
    actor: Staff | None,
    env: Env,
) -> None:
    answers = slack_ui.answers(view.get("state", {}).get("values", {}))
    renew_vetting(
        env.db,
        actor=actor,
        staff_id=meta.staff_id,
        expires=meta.expires,
        renewed_on=answers.date(Field.RENEWED_ON),
        settings=env.settings,
        now=env.now(),
    )
    ack()
