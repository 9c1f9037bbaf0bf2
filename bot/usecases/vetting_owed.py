"""The vetting reminders the sweep owes (bot.jobs.vetting), as each platform's drawer reads
them back when they are sent (Slack: handlers.vetting.owed, Teams: bot.teams.vetting): the
card names, and the clearances a message speaks of as they stand now, leaving out anyone
renewed (or gone) since it was queued."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlmodel import Session

from bot.rules import vetting as rules
from bot.settings import Policy
from bot.ui import vetting_messages as ui
from bot.ui.cards import Card
from storage import staff
from storage.models import Staff
from storage.vetting import Holder, clearances_of

RENEWAL = "vetting_renewal"  # a card and a key: a holder's reminder, a line of a list
RENEWAL_LIST = "vetting_renewal_list"  # a card: an overseer's list of renewals due
LAPSED = "vetting_lapsed"  # a card and a key: an overseer's weekly list of lapsed clearances


def clearances(holders: Sequence[Holder]) -> list[dict[str, object]]:
    """A list's people in its payload: who, and the expiry the message speaks of."""
    return [{"staff_id": h.id, "expires": h.expires.isoformat()} for h in holders]


def day(payload: dict[str, Any], key: str) -> date:
    return date.fromisoformat(str(payload[key]))


def listed(session: Session, payload: dict[str, Any]) -> list[Holder]:
    """A list's people whose clearance still expires when the list said."""
    return clearances_of(
        session, expiring={int(c["staff_id"]): day(c, "expires") for c in payload["clearances"]}
    )


def reminded(session: Session, payload: dict[str, Any]) -> tuple[Holder, list[str]] | None:
    """A holder's reminder: their clearance, still as it was, and their overseers' names
    (None: renewed or gone since, nothing to remind them of)."""
    found = clearances_of(session, expiring={int(payload["staff_id"]): day(payload, "expires")})
    if not found:
        return None
    overseers = staff.by_ids(session, ids={int(i) for i in payload["overseer_ids"]})
    names = [overseers[int(i)].display_name for i in payload["overseer_ids"] if int(i) in overseers]
    return found[0], names


# -- the cards, as every platform draws them ------------------------------------------------


def member_reminder(holder: Holder, overseer_names: list[str], today: date, policy: Policy) -> Card:
    """A holder's reminder as of `today`."""
    return ui.member_reminder(
        holder,
        today,
        overseer_names=overseer_names,
        officer_title=policy.vetting_officer_title,
        leads=policy.vetting_lead_days,
        years=rules.interval_years(holder.level, policy.vetting_intervals),
    )


def member_renewed(person: Staff, actor: Staff, payload: dict[str, Any]) -> Card:
    """The person's new expiry (bot.usecases.vetting.RENEWED)."""
    return ui.member_renewed(
        person.vetting_level,
        day(payload, "renewed_on"),
        day(payload, "new_expiry"),
        by_name=actor.display_name,
        leads=tuple(int(d) for d in payload["leads"]),
    )


def confirmation(
    person: Staff, actor: Staff, officer: Staff, payload: dict[str, Any], told: bool, platform: str
) -> Card:
    """An officer's confirmation (bot.usecases.vetting.CONFIRMED): who recorded it, when
    another did; `told`: whether the person was (they are on `platform`)."""
    card = ui.officer_renewed(
        person.display_name,
        person.vetting_level,
        day(payload, "renewed_on"),
        day(payload, "new_expiry"),
        int(payload["years"]),
        told,
        platform=platform,
    )
    return ui.recorded_by(card, actor.display_name) if officer.id != actor.id else card
