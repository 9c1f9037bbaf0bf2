"""The annual report's figures, from plain values: no database, no Slack.

Items are the year's declarations as the registers date them (gifts by the date offered,
interests and outside work by the day declared: bot/registers.py), reduced to what the
figures need.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.rules.calendar import working_days_between
from bot.rules.financial_year import FinancialYear
from bot.rules.risk import offeror_key
from bot.rules.status import UNDECIDED, DeclarationStatus

# The kinds a report shows, in order. Notifications (criminal charges, proceedings) are
# confidential to the officers they go to and are never counted in a report (as in the
# governance digest).
KINDS = ("gift", "interest", "outside_work")
# Outcomes in which an approver let a gift or hospitality be accepted / not.
ACCEPTED = frozenset({DeclarationStatus.APPROVED})
NOT_ACCEPTED = frozenset({DeclarationStatus.DECLINED, DeclarationStatus.REFUSED})
# A gift asked to be accepted: the member of staff accepted it or wants to.
ASKING = frozenset({"accepted", "wants_to_accept"})


@dataclass(frozen=True)
class Item:
    reference: str
    kind: str  # gift | interest | outside_work
    status: str
    submitted_at: datetime  # the declaration was made
    decided_at: datetime | None = None  # its final decision, if an approver made one
    offered_by: str | None = None  # gifts: who offered it
    value_pence: int = 0  # gifts
    response: str | None = None  # gifts: declined | accepted | wants_to_accept
    waiting_since: date | None = None  # pending: the office's day its current step started


@dataclass(frozen=True)
class RepeatOfferor:
    name: str  # as first written in the register
    offers: int
    value_pence: int


@dataclass(frozen=True)
class Overdue:
    reference: str
    kind: str
    working_days: int


@dataclass(frozen=True)
class Summary:
    year: FinancialYear
    as_of: date  # the day the state (waiting, vetting, policies) was read
    volumes: dict[str, dict[str, int]]  # kind -> status -> count, every kind in KINDS
    asked_to_accept: int  # gifts/hospitality asked to accept and decided
    accepted: int
    decision_days: tuple[float, ...]  # submission to final decision, sorted
    decisions_by_month: tuple[tuple[date, int], ...]  # first of each month of the year
    overdue: tuple[Overdue, ...]  # longest waiting first
    repeat_offerors: tuple[RepeatOfferor, ...]  # most offers first
    vetting_lapsed: int = 0
    policies_overdue: tuple[str, ...] = field(default_factory=tuple)  # titles
    escalation_days: int = 3
    repeat_threshold: int = 3

    @property
    def total(self) -> int:
        return sum(sum(by_status.values()) for by_status in self.volumes.values())

    @property
    def acceptance_rate(self) -> float | None:
        return rate(self.accepted, self.asked_to_accept)

    @property
    def median_days(self) -> float | None:
        return median(self.decision_days)

    @property
    def p90_days(self) -> float | None:
        return percentile(self.decision_days, 90)


def median(values: Sequence[float]) -> float | None:
    """None when there is nothing to take the middle of."""
    return float(statistics.median(values)) if values else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank percentile: a value that actually occurred, so "90% of decisions took
    at most N days" is literally true. None for no values."""
    if not 0 < p <= 100:
        raise ValueError(f"percentile must be in (0, 100], not {p}")
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[math.ceil(p / 100 * len(ordered)) - 1])


def rate(part: int, whole: int) -> float | None:
    """part/whole, or None (not 0%) when nothing was asked."""
    return part / whole if whole else None


def repeat_offerors(items: Iterable[Item], threshold: int) -> tuple[RepeatOfferor, ...]:
    """Offerors of `threshold` or more offers (whatever the response) in the items given;
    withdrawn declarations do not count."""
    names: dict[str, str] = {}
    offers: Counter[str] = Counter()
    values: Counter[str] = Counter()
    for item in items:
        if item.kind != "gift" or not item.offered_by or item.status == DeclarationStatus.WITHDRAWN:
            continue
        key = offeror_key(item.offered_by)
        if not key:
            continue
        names.setdefault(key, " ".join(item.offered_by.split()))
        offers[key] += 1
        values[key] += item.value_pence
    found = [RepeatOfferor(names[k], n, values[k]) for k, n in offers.items() if n >= threshold]
    return tuple(sorted(found, key=lambda r: (-r.offers, -r.value_pence, r.name.casefold())))


