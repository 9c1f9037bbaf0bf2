"""The financial year (1 April to 31 March) that registers, publication and the annual report
are kept by: the Elected Local Policing Bodies (Specified Information) Order publishes the
register of gifts and hospitality per financial year."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# "2026", or as public bodies write it: "2026/27", "2026-27", "2026/2027".
_WRITTEN = re.compile(r"(?P<start>\d{4})(?:[/-](?P<end>\d{2}|\d{4}))?", re.ASCII)
# The years a register can plausibly be asked about: wider than Nolan's own records, narrow
# enough that a mistyped year ("20266", "1026") is caught rather than reported as empty.
EARLIEST, LATEST = 2000, 2100


@dataclass(frozen=True)
class FinancialYear:
    start_year: int  # 2026 is the year 1 April 2026 to 31 March 2027

    @classmethod
    def parse(cls, raw: str) -> FinancialYear:
        """A year as a person writes it: 2026, 2026/27, 2026-27 or 2026/2027, the second year
        following the first. ValueError, worded for the person, for anything else."""
        text = raw.strip()
        match = _WRITTEN.fullmatch(text)
        if match is None:
            raise ValueError(
                f"not a financial year: {raw!r} (give the year it starts, e.g. 2026 for 2026/27)"
            )
        year = cls(int(match["start"]))
        end = match["end"]
        if end is not None and end not in (year.label[-2:], str(year.start_year + 1)):
            raise ValueError(
                f"not a financial year: {raw!r} (a financial year runs into the next year, "
                f"e.g. {year.label})"
            )
        if not EARLIEST <= year.start_year <= LATEST:
            raise ValueError(
                f"not a financial year: {raw!r} (give a year from {EARLIEST} to {LATEST})"
            )
        return year

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        return cls(day.year if (day.month, day.day) >= (4, 1) else day.year - 1)

    @property
    def first_day(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def last_day(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        """As public bodies write it: 2026/27."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first_day <= day <= self.last_day
