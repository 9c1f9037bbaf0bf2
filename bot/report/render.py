"""The annual report as a file: a self-contained HTML page, or the same page as a PDF.
Neither reaches the network: the charts are inline PNGs.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from bot.report.charts import Chart
from bot.report.summary import KINDS, LISTED, Summary
from bot.report.words import days, kind_word, percent, pounds, status_word

if TYPE_CHECKING:  # matplotlib is loaded only when a report is drawn, never at start-up
    pass


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = "None."  # said instead of an empty table
    more: int = 0  # rows there are beyond those listed
    where: str = ""  # where the rest are: "see …", said with `more`

    @property
    def count(self) -> int:
        return len(self.rows) + self.more

    @property
    def more_note(self) -> str:
        """The word on the rows left out ("And 9,950 more, …"); "" when every row is listed."""
        if not self.more:
            return ""
        return f"And {self.more:,} more, not listed here: {self.where}."


def listed(
    caption: str,
    headers: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    *,
    total: int,
    empty: str,
    where: str,
) -> Table:
    """A table of at most LISTED rows, saying how many of `total` it leaves out and where
    they are: a register of any size makes a report of a few pages."""
    shown = tuple(rows[:LISTED])
    return Table(caption, headers, shown, empty, more=max(total - len(shown), 0), where=where)


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
                f"{summary.overdue_count:,}",
            ),
            (
                f"Repeat offerors ({summary.repeat_threshold} or more offers)",
                f"{summary.repeat_offerors_count:,}",
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
        listed(
            "Items waiting longest for a decision",
            ("Reference", "Kind", "Working days waiting"),
            [(o.reference, kind_word(o.kind), str(o.working_days)) for o in summary.overdue],
            total=summary.overdue_count,
            empty="No item has waited past the reminder point.",
            where="see the register exports (gifts, interests, outside work), which list every "
            "item waiting",
        ),
        listed(
            "Repeat offerors",
            ("Offeror", "Offers", "Total value"),
            [(r.name, str(r.offers), pounds(r.value_pence)) for r in summary.repeat_offerors],
            total=summary.repeat_offerors_count,
            empty=f"No offeror made {summary.repeat_threshold} or more offers.",
            where="see the gifts and hospitality register export, which lists every offer",
        ),
        listed(
            "Policies overdue for review",
            ("Policy",),
            [(title,) for title in summary.policies_overdue],
            total=len(summary.policies_overdue),
            empty="Every policy is within its review date.",
            where="see the list of policies (/conduct policies)",
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


# One stylesheet for the page and the PDF. The PDF is this same HTML printed by WeasyPrint:
# @page gives A4 with the report's title and page numbers in the margins, and tables break
# across pages by CSS, their headings repeated on each (thead is a table-header-group).
CSS = """
body { font-family: system-ui, "DejaVu Sans", sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #1a1a1a; line-height: 1.5; }
h1 { string-set: title content(); }
table { border-collapse: collapse; margin: 0 0 2rem; min-width: 50%; }
p.more { margin: -1.5rem 0 2rem; font-style: italic; }
caption { text-align: left; font-weight: bold; font-size: 1.15rem; padding: .5rem 0; }
th, td { border: 1px solid #767676; padding: .3rem .6rem; text-align: left; }
thead { display: table-header-group; }
thead th { background: #e8e8e8; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 0 0 2rem; }
img { max-width: 100%; height: auto; }
@page {
  size: A4 portrait;
  margin: 20mm 16mm 20mm;
  @top-center { content: string(title); font: 8pt "DejaVu Sans", sans-serif; color: #4a4a4a; }
  @bottom-center {
    content: "Page " counter(page) " of " counter(pages);
    font: 8pt "DejaVu Sans", sans-serif; color: #4a4a4a;
  }
}
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h1 { font-size: 16pt; } h2 { font-size: 12pt; break-after: avoid; }
  caption { font-size: 11pt; }
  table { width: 100%; }
  tr, figure { break-inside: avoid; }
  img { width: 100%; }
}
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
    more = f'\n<p class="more">{html.escape(table.more_note)}</p>' if table.more else ""
    return (
        f"<table>\n<caption>{html.escape(table.caption)}</caption>\n"
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>{more}"
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


def write_pdf(stream: IO[bytes], summary: Summary, charts: Sequence[Chart], *, office: str) -> int:
    """The report as PDF: report.html printed by WeasyPrint. Returns the number of pages."""
    # Imported here: WeasyPrint (and Pango under it) takes a second or two to load, and
    # only a PDF report needs it, not the bot's start-up.
    from weasyprint import HTML

    document = HTML(string=to_html(summary, charts, office=office)).render()
    document.write_pdf(stream)  # titled by the page's <title>
    return len(document.pages)
