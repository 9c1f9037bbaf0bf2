"""The annual declaration's buttons, and `/conduct annual` for the monitoring officer."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.usecases.answers import confirm_annual
from bot.usecases.yearly import asked_not_answered
from handlers import manager_picker
from handlers.annual.common import pressed_message
from handlers.annual.ids import AnnualRef
from handlers.annual.messages import outstanding_message, recorded_message
from handlers.conduct import ConductRequest
from handlers.context import Env
from handlers.interests.views import interest_modal
from handlers.outside_work.views import outside_work_modal
from storage.models import Staff

log = logging.getLogger(__name__)

USAGE = "Usage: `/conduct annual [YEAR]` — who has not answered the annual declaration."


def nothing_changed(
    ack: Ack,
    body: dict[str, Any],
    meta: AnnualRef,
    actor: Staff,
    env: Env,
) -> None:
    """Record "nothing has changed" once (bot.usecases.answers) and turn the DM into the
    receipt of the answer that stands."""
    ack()
    answer = confirm_annual(env.db, actor=actor, year=meta.year, now=env.now())
    where = pressed_message(body)
    if where is not None:
        env.notifier.update(
            where, recorded_message(year=meta.year, response=answer.response, at=answer.at)
        )


def declare_interest(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    """ "Declare an interest": the /interest form; the declaration is the answer (the
    middleware has checked the person is in the org chart)."""
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=interest_modal())


def ask_outside_work(
    ack: Ack,
    body: dict[str, Any],
    actor: Staff,
    client: WebClient,
    env: Env,
) -> None:
    """ "Ask about outside work": the /outside-work form; the request is the answer."""
    ack()
    with env.db.session() as session:
        ask_for_manager = manager_picker.needs_choice(session, actor)
    client.views_open(
        trigger_id=body["trigger_id"],
        view=outside_work_modal(
            ask_for_manager=ask_for_manager,
            head_title=env.settings.policy.head_of_office_title,
        ),
    )


def conduct_annual(request: ConductRequest) -> None:
    """`/conduct annual [YEAR]`: the monitoring officer's (or an admin's) list of who has not
    answered this year's annual declaration (or YEAR's), as it stands."""
    now = request.clock()
    report = asked_not_answered(
        request.db,
        actor=request.actor,
        words=request.args,
        usage=USAGE,
        settings=request.settings,
        now=now,
    )
    if report is None:
        request.reply(USAGE)
        return
    today = now.astimezone(request.settings.policy.tz).date()
    message = outstanding_message(report, final=False, today=today)
    request.ack(response_type="ephemeral", **message.as_kwargs())
