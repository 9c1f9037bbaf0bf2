"""The annual report's maths (bot/report/summary.py): plain values in, figures out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.report.summary import (
    Item,
    acceptance,
    decision_days,
    decisions_by_month,
    median,
    overdue,
    percentile,
    rate,
    repeat_offerors,
    summarise,
    volumes,
)
from bot.rules.financial_year import FinancialYear

FY = FinancialYear(2026)
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def gift(ref: str, status: str = "approved", **changes: object) -> Item:
    values: dict[str, object] = {
        "reference": ref,
        "kind": "gift",
        "status": status,
        "submitted_at": T0,
        "offered_by": "Acme Ltd",
        "value_pence": 5000,
        "response": "wants_to_accept",
    }
    values.update(changes)
    return Item(**values)  # type: ignore[arg-type]


def test_median_and_p90_of_nothing_are_none_not_zero() -> None:
    assert median([]) is None
    assert percentile([], 90) is None
    assert rate(0, 0) is None


def test_median_of_even_count_is_the_mean_of_the_middle_two() -> None:
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert median([7.0]) == 7.0


def test_p90_is_nearest_rank() -> None:
    values = [float(n) for n in range(1, 11)]  # 1..10
    assert percentile(values, 90) == 9.0
    assert percentile(values, 100) == 10.0
    assert percentile([5.0], 90) == 5.0
    # 11 values: ceil(9.9) = 10th smallest
    assert percentile([float(n) for n in range(11)], 90) == 9.0
    with pytest.raises(ValueError):
        percentile(values, 0)


@given(st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=50))
def test_p90_is_an_observed_value_at_or_above_90_percent(values: list[float]) -> None:
    p90 = percentile(values, 90)
    assert p90 in values
    assert sum(v <= p90 for v in values) >= 0.9 * len(values)
    assert median(values) is not None and min(values) <= median(values) <= max(values)  # type: ignore[operator]


def test_rate() -> None:
    assert rate(1, 4) == 0.25
    assert rate(0, 3) == 0.0


def test_repeat_offerors_match_names_as_the_risk_flags_do() -> None:
    items = [
        gift(f"GH-{n}", offered_by=name)
        for n, name in enumerate(["ACME Ltd.", "Acme Limited", "acme"])
    ]
    assert [(r.name, r.offers) for r in repeat_offerors(items, 3)] == [("ACME Ltd.", 3)]


def test_repeat_offerors_counts_offers_whatever_the_response_but_not_withdrawn() -> None:
    items = [
        gift("GH-1", offered_by="Acme Ltd", value_pence=1000),
        gift("GH-2", "declined", offered_by="ACME  ltd", value_pence=2000, response="declined"),
        gift("GH-3", "recorded", offered_by="acme ltd", value_pence=3000),
        gift("GH-4", "withdrawn", offered_by="Acme Ltd", value_pence=9999),
        gift("GH-5", offered_by="Other plc"),
        gift("GH-6", offered_by="Other plc"),
    ]
    found = repeat_offerors(items, 3)
    assert [(r.name, r.offers, r.value_pence) for r in found] == [("Acme Ltd", 3, 6000)]
    assert [r.name for r in repeat_offerors(items, 2)] == ["Acme Ltd", "Other plc"]
    assert repeat_offerors([], 3) == ()


def test_acceptance_counts_only_decided_requests_to_accept() -> None:
    items = [
        gift("GH-1", "approved"),
        gift("GH-2", "declined"),
        gift("GH-3", "refused"),  # cash: always refused
        gift("GH-4", "pending"),  # not decided yet
        gift("GH-5", "recorded", response="declined"),  # declined by the person: not asked
        gift("GH-6", "approved", response="accepted"),
    ]
    assert acceptance(items) == (4, 2)
    assert acceptance([]) == (0, 0)


def test_decision_days_from_submission_to_final_decision() -> None:
    items = [
        gift("GH-1", decided_at=T0 + timedelta(days=2)),
        gift("GH-2", decided_at=T0 + timedelta(hours=12)),
        gift("GH-3", "pending"),
        gift("GH-4", "withdrawn", decided_at=T0 + timedelta(days=1)),  # not a decision
    ]
    assert tuple(decision_days(items)) == (0.5, 2.0)


def test_decisions_by_month_has_twelve_months_from_april() -> None:
    months = decisions_by_month([date(2026, 4, 3), date(2026, 4, 30), date(2027, 3, 31)], FY)
    assert months[0][0] == date(2026, 4, 1)
    assert months[-1][0] == date(2027, 3, 1)
    assert len(months) == 12
    assert dict(months)[date(2026, 4, 1)] == 2
    assert dict(months)[date(2027, 3, 1)] == 1
    # a decision after the year ends is not this year's
    assert sum(n for _, n in decisions_by_month([date(2027, 4, 1)], FY)) == 0


def test_overdue_from_the_reminder_point_in_working_days() -> None:
    # Friday 15 May 2026; Wednesday 20 May is 3 working days later (no bank holiday).
    items = [
        gift("GH-1", "pending", waiting_since=date(2026, 5, 15)),
        gift("GH-2", "pending", waiting_since=date(2026, 5, 18)),
        gift("GH-3", "approved", waiting_since=date(2026, 5, 1)),
    ]
    found = overdue(items, as_of=date(2026, 5, 20), limit_days=3)
    assert [(o.reference, o.working_days) for o in found] == [("GH-1", 3)]
    assert overdue(items, as_of=date(2026, 5, 19), limit_days=3) == ()


def test_volumes_list_every_kind_even_when_empty() -> None:
    table = volumes([gift("GH-1"), gift("GH-2"), gift("GH-3", "declined")])
    assert table == {"gift": {"approved": 2, "declined": 1}, "interest": {}, "outside_work": {}}


def test_summarise_with_nothing_at_all() -> None:
    summary = summarise(
        [],
        year=FY,
        as_of=date(2026, 11, 1),
        local_day=lambda at: at.date(),
        escalation_days=3,
        repeat_threshold=3,
    )
    assert summary.total == 0
    assert summary.acceptance_rate is None
    assert summary.median_days is None and summary.p90_days is None
    assert summary.overdue == () and summary.repeat_offerors == ()
    assert len(summary.decisions_by_month) == 12


def test_summarise_leaves_out_confidential_notifications() -> None:
    notice = Item(reference="CN-1", kind="notice", status="acknowledged", submitted_at=T0)
    summary = summarise(
        [notice, gift("GH-1", decided_at=T0 + timedelta(days=1))],
        year=FY,
        as_of=date(2026, 11, 1),
        local_day=lambda at: at.date(),
        escalation_days=3,
        repeat_threshold=3,
    )
    assert summary.total == 1
    assert "notice" not in summary.volumes
    assert summary.median_days == 1.0
    assert summary.acceptance_rate == 1.0
