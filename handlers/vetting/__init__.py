"""Vetting renewal: reminders before a clearance expires, the weekly list of lapsed ones
(bot.jobs.vetting, run by the daily sweep), and recording a renewal from the DM."""

from __future__ import annotations

from slack_bolt import App

from handlers.context import meta
from handlers.vetting.ids import CALLBACK_ID, RENEW_ACTION, ClearanceRef, Field
from handlers.vetting.listeners import STALE_FORM, open_renewal_form, submit_renewal


def register(app: App) -> None:
    app.action(RENEW_ACTION, middleware=[meta(ClearanceRef)])(open_renewal_form)
    app.view(
        CALLBACK_ID, middleware=[meta(ClearanceRef, stale=STALE_FORM, field=Field.RENEWED_ON)]
    )(submit_renewal)
