"""The annual report as a file: a self-contained HTML page or a PDF, from the same tables and
charts. Neither reaches the network: the charts are inline PNGs (HTML) or drawn pages (PDF).
"""

from __future__ import annotations

import base64
import html
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from bot.report.charts import Chart
from bot.report.summary import KINDS, Summary
from bot.report.words import days, kind_word, percent, pounds, status_word

if TYPE_CHECKING:  # matplotlib is loaded only when a report is drawn, never at start-up
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = "None."  # said instead of an empty table


def headline(summary: Summary) -> Table:
    asked = summary.asked_to_accept
    return Table(
        "Headline figures",
        ("Measure", "Figure"),
        (
            ("Declarations in the registers", str(summary.total)),
            (
                "Gifts and hospitality allowed, of those asked to accept",
                f"{percent(summary.acceptance_rate)} ({summary.accepted} of {asked})",
            ),
            ("Time to decision: median", days(summary.median_days)),
            ("Time to decision: 90th percentile", days(summary.p90_days)),
            (
                f"Waiting {summary.escalation_days} working days or more",
                str(len(summary.overdue)),
            ),
            (
                f"Repeat offerors ({summary.repeat_threshold} or more offers)",
                str(len(summary.repeat_offerors)),
            ),
            ("Vetting clearances lapsed", str(summary.vetting_lapsed)),
            ("Policies overdue for review", str(len(summary.policies_overdue))),
        ),
    )


def tables(summary: Summary) -> list[Table]:
    volume_rows = tuple(
        (kind_word(kind), status_word(status), str(n))
        for kind in KINDS
        for status, n in summary.volumes[kind].items()
    )
    return [
        headline(summary),
        Table("Declarations by kind and outcome", ("Kind", "Outcome", "Number"), volume_rows),
        Table(
            "Items waiting longest for a decision",
            ("Reference", "Kind", "Working days waiting"),
            tuple((o.reference, kind_word(o.kind), str(o.working_days)) for o in summary.overdue),
            "No item has waited past the reminder point.",
        ),
        Table(
            "Repeat offerors",
            ("Offeror", "Offers", "Total value"),
            tuple((r.name, str(r.offers), pounds(r.value_pence)) for r in summary.repeat_offerors),
            f"No offeror made {summary.repeat_threshold} or more offers.",
        ),
        Table(
            "Policies overdue for review",
            ("Policy",),
            tuple((title,) for title in summary.policies_overdue),
            "Every policy is within its review date.",
        ),
    ]


def title_of(summary: Summary, office: str) -> str:
    return f"Code of conduct: annual report {summary.year.label} — {office}"


def scope_note(summary: Summary) -> str:
    return (
        f"The financial year {summary.year.first_day:%-d %B %Y} to "
        f"{summary.year.last_day:%-d %B %Y}: gifts and hospitality by the date offered, "
        "interests and outside work by the day declared. Items waiting, vetting and policies "
        f"as at {summary.as_of:%-d %B %Y}. Confidential notifications are not counted."
    )


CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #1a1a1a; line-height: 1.5; }
table { border-collapse: collapse; margin: 0 0 2rem; min-width: 50%; }
caption { text-align: left; font-weight: bold; font-size: 1.15rem; padding: .5rem 0; }
th, td { border: 1px solid #767676; padding: .3rem .6rem; text-align: left; }
thead th { background: #e8e8e8; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 0 0 2rem; }
img { max-width: 100%; height: auto; }
"""


def _cell(value: str) -> str:
    numeric = value.replace(",", "").replace(".", "").lstrip("£").isdigit()
    attr = ' class="n"' if numeric else ""
    return f"<td{attr}>{html.escape(value)}</td>"


def _html_table(table: Table) -> str:
    if not table.rows:
        return f"<h2>{html.escape(table.caption)}</h2>\n<p>{html.escape(table.empty)}</p>"
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in table.headers)
    body = "\n".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in table.rows)
    return (
        f"<table>\n<caption>{html.escape(table.caption)}</caption>\n"
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
    )


def _html_chart(chart: Chart) -> str:
    data = base64.b64encode(chart.png()).decode("ascii")
    return (
        f'<figure>\n<img src="data:image/png;base64,{data}" alt="{html.escape(chart.alt)}">\n'
        f"<figcaption>{html.escape(chart.title)}</figcaption>\n</figure>"
    )


def to_html(summary: Summary, charts: Sequence[Chart], *, office: str) -> str:
    title = title_of(summary, office)
    parts = [_html_table(t) for t in tables(summary)]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en-GB">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            "<main>",
            f"<h1>{html.escape(title)}</h1>",
            f"<p>{html.escape(scope_note(summary))}</p>",
            parts[0],
            "<h2>Charts</h2>",
            *[_html_chart(c) for c in charts],
            *parts[1:],
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


A4 = (8.27, 11.69)  # inches


# Where each column of a table starts on the page (fractions of its width), by how many
# columns it has; a cell is cut short before it reaches the next column.
COLUMNS = {1: (0.07,), 2: (0.07, 0.62), 3: (0.07, 0.47, 0.77)}
RIGHT = 0.97
CHAR = 0.0088  # the width of a 9-point character, roughly, as a fraction of the page's
LINE = 0.018  # of the page's height, for 9-point text
TOP, BOTTOM = 0.95, 0.06  # the text stays between these (fractions of the page's height)


class _Pages:
    """A4 pages of text written top to bottom, a new page begun whenever the next line
    would run past the bottom margin."""

    def __init__(self) -> None:
        self.figures: list[Figure] = []
        self.y = BOTTOM  # no page yet: the first write begins one

    def room_for(self, height: float) -> bool:
        """Begin a new page unless `height` fits on this one; True if a page was begun."""
        if self.y - height >= BOTTOM:
            return False
        from matplotlib.figure import Figure

        self.figures.append(Figure(figsize=A4))
        self.y = TOP
        return True

    def text(self, x: float, text: str, size: int, weight: str = "normal") -> None:
        # parse_math=False: names and titles are people's text; a "$" in one is not TeX.
        self.figures[-1].text(
            x, self.y, text, fontsize=size, weight=weight, va="top", parse_math=False
        )

    def write(self, text: str, size: int, width: int, weight: str = "normal") -> None:
        wrapped = "\n".join(textwrap.wrap(text, width)) or text
        height = LINE * (wrapped.count("\n") + 1) * size / 9 + 0.004
        self.room_for(height)
        self.text(COLUMNS[1][0], wrapped, size, weight)
        self.y -= height

    def row(self, cells: Sequence[str], weight: str = "normal") -> None:
        starts = COLUMNS[len(cells)]
        for x, end, cell in zip(starts, (*starts[1:], RIGHT), cells, strict=True):
            fits = int((end - x) / CHAR) - 1
            self.text(x, textwrap.shorten(cell, fits, placeholder=" …"), 9, weight)
        self.y -= LINE


def _table(pages: _Pages, table: Table) -> None:
    pages.y -= 0.012
    caption_height = LINE * 11 / 9 + 0.004
    # A caption is not left alone at the foot of a page: it goes over with its first row.
    pages.room_for(caption_height + 2 * LINE)
    pages.write(table.caption, 11, 80, "bold")
    if not table.rows:
        pages.write(table.empty, 9, 95)
        return
    pages.row(table.headers, "bold")
    for row in table.rows:
        if pages.room_for(LINE):  # carried over: say so, and repeat the headings
            pages.write(f"{table.caption} (continued)", 11, 80, "bold")
            pages.row(table.headers, "bold")
        pages.row(row)


def text_pages(summary: Summary, office: str) -> list[Figure]:
    """The figures as text on A4 pages: every table a committee paper would carry, in full,
    continued onto further pages as long as it runs."""
    pages = _Pages()
    pages.write(title_of(summary, office), 13, 62, "bold")
    pages.write(scope_note(summary), 9, 95)
    for table in tables(summary):
        _table(pages, table)
    return pages.figures


def write_pdf(stream: IO[bytes], summary: Summary, charts: Sequence[Chart], *, office: str) -> int:
    """The text pages, then a page per chart. Returns the number of pages."""
    from matplotlib.backends.backend_pdf import PdfPages

    with PdfPages(stream, metadata={"Title": title_of(summary, office)}) as pdf:
        for page in text_pages(summary, office):
            pdf.savefig(page)
        for chart in charts:
            pdf.savefig(chart.figure)
        return int(pdf.get_pagecount())
