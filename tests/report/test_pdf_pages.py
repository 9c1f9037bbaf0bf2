"""The annual report's PDF: report.html printed by WeasyPrint. Every page A4 with its number
and the report's title; long tables continue onto further pages with nothing left out; the
text is text (extractable), and people's text is printed as written."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from bot.report.charts import charts
from bot.report.render import tables, title_of, to_html, write_pdf
from bot.report.summary import KINDS, LISTED, Overdue, RepeatOfferor, Summary
from bot.rules.financial_year import FinancialYear

STATUSES = ("approved", "declined", "refused", "recorded", "noted", "pending", "withdrawn")
OFFICE = "Office of the PCC"
A4_POINTS = (595.28, 841.89)  # 210 × 297 mm


def long_summary(*, offeror: str = "Acme Ltd", policy: str = "Gifts policy") -> Summary:
    """~60 items waiting, a row per kind and status, several repeat offerors: pages of
    tables."""
    return Summary(
        year=FinancialYear(2026),
        as_of=date(2026, 11, 22),
        volumes={kind: {s: n + 1 for n, s in enumerate(STATUSES)} for kind in KINDS},
        asked_to_accept=10,
        accepted=7,
        decision_days=(1.0, 2.0, 5.0),
        decisions_by_month=(),
        overdue=tuple(Overdue(f"OW-{n:04d}", "outside_work", 90 - n) for n in range(60)),
        repeat_offerors=(
            RepeatOfferor(offeror, 5, 50_000),
            *(RepeatOfferor(f"Supplier {n}", 3, 1_000) for n in range(6)),
        ),
        vetting_lapsed=2,
        policies_overdue=(policy, "Whistleblowing policy"),
    )


def pdf_of(summary: Summary, *, office: str = OFFICE, with_charts: bool = True) -> PdfReader:
    stream = io.BytesIO()
    count = write_pdf(stream, summary, charts(summary) if with_charts else [], office=office)
    reader = PdfReader(io.BytesIO(stream.getvalue()))
    assert count == len(reader.pages)
    return reader


def page_texts(reader: PdfReader) -> list[str]:
    # Lines as extracted; runs of spaces folded, so a test reads words, not layout.
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture(scope="module")
def long_pdf() -> PdfReader:
    return pdf_of(long_summary())


def test_every_page_is_a4_portrait(long_pdf: PdfReader) -> None:
    assert len(long_pdf.pages) >= 3
    for page in long_pdf.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4_POINTS, abs=0.5)


def test_every_page_is_numbered_and_carries_the_title(long_pdf: PdfReader) -> None:
    texts = page_texts(long_pdf)
    total = len(texts)
    title = title_of(long_summary(), OFFICE)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text, number
        assert title in text, number
    assert long_pdf.metadata is not None and long_pdf.metadata.title == title


def test_long_tables_continue_onto_further_pages_with_nothing_left_out(
    long_pdf: PdfReader,
) -> None:
    texts = page_texts(long_pdf)
    everything = " ".join(texts)
    for table in tables(long_summary()):
        assert table.caption in everything, table.caption
        for row in table.rows:  # every row, not the first page's worth
            assert " ".join(row[0].split()) in everything, row
    waiting = [n for n, text in enumerate(texts) if "OW-" in text]
    assert len(waiting) >= 2  # the table broke across pages by CSS
    # the first LISTED of the 60 waiting, and a word on the rest
    assert sum(len(re.findall(r"OW-\d{4}", text)) for text in texts) == LISTED
    assert f"And {60 - LISTED} more, not listed here" in everything
    for n in waiting:  # and its column headings are repeated on each
        assert "Working days waiting" in texts[n]


def test_the_charts_are_in_the_pdf_at_page_width(long_pdf: PdfReader) -> None:
    # WeasyPrint shares one resource dictionary between pages: count each image once.
    images = {image.name: image for page in long_pdf.pages for image in page.images}
    assert len(images) == 3
    for image in images.values():
        assert image.image is not None and image.image.width >= 1000  # 7 inches at 150 dpi


@pytest.mark.parametrize("name", ["Cash $$ Ltd", "Pay $5 or $10 Ltd", r"$\frac{a}{b}$"])
def test_peoples_text_is_printed_as_written(name: str) -> None:
    summary = long_summary(offeror=name, policy=f"{name} policy")
    office = f"Office {name}"
    everything = " ".join(page_texts(pdf_of(summary, office=office, with_charts=False)))
    for expected in (name, f"{name} policy", office):
        assert expected in everything
    assert "Cash $$ Ltd" in to_html(long_summary(offeror="Cash $$ Ltd"), [], office="O")
