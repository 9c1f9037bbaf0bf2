"""The annual report's figures, from plain values: no database, no Slack.

Items are the year's declarations as the registers date them (gifts by the date offered,
interests and outside work by the day declared: bot/registers.py), reduced to what the
figures need.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from bot.report.timing import DecisionTimes
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
# The most rows a list in the report shows (items waiting, repeat offerors, policies): an
# audit committee reads the longest-waiting and the most frequent, and the register export
# has every one. The counts stay exact; only the lists stop, so a report of a register of
# any size is a few pages and takes the memory of a few pages to print.
LISTED = 50


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
    # Submission to final decision, shortest first: counted to the minute by a tally
    # (bot.report.timing), so its memory does not grow with the decisions.
    decision_days: Sequence[float]
    decisions_by_month: tuple[tuple[date, int], ...]  # first of each month of the year
    overdue: tuple[Overdue, ...]  # longest waiting first: the first LISTED when more wait
    repeat_offerors: tuple[RepeatOfferor, ...]  # most offers first: the first LISTED
    vetting_lapsed: int = 0
    policies_overdue: tuple[str, ...] = field(default_factory=tuple)  # titles
    escalation_days: int = 3
    repeat_threshold: int = 3
    # How many there are in all, when the tuples above hold only the first of them.
    overdue_total: int | None = None
    repeat_offerors_total: int | None = None

    @property
    def overdue_count(self) -> int:
        return len(self.overdue) if self.overdue_total is None else self.overdue_total

    @property
    def repeat_offerors_count(self) -> int:
        if self.repeat_offerors_total is None:
            return len(self.repeat_offerors)
        return self.repeat_offerors_total

    @property
    def total(self) -> int:
        return sum(sum(by_status.values()) for by_status in self.volumes.values())

    @property
    def acceptance_rate(self) -> float | None:
        return rate(self.accepted, self.asked_to_accept)

    @property
    def median_days(self) -> float | None:
        return _middle(self.decision_days)

    @property
    def p90_days(self) -> float | None:
        return _nearest_rank(self.decision_days, 90)


def median(values: Sequence[float]) -> float | None:
    """None when there is nothing to take the middle of."""
    return _middle(sorted(values))


def _middle(ordered: Sequence[float]) -> float | None:
    """The median of values already sorted (statistics.median would sort a copy: a float
    object per value)."""
    if not ordered:
        return None
    mid = len(ordered) // 2
    return float(ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2)


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank percentile: a value that actually occurred, so "90% of decisions took
    at most N days" is literally true. None for no values."""
    return _nearest_rank(sorted(values), p)


def _nearest_rank(ordered: Sequence[float], p: float) -> float | None:
    if not 0 < p <= 100:
        raise ValueError(f"percentile must be in (0, 100], not {p}")
    if not ordered:
        return None
    return float(ordered[math.ceil(p / 100 * len(ordered)) - 1])


def rate(part: int, whole: int) -> float | None:
    """part/whole, or None (not 0%) when nothing was asked."""
    return part / whole if whole else None


