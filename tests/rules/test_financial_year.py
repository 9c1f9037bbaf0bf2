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


@pytest.mark.parametrize(
    ("raw", "start"),
    [
        ("2026", 2026),
        ("2026/27", 2026),
        ("2026-27", 2026),
        ("2026/2027", 2026),
        (" 2025/26 ", 2025),
        ("2099/00", 2099),
        ("2000", 2000),
        ("2100", 2100),
    ],
)
def test_parse_reads_a_year_as_people_write_it(raw: str, start: int) -> None:
    assert FinancialYear.parse(raw) == FinancialYear(start)


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "give the year it starts"),
        ("26", "give the year it starts"),
        ("20x", "give the year it starts"),
        ("next", "give the year it starts"),
        ("2026 2027", "give the year it starts"),
        ("2026/", "give the year it starts"),
        ("2026/7", "give the year it starts"),
        ("２０２６", "give the year it starts"),  # full-width digits: \d alone would take them
        ("2026/28", "e.g. 2026/27"),
        ("2026-2028", "e.g. 2026/27"),
        ("2026/26", "e.g. 2026/27"),
        ("1999", "from 2000 to 2100"),
        ("2101", "from 2000 to 2100"),
        ("99999", "give the year it starts"),
    ],
)
def test_parse_refuses_what_is_not_a_year_and_says_why(raw: str, why: str) -> None:
    with pytest.raises(ValueError, match="not a financial year") as caught:
        FinancialYear.parse(raw)
    assert why in str(caught.value) and repr(raw) in str(caught.value)
