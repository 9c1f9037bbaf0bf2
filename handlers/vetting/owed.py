"""The Slack drawing of the vetting messages the outbox owes: what a recorded renewal owes
(bot.usecases.vetting: the person's new expiry, held for their working hours, and the
confirmation to the vetting officers), and the sweep's reminders (bot.jobs.vetting: a
holder's renewal reminder, an overseer's list of renewals due, the weekly lapsed list), each
drawn as of the day it is sent, leaving out anyone renewed since it was queued
(bot.usecases.vetting_owed)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.outbox import Queued
from bot.ui.vetting_messages import lapsed_lists, renewal_list
from bot.usecases.vetting import CONFIRMED, RENEWED
from bot.usecases.vetting_owed import (
    LAPSED,
    RENEWAL,
    RENEWAL_LIST,
    confirmation,
    day,
    listed,
    member_reminder,
    member_renewed,
    reminded,
)
from handlers.outgoing import Drawn, Office, card
from handlers.vetting import messages
from handlers.vetting.messages import SLACK
from storage import staff
from storage.models import Staff


def _people(session: Session, payload: dict[str, Any]) -> tuple[Staff, Staff] | None:
    person = staff.by_id(session, staff_id=int(payload["staff_id"]))
    actor = staff.by_id(session, staff_id=int(payload["actor_id"]))
    return (person, actor) if person is not None and actor is not None else None


@card(RENEWED)
def _draw_renewed(session: Session, message: Queued) -> Drawn | None:
    found = _people(session, message.payload)
    if found is None or not found[0].slack_user_id:
        return None  # not on Slack: the officers' confirmation says to tell them
    person, actor = found
    payload = message.payload
    return Drawn(messages.said(member_renewed(person, actor, payload)))


@card(CONFIRMED)
def _draw_confirmed(session: Session, message: Queued) -> Drawn | None:
    found = _people(session, message.payload)
    officer = staff.by_id(session, staff_id=int(message.recipient.removeprefix("staff:")))
    if found is None or officer is None or not officer.slack_user_id:
        return None
    person, actor = found
    payload = message.payload
    told = bool(person.slack_user_id)
    return Drawn(messages.said(confirmation(person, actor, officer, payload, told, SLACK)))


# -- the sweep's reminders ----------------------------------------------------------------------


@card(RENEWAL, office=True)
def _draw_renewal(session: Session, message: Queued, office: Office) -> Drawn | None:
    found = reminded(session, message.payload)
    if found is None:
        return None  # renewed (or left) since: nothing to remind them of
    holder, overseer_names = found
    policy = office.policy
    return Drawn(messages.said(member_reminder(holder, overseer_names, office.today, policy)))


@card(RENEWAL_LIST, office=True)
def _draw_renewal_list(session: Session, message: Queued, office: Office) -> Drawn | None:
    holders = listed(session, message.payload)
    if not holders:
        return None
    intervals = office.policy.vetting_intervals
    return Drawn(messages.listed(renewal_list(holders, office.today, intervals, platform=SLACK)))


@card(LAPSED, office=True)
def _draw_lapsed(session: Session, message: Queued, office: Office) -> Drawn | None:
    holders = listed(session, message.payload)
    if not holders:
        return None
    first, *more = [
        messages.listed(part)
        for part in lapsed_lists(
            holders,
            day(message.payload, "monday"),
            office.today,
            office.policy.vetting_intervals,
            platform=SLACK,
        )
    ]
    return Drawn(first, more=tuple(more))
