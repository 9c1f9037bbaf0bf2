"""The annual declaration's round as the monitoring officer sees it: who was asked, who has
answered (confirmed, or updated by declaring something since the annual day) and who has
not. Shared by `/conduct annual` and the sweep's list at the end of the reminders
(bot.jobs.annual). Answering it is bot.usecases.answers.confirm_annual."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlmodel import Session

from bot.rules import annual as rules
from bot.rules.annual import Round
from bot.rules.refusal import Refused
from bot.rules.roles import Role
from bot.settings import Policy, Settings
from bot.ui.text import long_date
from storage import confirmations as store
from storage.db import Database
from storage.models import Staff
from storage.reminders import any_sent

NOT_ALLOWED = (
    "Only the monitoring officer or an admin can see who has not answered the annual declaration."
)


@dataclass(frozen=True)
class Outstanding:
    """Who has not answered a year's annual declaration, for the monitoring officer."""

    round_: Round
    expected: int  # staff asked (active, and on staff by the annual day)
    confirmed: int
    updated: int
    missing: list[store.Person]  # in name order (each platform says who it could not ask)


def current_round(policy: Policy, today: date) -> Round | None:
    return rules.round_for(
        today, policy.annual_declaration_day, policy.annual_declaration_reminder_weeks
    )


def day_start(day: date, policy: Policy) -> datetime:
    """Midnight at the office on `day`, in UTC (declarations are stamped in UTC)."""
    return datetime.combine(day, time(0), tzinfo=policy.tz).astimezone(UTC)


def went_out(session: Session, round_: Round) -> bool:
    """Whether the year's annual declaration was sent to anyone (it is not, for a year whose
    annual day passed before Nolan was installed)."""
    return any_sent(session, kind=store.ANNUAL, due_on=round_.opens_on)


def note_updates(session: Session, round_: Round, policy: Policy, now: datetime) -> int:
    """Whoever has declared something since the annual day has answered by updating."""
    return store.record_updates(
        session, period=round_.period, since=day_start(round_.opens_on, policy), now=now
    )


def outstanding(session: Session, round_: Round) -> Outstanding:
    """Who was asked (active, on staff by the annual day) and has not answered: three
    queries however many staff."""
    answers = store.annual_answers(session, period=round_.period)
    expected = [
        p
        for p in store.active_people(session)
        if p.starter_since is None or p.starter_since <= round_.opens_on
    ]
    missing = sorted((p for p in expected if p.id not in answers), key=lambda p: p.name.casefold())
    asked = {p.id for p in expected}
    responses = [r for staff_id, r in answers.items() if staff_id in asked]
    return Outstanding(
        round_=round_,
        expected=len(expected),
        confirmed=sum(r == "confirmed" for r in responses),
        updated=sum(r != "confirmed" for r in responses),
        missing=missing,
    )


def overseer(actor: Staff | None) -> Staff:
    """The actor, if they may see who has not answered (the monitoring officer, an admin)."""
    if actor is None or not ({Role.MONITORING_OFFICER, Role.ADMIN} & actor.role_set):
        raise Refused(NOT_ALLOWED)
    return actor


def not_answered(
    db: Database, *, actor: Staff | None, year: int | None, settings: Settings, now: datetime
) -> Outstanding | None:
    """Who has not answered the annual declaration of `year` (None: the current round's),
    as it stands: for the monitoring officer or an admin. None when there is no current
    round to speak of; Refused when the year's has not gone out."""
    overseer(actor)
    policy = settings.policy
    today = now.astimezone(policy.tz).date()
    day, weeks = policy.annual_declaration_day, policy.annual_declaration_reminder_weeks
    round_ = rules.round_of(year, day, weeks) if year is not None else current_round(policy, today)
    if round_ is None:
        return None
    if round_.opens_on > today:
        raise Refused(
            f"The annual declaration {round_.year} goes out on {long_date(round_.opens_on)}."
        )
    with db.session() as session:
        if not went_out(session, round_):
            upcoming = rules.round_of(today.year, day, weeks)
            if upcoming.opens_on <= today:
                upcoming = rules.round_of(today.year + 1, day, weeks)
            raise Refused(
                f"Nolan did not send an annual declaration for {round_.year}. The next goes "
                f"out on {long_date(upcoming.opens_on)}."
            )
        note_updates(session, round_, policy, now)
        session.commit()
        return outstanding(session, round_)
