"""/outside-work: open the form, read it, and ask permission (bot.usecases.outside_work)."""

from __future__ import annotations

import logging

from slack_sdk.models.views import View

from bot.rules import outside_work as rules
from bot.usecases.declare import office_day
from bot.usecases.outside_work import RECEIPT, request_outside_work
from handlers import manager_picker
from handlers.approvals import owed
from handlers.context import Env, Turn
from handlers.outside_work.cards import declarant_receipt
from handlers.outside_work.form import read_outside_work_form
from handlers.outside_work.views import outside_work_modal
from storage.models import Staff

log = logging.getLogger(__name__)


def outside_work_form_for(env: Env, *, me: Staff | None, text: str | None = None) -> View | None:
    """The /outside-work form for `me` (None: not in the org chart); also the App Home's
    button."""
    if me is None:
        return None
    organisation, notes = rules.prefill(text or "")
    return outside_work_modal(
        organisation=organisation,
        notes=notes,
        ask_for_manager=manager_picker.asks_for_manager(env.db, me),
        head_title=env.settings.policy.head_of_office_title,
    )


def submit_outside_work(turn: Turn) -> None:
    form, chosen_slack_id = read_outside_work_form(turn.view["state"]["values"])
    now = turn.now()
    request = rules.validate(form, office_day(turn.settings, now))
    manager_picker.declare(
        turn, request_outside_work, chosen_slack_id=chosen_slack_id, now=now, request=request
    )


owed.receipt_card(RECEIPT, declarant_receipt)
