"""The annual report's decision times, counted to the minute: memory flat in the rows.

A decision time is kept as a count in its minute (four bytes a minute of the longest time,
about 2 MB for a year), not as a value per decision, so a register of a million decisions
takes what one of a thousand does. Every figure drawn from them is exact to the minute: the
report shows days to one decimal (144 minutes), and the timing chart's bins are whole
minutes wide, so each decision falls in the same bar as its exact time would. Times past
LONGEST (a data error, or an item left years undecided) are kept exactly, one value each.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

MINUTES_A_DAY = 1440
LONGEST = 2 * 366 * MINUTES_A_DAY  # minutes counted; longer times are kept one by one


class DecisionTimes(Sequence[float]):
    """Days from submission to decision, in order, each to the minute below it: a sequence
    whose item k is the k-th shortest (so the report's median and nearest-rank percentile
    read it as they would a sorted list)."""

    def __init__(self) -> None:
        self.counts = array("I")  # decisions in minute m, for m up to the longest so far
        self.longer: list[int] = []  # minutes past LONGEST (rare), sorted when read
        self.total = 0

    @classmethod
    def of(cls, days: Iterable[float]) -> DecisionTimes:
        times = cls()
        for value in days:
            times.add(value * 86400)
        return times

    def add(self, seconds: float) -> None:
        minute = math.floor(max(0.0, seconds) / 60)
        self.total += 1
        if minute >= LONGEST:
            self.longer.append(minute)
            return
        if minute >= len(self.counts):
            self.counts.frombytes(bytes(4 * (minute + 1 - len(self.counts))))  # zeros
        self.counts[minute] += 1

    def __len__(self) -> int:
        return self.total

    def minutes(self) -> Iterator[tuple[int, int]]:
        """(minute, decisions) for each minute in which some were made, shortest first."""
        for minute, n in enumerate(self.counts):
            if n:
                yield minute, n
        self.longer.sort()
        for minute in self.longer:
            yield minute, 1

    def __iter__(self) -> Iterator[float]:
        for minute, n in self.minutes():
            for _ in range(n):
                yield minute / MINUTES_A_DAY

    @overload
    def __getitem__(self, index: int) -> float: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[float]: ...
    def __getitem__(self, index: int | slice) -> float | Sequence[float]:
        if isinstance(index, slice):
            return list(self)[index]
        rank = index + self.total if index < 0 else index
        if not 0 <= rank < self.total:
            raise IndexError("decision time index out of range")
        for minute, n in self.minutes():
            if rank < n:
                return minute / MINUTES_A_DAY
            rank -= n
        raise AssertionError("counts and total disagree")  # pragma: no cover

    def histogram(self, bins: int) -> tuple[list[float], list[int]]:
        """(`bins` + 1 edges in days, the decisions in each bin): equal bins a whole number of
        minutes wide from the shortest time past the longest, so that every decision is in
        the bar its exact time would be in."""
        first = next(self.minutes(), (0, 0))[0]
        last = (max(self.longer) if self.longer else len(self.counts) - 1) + 1
        width = max(1, math.ceil((last - first) / bins))
        sums = [0] * bins
        for minute, n in self.minutes():
            sums[(minute - first) // width] += n
        return [(first + k * width) / MINUTES_A_DAY for k in range(bins + 1)], sums

    def whole_days(self) -> int:
        """How many different whole numbers of days (rounded) the times take."""
        return len({round(m / MINUTES_A_DAY) for m, _ in self.minutes()})
