"""The annual report's data: the year's register rows and the office's state, read once.

Reuses the registers' own loaders (bot/registers.py), so the report counts exactly what an
export of the year shows, and the governance digest's count of lapsed vetting
(storage.governance.gather).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlmodel import Session

from bot.registers import REGISTERS, office_timezone
from bot.report.summary import KINDS, Item, Summary, summarise
from bot.rules.financial_year import FinancialYear
from bot.rules.status import UNDECIDED
from bot.settings import Policy
from storage import policies
from storage.declarations import Record
from storage.governance import gather as digest_counts

# Each kind the report counts, and the register that holds it.
REGISTER_OF = {"gift": "gifts", "interest": "interests", "outside_work": "outside-work"}


def _item(record: Record, local_day: Callable[[datetime], date]) -> Item:
    declaration = record.declaration
    decided = None if declaration.status in UNDECIDED else record.decisive_step
    waiting = record.pending_steps
    started = (waiting[0].clock_started_at or waiting[0].created_at) if waiting else None
    gift = record.offer if declaration.kind == "gift" else None
    return Item(
        reference=declaration.reference or f"#{declaration.id}",
        kind=declaration.kind,
        status=declaration.status,
        submitted_at=declaration.created_at,
        decided_at=decided.decided_at if decided is not None else None,
        offered_by=gift.offered_by if gift else None,
        value_pence=gift.value_pence if gift else 0,
        response=gift.response if gift else None,
        waiting_since=local_day(started) if started is not None else None,
    )


def year_items(session: Session, year: FinancialYear, policy: Policy) -> list[Item]:
    tz = policy.tz

    def local_day(at: datetime) -> date:
        return at.astimezone(tz).date()

    items: list[Item] = []
    with office_timezone(tz):
        for kind in KINDS:
            spec = REGISTERS[REGISTER_OF[kind]]
            items += [
                _item(r, local_day) for r in spec.load(session, year.first_day, year.last_day)
            ]
    return items


def annual_summary(
    session: Session, *, year: FinancialYear, policy: Policy, today: date, now: datetime
) -> Summary:
    """Everything the report shows for `year`; waiting items, vetting and policies as they
    stand on `today`."""
    counts = digest_counts(session, today=today, now=now, tz=policy.tz, policy_window_days=0)
    overdue_titles = [
        p.title
        for p in policies.reviewable(session)
        if p.next_review is not None and p.next_review < today
    ]
    return summarise(
        year_items(session, year, policy),
        year=year,
        as_of=today,
        local_day=lambda at: at.astimezone(policy.tz).date(),
        escalation_days=policy.escalation_working_days,
        repeat_threshold=policy.risk_repeat_offers,
        vetting_lapsed=counts.vetting_lapsed,
        policies_overdue=overdue_titles,
    )
