"""Vetting renewal: who is due a reminder, whose clearance has lapsed, and the next expiry.

The codes put re-vetting on a clock: "Vetting will take place every 3 years" (warwickshire
"Vetting"); "Re-vetting will ordinarily take place every three years" (avon-and-somerset
§3.16), at a level "decided when a position is advertised". In policing the interval can
depend on the level, so each level's interval is a setting (VETTING_INTERVALS), three years
for any level not listed. Circumstances affecting vetting go to the head of office and the
vetting office (same clauses), so those two are who oversee renewals here.

Pure: no Slack, no SQL. Lead times themselves are bot.rules.schedule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.rules.calendar import is_working_day
from bot.rules.refusal import Invalid
from bot.rules.roles import Role
from bot.rules.schedule import Due, due_lead

# warwickshire "Vetting"; avon-and-somerset §3.16: every three years.
DEFAULT_INTERVAL_YEARS = 3
MAX_INTERVAL_YEARS = 20
DEFAULT_LEADS = "90,30,7,0"
MAX_LEAD_DAYS = 730  # a reminder more than two years ahead would outlive most clearances
# Re-vetting starts months ahead, but a renewal recorded more than a year before the
# clearance was due to expire is far more likely a mistyped year than a real renewal.
EARLIEST_BEFORE_EXPIRY = timedelta(days=366)
# Who may record a renewal.
RECORDERS = frozenset({Role.VETTING_OFFICER.value, Role.HEAD_OF_OFFICE.value})


class Field(StrEnum):
    """The renewal form's fields; also its block ids, so an error lands on its field."""

    RENEWED_ON = "renewed_on"


@dataclass(frozen=True)
class Clearance:
    """One person's clearance, as the org chart (or the last recorded renewal) has it."""

    staff_id: int
    level: str | None
    expires: date


# -- intervals -------------------------------------------------------------------------------


def level_key(level: str | None) -> str:
    """Levels are the office's own words ("NPPV3", "sc"): matched without regard to case."""
    return (level or "").strip().upper()


def parse_intervals(text: str) -> dict[str, int]:
    """ "NPPV2=3, SC=5" -> {"NPPV2": 3, "SC": 5} (years); ValueError naming the bad part."""
    intervals: dict[str, int] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        level, sep, years = (p.strip() for p in part.partition("="))
        if not sep or not level:
            raise ValueError(f"{part!r} is not LEVEL=YEARS")
        if not years.isascii() or not years.isdigit():
            raise ValueError(f"{part!r}: {years!r} is not a whole number of years")
        if not 1 <= int(years) <= MAX_INTERVAL_YEARS:
            raise ValueError(f"{part!r}: the interval must be 1 to {MAX_INTERVAL_YEARS} years")
        key = level_key(level)
        if key in intervals:
            raise ValueError(f"{level!r} is given twice")
        intervals[key] = int(years)
    return intervals


def interval_years(level: str | None, intervals: Mapping[str, int]) -> int:
    return intervals.get(level_key(level), DEFAULT_INTERVAL_YEARS)


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year (the
    clearance never runs past its interval)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)


def next_expiry(renewed_on: date, level: str | None, intervals: Mapping[str, int]) -> date:
    return add_years(renewed_on, interval_years(level, intervals))


# -- who is due what ---------------------------------------------------------------------------


def last_working_day_before(today: date) -> date:
    day = today - timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def renewal_due(clearance: Clearance, today: date, leads: tuple[int, ...]) -> Due | None:
    """The reminder due today for this clearance, if any: the latest lead time reached, up
    to and including the day it expires (bot.rules.schedule.due_lead). The sweep runs on
    working days only, so a clearance that expired on a weekend or bank holiday gets its
    last reminder ("expired on Sunday") on the next working day rather than never."""
    due = due_lead(clearance.expires, today, leads)
    if due is not None or clearance.expires >= today:
        return due
    last_run = last_working_day_before(today)
    lead = min(leads)
    due_on = clearance.expires - timedelta(days=lead)
    if clearance.expires > last_run and due_on > last_run:
        return Due(lead, due_on)
    return None


