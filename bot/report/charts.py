"""The annual report's charts: matplotlib figures built without pyplot (no global state, so
the bot may draw in several threads; no display backend), each with a title, labelled axes
and alt text.

Colours are the Okabe–Ito palette, distinguishable with the common colour-vision
deficiencies; stacked bars carry hatching as well, so nothing depends on colour alone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.report.summary import KINDS, Summary
from bot.report.timing import DecisionTimes
from bot.report.words import kind_word, status_word

if TYPE_CHECKING:  # matplotlib is loaded only when a chart is drawn, never at start-up
    from matplotlib.figure import Figure

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "++", "--")
# Inches: the width of an A4 page inside the PDF's margins (210 mm less 2 × 16 mm), so a
# chart prints at its own size with its text at its own point size.
SIZE = (7.0, 3.9)
DPI = 150  # 1050 pixels wide: sharp on paper, and in Slack


@dataclass(frozen=True)
class Chart:
    name: str  # a file name stem
    title: str
    alt: str  # what a screen reader says instead of the picture
    figure: Figure

    def png(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
        return buffer.getvalue()


def _figure() -> Figure:
    # Imported here: matplotlib takes a second or more to load, and only a report draws.
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    figure.patch.set_facecolor("white")
    return figure


def _counts_on(axis: Any) -> None:
    """A count is a whole number: integer ticks, written without decimals (an empty chart
    reads 0 to 1, not 0.0 to 1.0)."""
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def volumes_chart(summary: Summary) -> Chart:
    title = f"Declarations by kind and outcome, {summary.year.label}"
    statuses: list[str] = []
    for kind in KINDS:
        statuses += [s for s in summary.volumes[kind] if s not in statuses]
    figure = _figure()
    axes = figure.add_subplot()
    labels = [kind_word(k) for k in KINDS]
    bottoms = [0] * len(KINDS)
    for index, status in enumerate(statuses):
        heights = [summary.volumes[k].get(status, 0) for k in KINDS]
        axes.bar(
            labels,
            heights,
            bottom=bottoms,
            label=status_word(status),
            color=OKABE_ITO[index % len(OKABE_ITO)],
            hatch=HATCHES[index % len(HATCHES)],
            edgecolor="white",
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    axes.set_title(title)
    axes.set_xlabel("Kind of declaration")
    axes.set_ylabel("Number of declarations")
    _counts_on(axes.yaxis)
    if statuses:
        axes.legend(title="Outcome", loc="upper left", bbox_to_anchor=(1.01, 1))
    else:
        axes.set_ylim(0, 1)
        axes.text(0.5, 0.5, "No declarations this year", ha="center", transform=axes.transAxes)
    parts = []
    for kind in KINDS:
        by_status = summary.volumes[kind]
        detail = ", ".join(f"{status_word(s).lower()} {n}" for s, n in by_status.items())
        parts.append(
            f"{kind_word(kind)}: {sum(by_status.values())}" + (f" ({detail})" if detail else "")
        )
    alt = f"Stacked bar chart. {title}. " + "; ".join(parts) + "."
    return Chart("volumes", title, alt, figure)


def monthly_chart(summary: Summary) -> Chart:
    title = f"Decisions made each month, {summary.year.label}"
    figure = _figure()
    axes = figure.add_subplot()
    labels = [f"{month:%b}" for month, _ in summary.decisions_by_month]
    counts = [n for _, n in summary.decisions_by_month]
    positions = range(len(labels))  # not the labels: matplotlib would parse "Apr" as a date
    axes.bar(positions, counts, color=OKABE_ITO[0])
    axes.set_xticks(positions, labels)
    axes.set_title(title)
    axes.set_xlabel(
        f"Month (April {summary.year.start_year} to March {summary.year.start_year + 1})"
    )
    axes.set_ylabel("Number of decisions")
    _counts_on(axes.yaxis)
    if not any(counts):  # matplotlib would centre an empty axis on 0, with ticks below it
        axes.set_ylim(0, 1)
        axes.text(0.5, 0.5, "No decisions this year", ha="center", transform=axes.transAxes)
    listed = ", ".join(f"{month:%B} {n}" for month, n in summary.decisions_by_month)
    alt = f"Bar chart. {title}: {sum(counts)} in all. {listed}."
    return Chart("decisions-by-month", title, alt, figure)


def _days(value: float) -> str:
    return f"{value:.1f} days"


def timing_chart(summary: Summary) -> Chart:
    title = f"Time from declaration to decision, {summary.year.label}"
    days = summary.decision_days
    figure = _figure()
    axes = figure.add_subplot()
    if days:
        times = days if isinstance(days, DecisionTimes) else DecisionTimes.of(days)
        # The bars' counts, summed from the minutes: a million decisions draw as a dozen
        # do (given every value, hist would make an object of each).
        edges, sums = times.histogram(max(1, min(20, times.whole_days())))
        axes.hist(edges[:-1], bins=edges, weights=sums, color=OKABE_ITO[2], edgecolor="white")
        median, p90 = summary.median_days, summary.p90_days
        assert median is not None and p90 is not None
        axes.axvline(median, color=OKABE_ITO[5], linestyle="--", label=f"Median: {_days(median)}")
        axes.axvline(p90, color=OKABE_ITO[6], linestyle=":", label=f"90th percentile: {_days(p90)}")
        axes.legend(loc="upper right")
        alt = (
            f"Histogram. {title}: {len(times)} decisions, from {_days(times[0])} to "
            f"{_days(times[-1])}; median {_days(median)}, 90th percentile {_days(p90)}."
        )
    else:
        axes.text(0.5, 0.5, "No decisions this year", ha="center", transform=axes.transAxes)
        axes.set_ylim(0, 1)
        alt = f"Histogram. {title}: no decisions were made this year."
    axes.set_title(title)
    axes.set_xlabel("Days from declaration to final decision")
    axes.set_ylabel("Number of decisions")
    _counts_on(axes.yaxis)
    return Chart("time-to-decision", title, alt, figure)


def charts(summary: Summary) -> list[Chart]:
    return [volumes_chart(summary), monthly_chart(summary), timing_chart(summary)]
