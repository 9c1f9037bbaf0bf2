"""Recording a renewal from the vetting officer's DM: "Renewed on…" opens the form, whose
date sets the next expiry (renewed on + the level's interval)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.notifier import Notifier
from bot.rules import vetting as rules
from bot.rules.refusal import Refused
from bot.rules.roles import Role
from bot.settings import Settings
from handlers import slack_ui
from handlers.vetting import messages
from handlers.vetting.ids import ClearanceRef, Field
from handlers.vetting.store import set_expiry
from handlers.vetting.views import renewal_modal
from storage import audit, staff
from storage.db import Database
from storage.models import Staff

log = logging.getLogger(__name__)

STALE_FORM = "This form is out of date: close it and press Renewed on… again."


def _today(settings: Settings, now: datetime) -> date:
    return now.astimezone(settings.policy.tz).date()


def _refusal(actor: Staff | None, person: Staff | None) -> str | None:
    """Why this actor may not record this person's renewal, or None."""
    if actor is None or actor.id is None:
        return "Only the vetting officer or the head of office can record a vetting renewal."
    if person is None or person.id is None or not person.active:
        return "That person is no longer in the org chart, so there is nothing to renew."
    return rules.may_record(actor.id, actor.role_set, person.id)


def _changed(person: Staff, today: date) -> str:
    """The button showed an expiry that is no longer the one on record."""
    if person.vetting_expires is None:
        return (
            f"{person.display_name} no longer has a vetting expiry date on record (the org "
            "chart changed), so there is nothing to renew here."
        )
    return (
        f"{person.display_name}'s clearance now expires on "
        f"{messages.long_day(person.vetting_expires)} "
        f"({messages.relative(person.vetting_expires, today)}): a renewal was recorded, or the "
        "org chart changed, since this message."
    )


def open_renewal_form(
    ack: Ack,
    body: dict[str, Any],
    meta: ClearanceRef,
    actor: Staff | None,
    client: WebClient,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    ack()
    ref = meta
    today = _today(settings, clock())
    with db.session() as session:
        person = staff.by_id(session, staff_id=ref.staff_id)
    refusal = _refusal(actor, person)
    if refusal is not None:
        raise Refused(refusal)
    assert person is not None
    if person.vetting_expires != ref.expires:
        raise Refused(_changed(person, today))
    client.views_open(
        trigger_id=body["trigger_id"],
        view=renewal_modal(
            ref=ref,
            name=person.display_name,
            level=person.vetting_level,
            years=rules.interval_years(person.vetting_level, settings.policy.vetting_intervals),
            today=today,
        ),
    )


def _renewed_on(view: dict[str, Any]) -> date | None:
    return slack_ui.answers(view.get("state", {}).get("values", {})).date(Field.RENEWED_ON)


@dataclass(frozen=True)
class Recorded:
    actor: Staff
    person: Staff
    renewal: rules.Renewal
    others: list[Staff]  # vetting officers to tell, besides the one who recorded it


def _record(
    db: Database,
    *,
    actor_slack_id: str,
    ref: ClearanceRef,
    renewed_on: date | None,
    settings: Settings,
    now: datetime,
) -> Recorded:
    """Check and store the renewal (raises rules.InvalidRenewal); commits before anyone is
    told."""
    today = _today(settings, now)
    with db.session() as session:
        actor = staff.by_slack_id(session, slack_user_id=actor_slack_id)
        person = staff.by_id(session, staff_id=ref.staff_id)
        refusal = _refusal(actor, person)
        if refusal is not None:
            raise rules.InvalidRenewal({Field.RENEWED_ON: refusal})
        assert actor is not None and actor.id is not None
        assert person is not None and person.id is not None
        if person.vetting_expires != ref.expires:
            raise rules.InvalidRenewal({Field.RENEWED_ON: _changed(person, today)})
        renewal = rules.validate_renewal(
            renewed_on,
            today=today,
            current_expiry=ref.expires,
            level=person.vetting_level,
            intervals=settings.policy.vetting_intervals,
        )
        if not set_expiry(
            session, staff_id=person.id, old=ref.expires, new=renewal.new_expiry, now=now
        ):
            session.rollback()
            session.refresh(person)
            raise rules.InvalidRenewal({Field.RENEWED_ON: _changed(person, today)})
        audit.record(
            session,
            action="vetting_renewed",
            actor_id=actor.id,
            staff_id=person.id,
            level=person.vetting_level,
            renewed_on=renewal.renewed_on.isoformat(),
            old_expiry=ref.expires.isoformat() if ref.expires else None,
            new_expiry=renewal.new_expiry.isoformat(),
            years=renewal.years,
        )
        session.commit()
        others = [
            o
            for o in staff.holders_of(session, role=Role.VETTING_OFFICER)
            if o.id not in (actor.id, person.id) and o.slack_user_id
        ]
        return Recorded(actor, person, renewal, others)


def submit_renewal(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    meta: ClearanceRef,
    db: Database,
    settings: Settings,
    notifier: Notifier,
    clock: Callable[[], datetime],
) -> None:
    ref = meta
    now = clock()
    try:
        recorded = _record(
            db,
            actor_slack_id=body["user"]["id"],
            ref=ref,
            renewed_on=_renewed_on(view),
            settings=settings,
            now=now,
        )
    except rules.InvalidRenewal as invalid:
        ack(**slack_ui.field_errors(invalid.errors))
        return
    ack()
    _announce(notifier, recorded, settings, now)


def _announce(notifier: Notifier, recorded: Recorded, settings: Settings, now: datetime) -> None:
    """Tell the person their new expiry, and confirm to whoever recorded it (and the other
    vetting officers). The renewal is already stored: a failed DM is logged, not undone."""
    person, actor, renewal = recorded.person, recorded.actor, recorded.renewal
    told = False
    if person.slack_user_id:
        try:
            notifier.dm_in_hours(
                person.slack_user_id,
                messages.member_renewed(
                    person.vetting_level,
                    renewal.renewed_on,
                    renewal.new_expiry,
                    by_name=actor.display_name,
                    leads=settings.policy.vetting_lead_days,
                ),
                tz=person.tz,
                now=now,
            )
            told = True
        except Exception:
            log.warning("Could not tell %s of their renewal", person.display_name, exc_info=True)
    confirmation = messages.officer_renewed(
        person.display_name,
        person.vetting_level,
        renewal.renewed_on,
        renewal.new_expiry,
        renewal.years,
        told=told,
    )
    for officer, note in [(actor, None), *((o, actor.display_name) for o in recorded.others)]:
        if not officer.slack_user_id:
            continue
        message = confirmation if note is None else messages.recorded_by(confirmation, note)
        try:
            notifier.dm(officer.slack_user_id, message)
        except Exception:
            log.warning("Could not confirm a renewal to %s", officer.display_name, exc_info=True)
