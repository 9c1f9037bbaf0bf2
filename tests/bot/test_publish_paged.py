"""A large register is published as numbered pages a phone can open, with its CSV whole."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from bot.publish import publish
from bot.rules.financial_year import FinancialYear
from bot.settings import Policy
from storage.db import Database
from tests.bot.test_publish import GIFTS_STEM, table
from tests.publish_seed import seed

YEAR = FinancialYear(2026)


def run(db: Database, out: Path, page_rows: int) -> None:
    out.mkdir(exist_ok=True)
    publish(
        db, policy=Policy(), year=YEAR, out_dir=out, generated=date(2026, 5, 1), page_rows=page_rows
    )


def test_a_register_longer_than_a_page_is_split_with_links_between_the_pages(
    db: Database, tmp_path: Path
) -> None:
    seed(db)
    whole, paged = tmp_path / "whole", tmp_path / "paged"
    run(db, whole, page_rows=1000)
    run(db, paged, page_rows=3)  # the seed publishes 4 gifts: pages of 3 and 1

    assert sorted(p.name for p in paged.glob(f"{GIFTS_STEM}*")) == [
        f"{GIFTS_STEM}-2.html",
        f"{GIFTS_STEM}.csv",
        f"{GIFTS_STEM}.html",
    ]
    # The CSV is the whole register either way; the pages' rows, in order, are the table.
    assert (paged / f"{GIFTS_STEM}.csv").read_bytes() == (whole / f"{GIFTS_STEM}.csv").read_bytes()
    first, second = table(paged / f"{GIFTS_STEM}.html"), table(paged / f"{GIFTS_STEM}-2.html")
    assert (len(first.rows), len(second.rows)) == (3, 1)
    assert first.rows + second.rows == table(whole / f"{GIFTS_STEM}.html").rows
    csv_refs = [r[0] for r in csv.reader(io.StringIO((paged / f"{GIFTS_STEM}.csv").read_text()))]
    assert first.column("reference") + second.column("reference") == csv_refs[1:]

    one = (paged / f"{GIFTS_STEM}.html").read_text(encoding="utf-8")
    two = (paged / f"{GIFTS_STEM}-2.html").read_text(encoding="utf-8")
    assert "Page 1 of 2: entries 1 to 3 of 4." in one
    assert f'<a href="{GIFTS_STEM}-2.html" rel="next">Next page</a>' in one
    assert "Previous page" not in one
    assert "Page 2 of 2: entries 4 to 4 of 4." in two
    assert f'<a href="{GIFTS_STEM}.html" rel="prev">Previous page</a>' in two
    assert "3 entries on this page, of 4 in all." in one
    # Withheld items are counted on every page, since each page stands alone.
    assert one.count("withheld on grounds") == two.count("withheld on grounds") > 0
    # The index gives the whole register's count and links to its first page.
    index = (paged / "index.html").read_text(encoding="utf-8")
    assert f'href="{GIFTS_STEM}.html"' in index and "4 entries" in index
    # A register that fits on one page has no page links at all.
    assert "Pages of this register" not in (whole / f"{GIFTS_STEM}.html").read_text()


def test_pages_left_from_a_longer_register_are_removed(db: Database, tmp_path: Path) -> None:
    seed(db)
    run(db, tmp_path, page_rows=1)
    assert (tmp_path / f"{GIFTS_STEM}-4.html").exists()
    run(db, tmp_path, page_rows=2)
    assert sorted(p.name for p in tmp_path.glob(f"{GIFTS_STEM}-*.html")) == [f"{GIFTS_STEM}-2.html"]
