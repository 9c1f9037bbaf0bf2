"""When a dated thing is due a reminder: lead times before a date, and "overdue" after it.

The sweep runs on working days only, so a reminder whose day fell on a weekend or bank
holiday is simply found due on the next working day; where several lead times of one thing
were missed, only the latest is sent (issue 4, "How it runs").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Due:
    lead_days: int  # days before the target date (0: on the day)
    due_on: date  # the day this reminder fell due: part of its natural key


def due_lead(target: date, today: date, leads: tuple[int, ...]) -> Due | None:
    """The latest lead time already reached for `target`, if the target is today or later.

    With leads (90, 30, 7, 0) and a target 20 days away, the 30-day reminder is due (and the
    90-day one, if it was missed, is not sent as well)."""
    if today > target:
        return None
    reached = [lead for lead in leads if target - timedelta(days=lead) <= today]
    if not reached:
        return None
    lead = min(reached)
    return Due(lead, target - timedelta(days=lead))


def weekly_due(start: date, today: date) -> date | None:
    """The most recent weekly anniversary of `start` on or before `today` (for lists that
    repeat each week, like lapsed clearances)."""
    if today < start:
        return None
    return start + timedelta(days=((today - start).days // 7) * 7)


def parse_leads(text: str) -> tuple[int, ...]:
    """ "90,30,7,0" -> (90, 30, 7, 0); ValueError naming the bad part."""
    leads = []
    for part in text.split(","):
        part = part.strip()
        if not (part.isascii() and part.isdigit()):
            raise ValueError(f"{part!r} is not a whole number of days")
        leads.append(int(part))
    if not leads:
        raise ValueError("no lead times given")
    return tuple(sorted(set(leads), reverse=True))
