"""The Slack drawing of the annual declaration's messages the sweep owes (bot.jobs.annual):
each person's DM with its three buttons, and the monitoring officer's list of who has not
answered, drawn as they stand when sent (bot.usecases.yearly); and the DM redrawn as the
receipt of "Nothing has changed" (bot.usecases.answers.ANNUAL_RECORDED)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.outbox import Queued
from bot.usecases.answers import ANNUAL_RECORDED
from bot.usecases.yearly import ANNUAL, NONRESPONDERS, annual_as_sent, nonresponders
from handlers.annual.common import receipt
from handlers.annual.messages import annual_message, outstanding_message, recorded_message
from handlers.outgoing import Drawn, Office, card


@card(ANNUAL, office=True)
def _draw_annual(session: Session, message: Queued, office: Office) -> Drawn | None:
    found = annual_as_sent(session, message, office.policy, office.today)
    if found is None:
        return None
    return Drawn(
        annual_message(
            name=found.person.display_name,
            round_=found.round_,
            holdings=found.holdings,
            policy=office.policy,
            reminder=found.reminder,
        )
    )


@card(NONRESPONDERS, office=True)
def _draw_nonresponders(session: Session, message: Queued, office: Office) -> Drawn:
    report = nonresponders(session, message, office.policy)
    return Drawn(outstanding_message(report, final=True, today=office.today))


@card(ANNUAL_RECORDED)
def _draw_recorded(_session: Session, message: Queued) -> Drawn | None:
    p = message.payload
    at = datetime.fromisoformat(str(p["at"]))
    return receipt(
        message, recorded_message(year=int(p["year"]), response=str(p["response"]), at=at)
    )
