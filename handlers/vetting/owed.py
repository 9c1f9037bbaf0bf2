"""The Slack drawing of what a recorded renewal owes (bot.usecases.vetting): the person's new
expiry (held for their working hours), and the confirmation to the vetting officers."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from bot.outbox import Queued
from bot.usecases.vetting import CONFIRMED, RENEWED
from handlers.outgoing import Drawn, card
from handlers.vetting import messages
from storage import staff
from storage.models import Staff


def _people(session: Session, payload: dict[str, Any]) -> tuple[Staff, Staff] | None:
    person = staff.by_id(session, staff_id=int(payload["staff_id"]))
    actor = staff.by_id(session, staff_id=int(payload["actor_id"]))
    return (person, actor) if person is not None and actor is not None else None


def _day(payload: dict[str, Any], key: str) -> date:
    return date.fromisoformat(str(payload[key]))


@card(RENEWED)
def _draw_renewed(session: Session, message: Queued) -> Drawn | None:
    found = _people(session, message.payload)
    if found is None or not found[0].slack_user_id:
        return None  # not on Slack: the officers' confirmation says to tell them
    person, actor = found
    payload = message.payload
    renewed = messages.member_renewed(
        person.vetting_level,
        _day(payload, "renewed_on"),
        _day(payload, "new_expiry"),
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
        _day(payload, "renewed_on"),
        _day(payload, "new_expiry"),
        int(payload["years"]),
        told=bool(person.slack_user_id),
    )
    if officer.id != actor.id:
        confirmation = messages.recorded_by(confirmation, actor.display_name)
    return Drawn(confirmation)
