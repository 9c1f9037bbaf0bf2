from __future__ import annotations

from datetime import date

import pytest

from bot.rules.financial_year import FinancialYear


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2026, 4, 1), 2026),
        (date(2026, 3, 31), 2025),
        (date(2026, 11, 22), 2026),
        (date(2027, 1, 1), 2026),
    ],
)
def test_containing(day: date, start: int) -> None:
    assert FinancialYear.containing(day).start_year == start


def test_bounds_and_label() -> None:
    year = FinancialYear(2026)
    assert (year.first_day, year.last_day, year.label) == (
        date(2026, 4, 1),
        date(2027, 3, 31),
        "2026/27",
    )
    assert date(2027, 3, 31) in year and date(2027, 4, 1) not in year
    assert FinancialYear(2099).label == "2099/00"
