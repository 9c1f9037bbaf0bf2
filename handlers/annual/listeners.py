"""The annual declaration's buttons, and `/conduct annual` for the monitoring officer."""

from __future__ import annotations

import logging

from bot.usecases.answers import confirm_annual
from bot.usecases.yearly import asked_not_answered
from handlers import manager_picker
from handlers.annual.common import pressed
from handlers.annual.ids import AnnualRef
from handlers.annual.messages import outstanding_message
from handlers.conduct import ConductRequest
from handlers.context import Turn
from handlers.interests.views import interest_modal
from handlers.outside_work.views import outside_work_modal

log = logging.getLogger(__name__)

USAGE = "Usage: `/conduct annual [YEAR]` — who has not answered the annual declaration."


def nothing_changed(turn: Turn, meta: AnnualRef) -> None:
    """Record "nothing has changed" once (bot.usecases.answers), with the DM's redrawing as
    the receipt of the answer that stands owed in the same transaction (the outbox sends it,
    off this thread). Acked once both are committed: a press Slack has heard "ok" for is
    never lost, nor its receipt (issue 10), and a refusal or failure before it is told."""
    confirm_annual(
        turn.db, actor=turn.staff, year=meta.year, now=turn.now(), pressed=pressed(turn.body)
    )
    turn.ack()


def declare_interest(turn: Turn) -> None:
    """ "Declare an interest": the /interest form; the declaration is the answer (the
    middleware has checked the person is in the org chart)."""
    turn.ack()
    turn.open(interest_modal())


def ask_outside_work(turn: Turn) -> None:
    """ "Ask about outside work": the /outside-work form; the request is the answer."""
    turn.ack()
    with turn.db.session() as session:
        ask_for_manager = manager_picker.needs_choice(session, turn.staff)
    turn.open(
        outside_work_modal(
            ask_for_manager=ask_for_manager,
            head_title=turn.settings.policy.head_of_office_title,
        )
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
