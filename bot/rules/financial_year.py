"""The financial year (1 April to 31 March) that registers, publication and the annual report
are kept by: the Elected Local Policing Bodies (Specified Information) Order publishes the
register of gifts and hospitality per financial year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class FinancialYear:
    start_year: int  # 2026 is the year 1 April 2026 to 31 March 2027

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