def window(today: date, leads: tuple[int, ...]) -> tuple[date, date]:
    """The expiry dates that can have a reminder due today (for one query, not one per
    person): from the day after the last working day to the longest lead ahead."""
    return last_working_day_before(today) + timedelta(days=1), today + timedelta(days=max(leads))


def days_lapsed(expires: date, today: date) -> int:
    """Days since the clearance lapsed (it is valid on its expiry day itself); 0 if not."""
    return max((today - expires).days, 0)


def lapsed_list_day(today: date) -> date:
    """The lapsed list is weekly, due each Monday: the Monday of today's week. The sweep runs
    on working days, so after a bank-holiday Monday it goes on the Tuesday, once."""
    return today - timedelta(days=today.weekday())


def lapsed(clearances: Iterable[Clearance], as_of: date) -> list[Clearance]:
    """Clearances that had lapsed by `as_of` (expired before it), longest lapsed first."""
    return sorted((c for c in clearances if c.expires < as_of), key=lambda c: c.expires)


def overseers(
    person_id: int, vetting_officer_ids: Sequence[int], head_ids: Sequence[int]
) -> list[int]:
    """Who is told about a person's clearance besides the person: the vetting officer(s);
    for a vetting officer's own clearance the other vetting officers, else the head of
    office; with no vetting officer in the org chart, the head of office (who receives
    vetting matters under warwickshire "Vetting" and avon-and-somerset §3.16). Never the
    person themselves: nobody oversees their own clearance."""
    officers = [i for i in vetting_officer_ids if i != person_id]
    if officers:
        return officers
    return [i for i in head_ids if i != person_id]


def may_record(actor_id: int, actor_roles: frozenset[str], person_id: int) -> str | None:
    """None if the actor may record this person's renewal, else why not (a sentence).

    The vetting officer records renewals, and the head of office may (both receive vetting
    matters: warwickshire "Vetting", avon-and-somerset §3.16). Nobody records their own:
    a vetting officer's own renewal is recorded by the head of office or another vetting
    officer, as no one approves their own declaration (DOMAIN.md)."""
    if actor_roles.isdisjoint(RECORDERS):
        return "Only the vetting officer or the head of office can record a vetting renewal."
    if actor_id == person_id:
        return (
            "Nobody records their own vetting renewal: please ask the head of office or "
            "another vetting officer to record it."
        )
    return None


# -- recording a renewal ----------------------------------------------------------------------


@dataclass(frozen=True)
class Renewal:
    renewed_on: date
    new_expiry: date
    years: int


class InvalidRenewal(Invalid):
    """The form's answers failed these rules (refusal.Invalid)."""


def _day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def validate_renewal(
    renewed_on: date | None,
    *,
    today: date,
    current_expiry: date | None,
    level: str | None,
    intervals: Mapping[str, int],
) -> Renewal:
    """Check the date a clearance was renewed and work out its next expiry: renewed_on plus
    the level's interval. The date must have happened (not after today), be no more than a
    year before the clearance was due to expire, and give an expiry later than both today
    and the current one; otherwise InvalidRenewal names the problem."""
    if renewed_on is None:
        raise InvalidRenewal({Field.RENEWED_ON: "Choose the date the clearance was renewed."})
    if renewed_on > today:
        raise InvalidRenewal(
            {Field.RENEWED_ON: "That date hasn't come yet: record a renewal once it is done."}
        )
    if current_expiry is not None and renewed_on < current_expiry - EARLIEST_BEFORE_EXPIRY:
        raise InvalidRenewal(
            {
                Field.RENEWED_ON: "That is over a year before the clearance was due to expire "
                f"({_day(current_expiry)}): check the date."
            }
        )
    years = interval_years(level, intervals)
    expiry = add_years(renewed_on, years)
    if expiry <= today:
        raise InvalidRenewal(
            {
                Field.RENEWED_ON: f"A renewal on that date would already have run out "
                f"({_day(expiry)}, after {years} years): check the date."
            }
        )
    if current_expiry is not None and expiry <= current_expiry:
        raise InvalidRenewal(
            {
                Field.RENEWED_ON: f"That gives an expiry ({_day(expiry)}) no later than the "
                f"current one ({_day(current_expiry)}): check the date."
            }
        )
    return Renewal(renewed_on, expiry, years)
