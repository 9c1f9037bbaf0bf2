"""The charts of a year with nothing decided: an honest empty axis, not ticks below zero."""

from __future__ import annotations

from datetime import UTC, date

from bot.report.charts import charts
from bot.report.summary import summarise
from bot.rules.financial_year import FinancialYear


def test_a_year_without_decisions_draws_empty_charts_from_zero() -> None:
    summary = summarise(
        [],
        year=FinancialYear(2026),
        as_of=date(2026, 11, 22),
        local_day=lambda moment: moment.astimezone(UTC).date(),
        escalation_days=3,
        repeat_threshold=3,
    )
    drawn = {chart.name: chart for chart in charts(summary)}
    for name in ("decisions-by-month", "time-to-decision"):
        axes = drawn[name].figure.axes[0]
        assert axes.get_ylim() == (0, 1), name
        assert "No decisions this year" in [t.get_text() for t in axes.texts], name
        assert drawn[name].png().startswith(b"\x89PNG")
    assert "no decisions" in drawn["time-to-decision"].alt