def decision_days(items: Iterable[Item]) -> tuple[float, ...]:
    """Days (fractional) from submission to final decision, for items an approver decided."""
    days = [
        (item.decided_at - item.submitted_at).total_seconds() / 86400
        for item in items
        if item.decided_at is not None and item.status not in UNDECIDED
    ]
    return tuple(sorted(max(0.0, d) for d in days))


def months_of(year: FinancialYear) -> tuple[date, ...]:
    first = year.first_day
    return tuple(
        date(first.year + (first.month + i - 1) // 12, (first.month + i - 1) % 12 + 1, 1)
        for i in range(12)
    )


def decisions_by_month(
    decided_on: Iterable[date], year: FinancialYear
) -> tuple[tuple[date, int], ...]:
    """Decisions per month of the year (April first), zero months included; decisions
    made outside the year are left out."""
    counts = Counter(date(d.year, d.month, 1) for d in decided_on if d in year)
    return tuple((month, counts.get(month, 0)) for month in months_of(year))


def overdue(items: Iterable[Item], *, as_of: date, limit_days: int) -> tuple[Overdue, ...]:
    """Items still waiting that have waited `limit_days` working days or more: the point at
    which the sweep reminds the approver (bot.rules.approvals.chase)."""
    found = []
    for item in items:
        if item.status != DeclarationStatus.PENDING or item.waiting_since is None:
            continue
        waited = working_days_between(item.waiting_since, as_of)
        if waited >= limit_days:
            found.append(Overdue(item.reference, item.kind, waited))
    return tuple(sorted(found, key=lambda o: (-o.working_days, o.reference)))


def volumes(items: Iterable[Item]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        counts[item.kind][item.status] += 1
    for kind, by_status in counts.items():
        table[kind] = dict(sorted(by_status.items(), key=lambda kv: (-kv[1], kv[0])))
    return table


def acceptance(items: Iterable[Item]) -> tuple[int, int]:
    """(asked, accepted): gifts and hospitality the person accepted or wanted to accept, and
    that an approver has decided, and how many of those were allowed."""
    asked = accepted = 0
    for item in items:
        if item.kind != "gift" or item.response not in ASKING:
            continue
        if item.status in ACCEPTED:
            asked += 1
            accepted += 1
        elif item.status in NOT_ACCEPTED:
            asked += 1
    return asked, accepted


def summarise(
    items: Sequence[Item],
    *,
    year: FinancialYear,
    as_of: date,
    local_day: Callable[[datetime], date],
    escalation_days: int,
    repeat_threshold: int,
    vetting_lapsed: int = 0,
    policies_overdue: Sequence[str] = (),
) -> Summary:
    """Every figure of the report. `local_day` turns a moment into the office's day."""
    items = [i for i in items if i.kind in KINDS]
    asked, accepted = acceptance(items)
    decided = [
        local_day(i.decided_at)
        for i in items
        if i.decided_at is not None and i.status not in UNDECIDED
    ]
    return Summary(
        year=year,
        as_of=as_of,
        volumes=volumes(items),
        asked_to_accept=asked,
        accepted=accepted,
        decision_days=decision_days(items),
        decisions_by_month=decisions_by_month(decided, year),
        overdue=overdue(items, as_of=as_of, limit_days=escalation_days),
        repeat_offerors=repeat_offerors(items, repeat_threshold),
        vetting_lapsed=vetting_lapsed,
        policies_overdue=tuple(policies_overdue),
        escalation_days=escalation_days,
        repeat_threshold=repeat_threshold,
    )
