"""The charts of a year with nothing decided: an honest empty axis, not ticks below zero."""

from __future__ import annotations

from datetime import UTC, date

import pytest

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


def _y_tick_labels(chart: object) -> list[str]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = chart.figure  # type: ignore[attr-defined]
    FigureCanvasAgg(figure).draw()
    return [t.get_text() for t in figure.axes[0].get_yticklabels() if t.get_text()]


@pytest.mark.parametrize("busy", [False, True], ids=["empty year", "busy year"])
def test_counts_are_on_whole_number_axes(busy: bool) -> None:
    from tests.report.test_pdf_pages import long_summary

    summary = (
        long_summary()
        if busy
        else summarise(
            [],
            year=FinancialYear(2026),
            as_of=date(2026, 11, 22),
            local_day=lambda moment: moment.astimezone(UTC).date(),
            escalation_days=3,
            repeat_threshold=3,
        )
    )
    for chart in charts(summary):
        labels = _y_tick_labels(chart)
        assert labels, chart.name
        assert all(label.replace(",", "").isdigit() for label in labels), (chart.name, labels)
        if not busy:
            assert labels == ["0", "1"], chart.name


def test_charts_are_sized_for_an_a4_page() -> None:
    from tests.report.test_pdf_pages import long_summary

    for chart in charts(long_summary()):
        width, height = chart.figure.get_size_inches()
        assert width <= 7.0 and height < width  # inside A4's margins (178 mm)
