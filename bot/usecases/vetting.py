"""Renewing a vetting clearance: the vetting officer (or the head of office) records the date
it was renewed, and the next expiry follows from the level's interval. The person is told
their new expiry, and every vetting officer who did not record it is told who did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.outbox import queue, to_staff
from bot.rules import vetting as rules
from bot.rules.refusal import Refused
from bot.rules.roles import Role
from bot.settings import Settings
from bot.ui.text import long_day, relative
from storage import audit, staff
from storage.db import Database
from storage.models import Staff
from storage.vetting import set_expiry

NO_RIGHT = "Only the vetting officer or the head of office can record a vetting renewal."
GONE = "That person is no longer in the org chart, so there is nothing to renew."

# The messages a renewal owes (drawn by each platform: handlers.vetting.owed for Slack).
RENEWED = "vetting_renewed"  # to the person: their new expiry
CONFIRMED = "vetting_renewal_confirmed"  # to the officer who recorded it, and to the others


@dataclass(frozen=True)
class Renewing:
    """Whose clearance a renewal form is about, as the form shows it."""

    staff_id: int
    name: str
    level: str | None
    expires: date | None
    years: int  # how long a renewal now lasts at their level
    today: date


@dataclass(frozen=True)
class Renewed:
    """What was recorded, and who was told."""

    staff_id: int
    name: str
    level: str | None
    renewal: rules.Renewal
    old_expiry: date | None
    told_officer_ids: tuple[int, ...]  # the other vetting officers sent a copy


def today_of(settings: Settings, now: datetime) -> date:
    return now.astimezone(settings.policy.tz).date()


def _changed(person: Staff, today: date) -> str:
    """The button showed an expiry that is no longer the one on record."""
    if person.vetting_expires is None:
        return (
            f"{person.display_name} no longer has a vetting expiry date on record (the org "
            "chart changed), so there is nothing to renew here."
        )
    return (
        f"{person.display_name}'s clearance now expires on {long_day(person.vetting_expires)} "
        f"({relative(person.vetting_expires, today)}): a renewal was recorded, or the org "
        "chart changed, since this message."
    )


def _checked(
    session: Session,
    actor: Staff | None,
    staff_id: int,
    expires: date | None,
    today: date,
    field: str | None,
) -> tuple[int, Staff]:
    """The actor's id and the person whose clearance they may renew, as it was shown; or
    Refused, on `field`."""
    if actor is None or actor.id is None:
        raise Refused(NO_RIGHT, field)
    person = staff.by_id(session, staff_id=staff_id)
    if person is None or person.id is None or not person.active:
        raise Refused(GONE, field)
    refusal = rules.may_record(actor.id, actor.role_set, person.id)
    if refusal is not None:
        raise Refused(refusal, field)
    if person.vetting_expires != expires:
        raise Refused(_changed(person, today), field)
    return actor.id, person


def start_renewal(
    db: Database,
    *,
    actor: Staff | None,
    staff_id: int,
    expires: date | None,
    settings: Settings,
    now: datetime,
) -> Renewing:
    """May `actor` record a renewal of this clearance, which showed `expires`? What the
    form shows; or Refused."""
    today = today_of(settings, now)
    with db.session() as session:
        _, person = _checked(session, actor, staff_id, expires, today, None)
    assert person.id is not None
    return Renewing(
        staff_id=person.id,
        name=person.display_name,
        level=person.vetting_level,
        expires=person.vetting_expires,
        years=rules.interval_years(person.vetting_level, settings.policy.vetting_intervals),
        today=today,
    )


def renew_vetting(
    db: Database,
    *,
    actor: Staff | None,
    staff_id: int,
    expires: date | None,
    renewed_on: date | None,
    settings: Settings,
    now: datetime,
) -> Renewed:
    """Record that the clearance which showed `expires` was renewed on `renewed_on`: its new
    expiry (a conditional update: two officers at once, or an import in between, cannot
    both apply), the audit entry, and the messages owed, in one transaction. Refused on the
    form's field (bot.rules.vetting.Field.RENEWED_ON) when it may not be."""
    field = rules.Field.RENEWED_ON
    today = today_of(settings, now)
    with db.session() as session:
        actor_id, person = _checked(session, actor, staff_id, expires, today, field)
        assert person.id is not None
        try:
            renewal = rules.validate_renewal(
                renewed_on,
                today=today,
                current_expiry=expires,
                level=person.vetting_level,
                intervals=settings.policy.vetting_intervals,
            )
        except rules.InvalidRenewal as invalid:
            raise Refused(invalid.errors[field], field) from None
        if not set_expiry(
            session, staff_id=person.id, old=expires, new=renewal.new_expiry, now=now
        ):
            session.rollback()
            session.refresh(person)
            raise Refused(_changed(person, today), field)
        audit.record(
            session,
            action="vetting_renewed",
            actor_id=actor_id,
            staff_id=person.id,
            level=person.vetting_level,
            renewed_on=renewal.renewed_on.isoformat(),
            old_expiry=expires.isoformat() if expires else None,
            new_expiry=renewal.new_expiry.isoformat(),
            years=renewal.years,
        )
        others = tuple(
            o.id
            for o in staff.holders_of(session, role=Role.VETTING_OFFICER)
            if o.id is not None and o.id not in (actor_id, person.id)
        )
        details = {
            "staff_id": person.id,
            "actor_id": actor_id,
            "renewed_on": renewal.renewed_on.isoformat(),
            "new_expiry": renewal.new_expiry.isoformat(),
            "years": renewal.years,
            "leads": list(settings.policy.vetting_lead_days),
        }
        subject = f"staff:{person.id}"
        # For the person alone: it arrives in their working hours.
        queue(
            session, RENEWED, subject=subject, recipient=to_staff(person.id), due_at=now, **details
        )
        for officer_id in (actor_id, *others):
            queue(session, CONFIRMED, subject=subject, recipient=to_staff(officer_id), **details)
        session.commit()
        return Renewed(
            staff_id=person.id,
            name=person.display_name,
            level=person.vetting_level,
            renewal=renewal,
            old_expiry=expires,
            told_officer_ids=others,
        )
