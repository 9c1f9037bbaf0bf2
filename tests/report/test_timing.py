"""The decision times are counted to the minute (bot/report/timing.py): memory that does not
grow with the decisions, and every figure the report draws from them exact to the minute."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy
import pytest

from bot.report.charts import timing_chart
from bot.report.summary import Item, _middle, _nearest_rank, median, percentile, summarise
from bot.report.timing import LONGEST, MINUTES_A_DAY, DecisionTimes
from bot.rules.financial_year import FinancialYear

FY = FinancialYear(2026)
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def test_memory_is_the_longest_time_not_the_number_of_decisions() -> None:
    few, many = DecisionTimes(), DecisionTimes()
    for n in range(10):
        few.add(n * 30_000)
    for n in range(100_000):
        many.add((n % 10) * 30_000)
    assert len(many) == 100_000
    assert len(few.counts) == len(many.counts) == 9 * 30_000 // 60 + 1
    assert many.counts.itemsize == 4


def test_a_time_counts_in_the_minute_below_it_and_never_below_nothing() -> None:
    times = DecisionTimes()
    for seconds in (-5.0, 59.9, 60.0, 90.0, 86_400.0):
        times.add(seconds)
    assert list(times) == [0.0, 0.0, 1 / MINUTES_A_DAY, 1 / MINUTES_A_DAY, 1.0]
    assert (times[0], times[-1], times[2]) == (0.0, 1.0, 1 / MINUTES_A_DAY)
    with pytest.raises(IndexError):
        times[5]


@pytest.mark.parametrize("count", [1, 2, 101, 1000])
def test_median_and_p90_are_those_of_the_times_to_the_minute(count: int) -> None:
    rng = random.Random(count)
    minutes = [rng.randrange(0, 40 * MINUTES_A_DAY) for _ in range(count)]
    times = DecisionTimes.of(m / MINUTES_A_DAY for m in minutes)
    exact = [m / MINUTES_A_DAY for m in minutes]
    assert _middle(times) == median(exact)
    assert _nearest_rank(times, 90) == percentile(exact, 90)


def test_times_past_the_longest_counted_are_kept_one_by_one_in_order() -> None:
    times = DecisionTimes.of([3 * 366.0, 1.0, 2 * 366.0 + 1])
    assert len(times.counts) == MINUTES_A_DAY + 1  # not years of minutes
    assert sorted(times.longer) == [LONGEST + MINUTES_A_DAY, 3 * 366 * MINUTES_A_DAY]
    assert list(times) == [1.0, 2 * 366.0 + 1, 3 * 366.0]
    edges, sums = times.histogram(4)
    assert sum(sums) == 3 and edges[0] == 1.0 and edges[-1] > 3 * 366


@pytest.mark.parametrize("bins", [1, 3, 7, 20])
def test_each_decision_is_in_the_bar_of_its_exact_time(bins: int) -> None:
    rng = random.Random(bins)
    seconds = [rng.uniform(0, 30 * 86_400) for _ in range(2000)]
    times = DecisionTimes()
    for s in seconds:
        times.add(s)
    edges, sums = times.histogram(bins)
    exact, _ = numpy.histogram([s / 86_400 for s in seconds], bins=edges)
    assert sums == list(exact)
    assert len(edges) == bins + 1 and edges[0] <= min(seconds) / 86_400 < edges[1]


def test_the_chart_of_many_decisions_shows_their_figures() -> None:
    decided = (
        Item(
            reference=f"GH-{n}",
            kind="gift",
            status="approved",
            submitted_at=T0,
            decided_at=T0 + timedelta(hours=n % 100),
        )
        for n in range(200_000)
    )
    summary = summarise(
        decided,
        year=FY,
        as_of=T0.date(),
        local_day=lambda at: at.date(),
        escalation_days=3,
        repeat_threshold=3,
    )
    assert len(summary.decision_days.counts) == 99 * 60 + 1  # type: ignore[attr-defined]
    assert summary.median_days == 49.5 / 24 and summary.p90_days == 89 / 24
    chart = timing_chart(summary)
    assert "200000 decisions, from 0.0 days to 4.1 days" in chart.alt
    assert "median 2.1 days, 90th percentile 3.7 days" in chart.alt
    bars = chart.figure.axes[0].patches
    assert sum(bar.get_height() for bar in bars) == 200_000
