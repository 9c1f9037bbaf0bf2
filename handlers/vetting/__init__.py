"""Vetting renewal: reminders before a clearance expires, the weekly list of lapsed ones
(handlers.vetting.jobs, run by the daily sweep), and recording a renewal from the DM."""

from __future__ import annotations

from slack_bolt import App

from handlers.vetting.ids import CALLBACK_ID, RENEW_ACTION
from handlers.vetting.jobs import JOBS as JOBS
from handlers.vetting.listeners import open_renewal_form, submit_renewal


def register(app: App) -> None:
    app.action(RENEW_ACTION)(open_renewal_form)
    app.view(CALLBACK_ID)(submit_renewal)
