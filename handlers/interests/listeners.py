"""/interest: open the form, read it, and declare the interest (bot.usecases.interests).
Ending an interest from /conduct mine is in handlers.interests.ending."""

from __future__ import annotations

import logging

from slack_sdk.models.views import View

from bot.rules import interests as rules
from bot.rules.refusal import Refused
from bot.usecases.declare import office_day
from bot.usecases.interests import COLLEAGUE_UNKNOWN, declare_interest
from handlers.context import Env, Turn
from handlers.interests.form import read_interest_form
from handlers.interests.ids import Field
from handlers.interests.views import interest_modal
from storage import staff
from storage.models import Staff

log = logging.getLogger(__name__)


def interest_form_for(env: Env, *, me: Staff | None, text: str | None = None) -> View | None:
    """The /interest form for `me` (None: not in the org chart); also the App Home's button."""
    if me is None:
        return None
    return interest_modal(description=(text or "").strip())


def submit_interest(turn: Turn) -> None:
    form = read_interest_form(turn.view["state"]["values"])
    now = turn.now()
    declared = rules.validate(form, office_day(turn.settings, now), declarant=turn.user_id)
    colleague_id: int | None = None
    if declared.colleague:
        with turn.db.session() as session:
            colleague = staff.by_slack_id(session, slack_user_id=declared.colleague)
        if colleague is None:
            raise Refused(COLLEAGUE_UNKNOWN, Field.COLLEAGUE)
        colleague_id = colleague.id
    declare_interest(
        turn.db,
        declarant=turn.staff,
        declared_interest=declared,
        colleague_id=colleague_id,
        settings=turn.settings,
        now=now,
    )
    turn.ack()