class Tally:
    """The report's figures gathered one item at a time, so a year of any size is summed
    without holding its items: counts, the decision times (counted to the minute), the
    offerors and the days decided on (few beside the rows), and the `listed` longest-waiting
    items (with how many wait in all)."""

    def __init__(
        self,
        *,
        as_of: date | None = None,
        local_day: Callable[[datetime], date] | None = None,
        escalation_days: int = 3,
        repeat_threshold: int = 3,
        listed: int = LISTED,
    ) -> None:
        self.as_of, self.local_day, self.listed = as_of, local_day, listed
        self.escalation_days, self.repeat_threshold = escalation_days, repeat_threshold
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.asked = self.accepted = 0
        self.days = DecisionTimes()
        self.decided_on: Counter[date] = Counter()
        self.waiting: list[Overdue] = []  # at most 2 × listed: cut back as it fills
        self.waiting_count = 0
        self.names: dict[str, str] = {}
        self.offers: Counter[str] = Counter()
        self.values: Counter[str] = Counter()

    @classmethod
    def of(cls, items: Iterable[Item], **options: Any) -> Tally:
        tally = cls(**options)
        for item in items:
            tally.add(item)
        return tally

    def add(self, item: Item) -> None:
        self.counts[item.kind][item.status] += 1
        if item.kind == "gift" and item.response in ASKING:
            # Gifts and hospitality the person accepted or wanted to accept, once decided.
            if item.status in ACCEPTED:
                self.asked += 1
                self.accepted += 1
            elif item.status in NOT_ACCEPTED:
                self.asked += 1
        if item.decided_at is not None and item.status not in UNDECIDED:
            self.days.add((item.decided_at - item.submitted_at).total_seconds())
            if self.local_day is not None:
                self.decided_on[self.local_day(item.decided_at)] += 1
        waiting = item.status == DeclarationStatus.PENDING and item.waiting_since is not None
        if waiting and self.as_of:
            # The point at which the sweep reminds the approver (bot.rules.approvals.chase).
            waited = _working_days(item.waiting_since, self.as_of)
            if waited >= self.escalation_days:
                self.waiting_count += 1
                self.waiting.append(Overdue(item.reference, item.kind, waited))
                if len(self.waiting) >= 2 * self.listed:
                    self.waiting = list(self.overdue())
        if item.kind == "gift" and item.offered_by and item.status != DeclarationStatus.WITHDRAWN:
            key = offeror_key(item.offered_by)
            if key:
                self.names.setdefault(key, " ".join(item.offered_by.split()))
                self.offers[key] += 1
                self.values[key] += item.value_pence

    def volumes(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
        for kind, by_status in self.counts.items():
            table[kind] = dict(sorted(by_status.items(), key=lambda kv: (-kv[1], kv[0])))
        return table

    def decision_days(self) -> DecisionTimes:
        """The decision times, shortest first, each to the minute."""
        return self.days

    def overdue(self) -> tuple[Overdue, ...]:
        """The `listed` longest waiting, longest first (waiting_count says how many wait)."""
        ordered = sorted(self.waiting, key=lambda o: (-o.working_days, o.reference))
        return tuple(ordered[: self.listed])

    def all_repeat_offerors(self) -> list[RepeatOfferor]:
        found = [
            RepeatOfferor(self.names[k], n, self.values[k])
            for k, n in self.offers.items()
            if n >= self.repeat_threshold
        ]
        return sorted(found, key=lambda r: (-r.offers, -r.value_pence, r.name.casefold()))

    def repeat_offerors(self) -> tuple[RepeatOfferor, ...]:
        """The `listed` most frequent repeat offerors, most offers first."""
        return tuple(self.all_repeat_offerors()[: self.listed])


@lru_cache(maxsize=4096)
def _working_days(since: date, as_of: date) -> int:
    return working_days_between(since, as_of)


def repeat_offerors(items: Iterable[Item], threshold: int) -> tuple[RepeatOfferor, ...]:
    """Offerors of `threshold` or more offers (whatever the response) in the items given;
    withdrawn declarations do not count. The LISTED most frequent."""
    return Tally.of(items, repeat_threshold=threshold).repeat_offerors()


def decision_days(items: Iterable[Item]) -> DecisionTimes:
    """Days (fractional) from submission to final decision, for items an approver decided."""
    return Tally.of(items).decision_days()


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
    return _by_month(Counter(decided_on), year)


def _by_month(decided_on: Counter[date], year: FinancialYear) -> tuple[tuple[date, int], ...]:
    counts: Counter[date] = Counter()
    for day, n in decided_on.items():
        if day in year:
            counts[date(day.year, day.month, 1)] += n
    return tuple((month, counts.get(month, 0)) for month in months_of(year))


def overdue(items: Iterable[Item], *, as_of: date, limit_days: int) -> tuple[Overdue, ...]:
    """Items still waiting that have waited `limit_days` working days or more: the point at
    which the sweep reminds the approver (bot.rules.approvals.chase). The LISTED longest."""
    return Tally.of(items, as_of=as_of, escalation_days=limit_days).overdue()


def volumes(items: Iterable[Item]) -> dict[str, dict[str, int]]:
    return Tally.of(items).volumes()


def acceptance(items: Iterable[Item]) -> tuple[int, int]:
    """(asked, accepted): gifts and hospitality the person accepted or wanted to accept, and
    that an approver has decided, and how many of those were allowed."""
    tally = Tally.of(items)
    return tally.asked, tally.accepted


def summarise(
    items: Iterable[Item],
    *,
    year: FinancialYear,
    as_of: date,
    local_day: Callable[[datetime], date],
    escalation_days: int,
    repeat_threshold: int,
    vetting_lapsed: int = 0,
    policies_overdue: Sequence[str] = (),
) -> Summary:
    """Every figure of the report, in one pass over the items (which may be a stream).
    `local_day` turns a moment into the office's day."""
    tally = Tally.of(
        (i for i in items if i.kind in KINDS),
        as_of=as_of,
        local_day=local_day,
        escalation_days=escalation_days,
        repeat_threshold=repeat_threshold,
    )
    repeat = tally.all_repeat_offerors()
    return Summary(
        year=year,
        as_of=as_of,
        volumes=tally.volumes(),
        asked_to_accept=tally.asked,
        accepted=tally.accepted,
        decision_days=tally.decision_days(),
        decisions_by_month=_by_month(tally.decided_on, year),
        overdue=tally.overdue(),
        repeat_offerors=tuple(repeat[:LISTED]),
        vetting_lapsed=vetting_lapsed,
        policies_overdue=tuple(policies_overdue),
        escalation_days=escalation_days,
        repeat_threshold=repeat_threshold,
        overdue_total=tally.waiting_count,
        repeat_offerors_total=len(repeat),
    )
