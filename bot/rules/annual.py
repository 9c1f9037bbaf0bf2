"""The yearly round: when the annual declaration, the code of conduct undertaking and the
anniversary review of an outside-work permission fall due. Pure: dates in, dates out.

- The annual declaration keeps the registers current: staff "keep the monitoring officer
  updated on changes" to their notifiable interests (Cumbria, Codes of Conduct Undertaking),
  and declare interests and outside work as they arise (combined-authority §8; Derbyshire
  §12). Once a year, on ANNUAL_DECLARATION_DATE (the start of the financial year by default;
  the next working day if it falls on a weekend or bank holiday), everyone confirms their
  record or updates it; those who have not answered are reminded weekly.
- New starters make the undertaking "as a member of staff" (Cumbria undertaking): Nolan asks
  them when the org chart first brings them in, and reminds them weekly for a while.
- A permission for outside work is reviewed on each anniversary of the grant (Derbyshire
  §12: "a record of approval is kept" — and a record is only worth keeping while it is true).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.rules.calendar import next_working_day
from bot.rules.schedule import weekly_due

MonthDay = tuple[int, int]

# Weekly reminders of the undertaking to a new starter who has not accepted it.
UNDERTAKING_REMINDER_WEEKS = 4
# The version of the undertaking's wording a person accepted (Confirmation.period).
UNDERTAKING_VERSION = "v1"
# A review whose anniversary passed longer ago than this is not sent late (the sweep was
# down, or Nolan was installed after it): the next anniversary asks again.
REVIEW_GRACE_DAYS = 28


def parse_month_day(text: str) -> MonthDay:
    """ "04-01" -> (4, 1); ValueError with the reason. 29 February is refused: most years
    don't have one."""
    month_text, dash, day_text = text.strip().partition("-")
    if not (
        dash and (month_text + day_text).isascii() and month_text.isdigit() and day_text.isdigit()
    ):
        raise ValueError("expected a day of the year as MM-DD, e.g. 04-01 for 1 April")
    if len(month_text) != 2 or len(day_text) != 2:
        raise ValueError("expected a day of the year as MM-DD, e.g. 04-01 for 1 April")
    month, day = int(month_text), int(day_text)
    if (month, day) == (2, 29):
        raise ValueError("29 February is not in every year; choose 02-28 or 03-01")
    try:
        date(2001, month, day)  # any non-leap year
    except ValueError:
        raise ValueError(f"{text.strip()} is not a day of the year") from None
    return month, day


def annual_day(year: int, month_day: MonthDay) -> date:
    """The annual declaration's day in `year`: the configured day, or the next working day
    when it falls on a weekend or bank holiday."""
    return next_working_day(date(year, *month_day))


@dataclass(frozen=True)
class Round:
    """One year's annual declaration."""

    year: int
    opens_on: date  # the annual day: everyone is asked
    weeks: int  # weekly reminders after it

    @property
    def reminders(self) -> tuple[date, ...]:
        return tuple(self.opens_on + timedelta(weeks=k) for k in range(1, self.weeks + 1))

    @property
    def closes_on(self) -> date:
        """The day after the last weekly reminder: who has not answered by then goes on the
        monitoring officer's list."""
        return self.opens_on + timedelta(weeks=self.weeks, days=1)

    @property
    def period(self) -> str:
        return str(self.year)

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today < self.closes_on


def round_of(year: int, month_day: MonthDay, weeks: int) -> Round:
    return Round(year=year, opens_on=annual_day(year, month_day), weeks=weeks)


def round_for(today: date, month_day: MonthDay, weeks: int) -> Round | None:
    """The latest round that has opened by `today` (this year's, or last year's before this
    year's annual day); None only before the first one ever (year 1)."""
    this_year = round_of(today.year, month_day, weeks)
    if this_year.opens_on <= today:
        return this_year
    if today.year <= 1:
        return None
    return round_of(today.year - 1, month_day, weeks)


def chase_due(
    start: date, today: date, *, weeks: int, first_sent: bool, first_until: date | None = None
) -> date | None:
    """Which message a person who has not answered is due today, as its due date (the
    ledger key's due_on): the first one on `start` until it has gone (on any day from
    `start`, or only before `first_until`), then a weekly reminder on `start` + k weeks for
    k = 1..`weeks`. A missed reminder is not sent as well as a later one."""
    if today < start:
        return None
    if not first_sent:
        if first_until is not None and today >= first_until:
            return None
        return start
    latest = weekly_due(start, today)
    if latest is None:
        return None
    week = (latest - start).days // 7
    return latest if 1 <= week <= weeks else None


def anniversary(granted_on: date, year: int) -> date:
    """The grant's anniversary in `year`; a 29 February grant is reviewed on 28 February in
    the years without one (so it is never skipped, nor reviewed twice)."""
    try:
        return granted_on.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def review_due(
    granted_on: date, today: date, *, grace_days: int = REVIEW_GRACE_DAYS
) -> date | None:
    """The anniversary of the grant whose review is due today, if any: the latest one on or
    before `today`, not longer ago than `grace_days` (a working-day sweep sends a weekend's
    anniversary on the Monday)."""
    latest = anniversary(granted_on, today.year)
    if latest > today:
        latest = anniversary(granted_on, today.year - 1)
    if latest <= granted_on:
        return None
    if (today - latest).days > grace_days:
        return None
    return latest
