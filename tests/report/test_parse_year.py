"""`/conduct report [year]` reads its year with FinancialYear.parse, as the CLI does."""

from __future__ import annotations

import pytest

from handlers.report.listeners import BadYear, parse_year


@pytest.mark.parametrize(
    ("words", "start"),
    [([], None), (["2026"], 2026), (["2026/27"], 2026), (["2026-27"], 2026), (["2025/2026"], 2025)],
)
def test_years_as_people_write_them(words: list[str], start: int | None) -> None:
    assert parse_year(words) == start


@pytest.mark.parametrize(
    ("words", "why"),
    [
        (["next"], "give the year it starts"),
        (["2026/28"], "e.g. 2026/27"),
        (["1999"], "from 2000 to 2100"),
        (["2026", "2027"], "2026 2027"),
    ],
)
def test_what_is_not_a_year_is_refused(words: list[str], why: str) -> None:
    with pytest.raises(BadYear, match=why):
        parse_year(words)
