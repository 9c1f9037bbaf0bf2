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
from bot.rules import vetting as rules
from bot.usecases.vetting import CONFIRMED, RENEWED
from bot.usecases.vetting_owed import LAPSED, RENEWAL, RENEWAL_LIST, day, listed, reminded
from handlers.outgoing import Drawn, Office, card
from handlers.vetting import messages
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
    renewed = messages.member_renewed(
        person.vetting_level,
        day(payload, "renewed_on"),
        day(payload, "new_expiry"),
        by_name=actor.display_name,
        leads=tuple(int(d) for d in payload["leads"]),
    )
    return Drawn(renewed)


@card(CONFIRMED)
def _draw_confirmed(session: Session, message: Queued) -> Drawn | None:
    found = _people(session, message.payload)
    officer = staff.by_id(session, staff_id=int(message.recipient.removeprefix("staff:")))
    if found is None or officer is None or not officer.slack_user_id:
        return None
    person, actor = found
    payload = message.payload
    confirmation = messages.officer_renewed(
        person.display_name,
        person.vetting_level,
        day(payload, "renewed_on"),
        day(payload, "new_expiry"),
        int(payload["years"]),
        told=bool(person.slack_user_id),
        recorded_by=actor.display_name if officer.id != actor.id else None,
    )
    return Drawn(confirmation)


# -- the sweep's reminders ----------------------------------------------------------------------


@card(RENEWAL, office=True)
def _draw_renewal(session: Session, message: Queued, office: Office) -> Drawn | None:
    found = reminded(session, message.payload)
    if found is None:
        return None  # renewed (or left) since: nothing to remind them of
    holder, overseer_names = found
    policy = office.policy
    return Drawn(
        messages.member_reminder(
            holder,
            office.today,
            overseer_names=overseer_names,
            officer_title=policy.vetting_officer_title,
            leads=policy.vetting_lead_days,
            years=rules.interval_years(holder.level, policy.vetting_intervals),
        )
    )


@card(RENEWAL_LIST, office=True)
def _draw_renewal_list(session: Session, message: Queued, office: Office) -> Drawn | None:
    holders = listed(session, message.payload)
    if not holders:
        return None
    return Drawn(messages.renewal_list(holders, office.today, office.policy.vetting_intervals))


@card(LAPSED, office=True)
def _draw_lapsed(session: Session, message: Queued, office: Office) -> Drawn | None:
    holders = listed(session, message.payload)
    if not holders:
        return None
    first, *more = messages.lapsed_lists(
        holders, day(message.payload, "monday"), office.today, office.policy.vetting_intervals
    )
    return Drawn(first, more=tuple(more))
