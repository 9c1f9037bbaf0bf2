"""Vetting renewal on Teams: the sweep's reminders (bot.jobs.vetting: a holder's reminder, an
overseer's list of renewals due, the weekly lapsed list) and what a recorded renewal owes
(bot.usecases.vetting), drawn as cards with the words Slack uses (bot/ui/vetting_messages.py),
each as of the day it is sent and leaving out anyone renewed since it was queued; and
"Renewed on…" beside each person in a list, opening the renewal form as a dialog, recorded
by the same use case (the vetting officer or the head of office only, once: the form is about
the expiry the list showed)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.outbox import Queued
from bot.rules import vetting as rules
from bot.teams.approval_drawers import drawn_card
from bot.teams.dialogs import Asked, Submitted, dialog, submit
from bot.teams.drawers import Drawn
from bot.teams.drawers import drawer as teams_drawer
from bot.teams.home import screen_card
from bot.teams.home_flow import office_day_of, office_policy
from bot.teams.router import Router
from bot.ui import vetting_messages as ui
from bot.ui.forms import Form, Note
from bot.ui.screens import Screen, Section
from bot.ui.text import long_day
from bot.ui.vetting import FORM_ID, ClearanceRef, renewal_form
from bot.usecases.vetting import CONFIRMED, RENEWED, renew_vetting, start_renewal
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
from storage import staff
from storage.models import Staff

TEAMS = "Teams"


def register(router: Router) -> None:
    dialog(router, ui.RENEW_ACTION, renewal_form_for)
    submit(router, FORM_ID, take_renewal, form=renewal_form_for)


# -- recording a renewal --------------------------------------------------------------------


def renewal_form_for(asked: Asked) -> Form:
    """The form for the person whose button was pressed, as their clearance stands; Refused
    for anyone but the vetting officer or the head of office, or a list out of date."""
    ref = asked.payload(ClearanceRef)
    renewing = start_renewal(
        asked.turn.db,
        actor=asked.me,
        staff_id=ref.staff_id,
        expires=ref.expires,
        settings=asked.turn.settings,
        now=asked.turn.clock(),
    )
    return renewal_form(
        ref=ref,
        name=renewing.name,
        level=renewing.level,
        years=renewing.years,
        today=renewing.today,
    )


def take_renewal(sub: Submitted) -> str:
    ref = sub.payload(ClearanceRef)
    renewed = renew_vetting(
        sub.turn.db,
        actor=sub.me,
        staff_id=ref.staff_id,
        expires=ref.expires,
        renewed_on=sub.answers.date(rules.Field.RENEWED_ON),
        settings=sub.turn.settings,
        now=sub.now,
    )
    r = renewed.renewal
    return (
        f"Recorded: {renewed.name}'s clearance was renewed on {long_day(r.renewed_on)} and now "
        f"expires on {long_day(r.new_expiry)}. Nolan tells them and the other vetting officers."
    )


# -- what a renewal owes --------------------------------------------------------------------


def _person(session: Session, said: Any) -> Staff | None:
    return staff.by_id(session, staff_id=int(said)) if str(said).isdigit() else None


@teams_drawer(RENEWED)
def draw_renewed(session: Session, message: Queued) -> Drawn | None:
    payload = message.payload
    person, actor = _person(session, payload["staff_id"]), _person(session, payload["actor_id"])
    if person is None or actor is None or not person.teams_id:
        return None  # not on Teams: the officers' confirmation says to tell them
    return drawn_card(member_renewed(person, actor, payload))


@teams_drawer(CONFIRMED)
def draw_confirmed(session: Session, message: Queued) -> Drawn | None:
    payload = message.payload
    person, actor = _person(session, payload["staff_id"]), _person(session, payload["actor_id"])
    officer = _person(session, message.recipient.removeprefix("staff:"))
    if person is None or actor is None or officer is None:
        return None
    told = bool(person.teams_id)
    return drawn_card(confirmation(person, actor, officer, payload, told, TEAMS))


# -- the sweep's reminders --------------------------------------------------------------------


@teams_drawer(RENEWAL)
def draw_renewal(session: Session, message: Queued) -> Drawn | None:
    found = reminded(session, message.payload)
    if found is None:
        return None  # renewed (or left) since: nothing to remind them of
    holder, overseer_names = found
    today = office_day_of(message)
    return drawn_card(member_reminder(holder, overseer_names, today, office_policy()))


def _drawn(listings: list[ui.Listing], title: str) -> Drawn:
    """A list as cards, one a part (as many people as a Slack message takes, which keeps a
    card under Teams' size limit): its heading, each person with "Renewed on…", the small
    print."""
    first, *more = [
        Drawn(
            part.summary,
            screen_card(
                Screen(
                    title,
                    (Section("", (Note(part.head), *part.people, Note(part.footer, small=True))),),
                )
            ),
        )
        for part in listings
    ]
    return Drawn(first.text, first.card, more=tuple(more))


@teams_drawer(RENEWAL_LIST)
def draw_renewal_list(session: Session, message: Queued) -> Drawn | None:
    holders = listed(session, message.payload)
    if not holders:
        return None
    intervals = office_policy().vetting_intervals
    listing = ui.renewal_list(holders, office_day_of(message), intervals, platform=TEAMS)
    return _drawn([listing], "Vetting renewals due")


@teams_drawer(LAPSED)
def draw_lapsed(session: Session, message: Queued) -> Drawn | None:
    """The week's lapsed clearances, in parts."""
    holders = listed(session, message.payload)
    if not holders:
        return None
    listings = ui.lapsed_lists(
        holders,
        day(message.payload, "monday"),
        office_day_of(message),
        office_policy().vetting_intervals,
        platform=TEAMS,
    )
    return _drawn(listings, "Lapsed vetting clearances")
