"""`python -m bot register publish`: the files written, the same rows and columns as
`register export --public` for the year, withheld items counted and never shown, and clear
errors. The page's behaviour in a browser is tested in tests/browser/."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.cli import main
from bot.rules.financial_year import FinancialYear
from storage.db import Database
from storage.models import AuditEntry, Declaration, Staff
from tests.publish_seed import FIRST_GIFT_HEADINGS, FORMULA, HOSTILE, _interest, seed

GIFTS_STEM = "gifts-and-hospitality-2026-27"
INTERESTS_STEM = "staff-interests-2026-27"


def cli(db: Database, *args: str, **env: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), environ={"DATABASE_URL": db.url, **env}, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def publish(db: Database, out: Path, *extra: str, **env: str) -> tuple[int, str, str]:
    return cli(db, "register", "publish", "--out", str(out), *extra, **env)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


class Table(HTMLParser):
    """The register table as text: header cells, and body rows of (text, data-sort) cells."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[dict[str, str | None]] = []
        self.rows: list[list[tuple[str, str | None]]] = []
        self.section = ""
        self.cell: list[str] | None = None
        self.attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr" and self.section == "tbody":
            self.rows.append([])
        elif tag in ("th", "td") and self.section:
            self.cell, self.attrs = [], dict(attrs)

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self.cell is not None:
            text = "".join(self.cell)
            if self.section == "thead":
                self.headers.append({**self.attrs, "text": text})
            else:
                self.rows[-1].append((text, self.attrs.get("data-sort")))
            self.cell = None
        elif tag in ("thead", "tbody"):
            self.section = ""

    def named(self, row: list[tuple[str, str | None]]) -> dict[str, tuple[str, str | None]]:
        """A row's cells by column name (the page orders columns for a reader, not as the
        CSV does)."""
        names = [str(h["data-column"]) for h in self.headers]
        return dict(zip(names, row, strict=True))

    def column(self, name: str) -> list[str]:
        return [self.named(row)[name][0] for row in self.rows]


def table(path: Path) -> Table:
    parser = Table()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture
def refs(db: Database) -> dict[str, str]:
    return seed(db)


def test_writes_the_index_and_each_register_as_html_and_csv(
    db: Database, refs: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "site" / "2026"  # created, parents too
    code, stdout, err = publish(db, out, "--year", "2026", PUBLISH_INTERESTS="yes")
    assert (code, err) == (0, "")
    assert sorted(p.name for p in out.iterdir()) == [
        f"{GIFTS_STEM}.csv",
        f"{GIFTS_STEM}.html",
        "index.html",
        f"{INTERESTS_STEM}.csv",
        f"{INTERESTS_STEM}.html",
    ]
    assert "4 entries, 3 entries withheld" in stdout
    index = (out / "index.html").read_text(encoding="utf-8")
    for stem in (GIFTS_STEM, INTERESTS_STEM):
        assert f'href="{stem}.html"' in index and f'href="{stem}.csv"' in index
    assert "2026/27" in index and "1 April 2026 to 31 March 2027" in index
    assert "Register of gifts and hospitality</a>: 4 entries, 3 withheld." in index
    # Public files, readable by the web server.
    assert (out / f"{GIFTS_STEM}.html").stat().st_mode & 0o044 == 0o044


def test_interests_are_published_only_when_policy_says_so(
    db: Database, refs: dict[str, str], tmp_path: Path
) -> None:
    code, _, _ = publish(db, tmp_path, "--year", "2026")
    assert code == 0
    assert not list(tmp_path.glob("staff-interests*"))
    assert "interests" not in (tmp_path / "index.html").read_text(encoding="utf-8").lower()


@pytest.mark.parametrize(
    ("register", "stem"), [("gifts", GIFTS_STEM), ("interests", INTERESTS_STEM)]
)
def test_csv_is_the_public_export_for_the_year(
    db: Database, refs: dict[str, str], tmp_path: Path, register: str, stem: str
) -> None:
    code, _, _ = publish(db, tmp_path, "--year", "2026", PUBLISH_INTERESTS="yes")
    assert code == 0
    code, exported, _ = cli(
        db,
        "register",
        "export",
        register,
        "--public",
        "--from",
        "2026-04-01",
        "--to",
        "2027-03-31",
    )
    assert code == 0
    assert (tmp_path / f"{stem}.csv").read_bytes().decode("utf-8") == exported


def test_days_are_the_offices_as_in_the_export(
    db: Database, refs: dict[str, str], tmp_path: Path
) -> None:
    """Far from London, a moment falls on another day: the page, its CSV and the export agree."""
    with db.session() as session:
        ann = session.exec(select(Staff).where(Staff.name == "Ann Ébrard")).one()
        # 12:00 UTC on 1 June is 13:00 that day in London but 02:00 on 2 June at UTC+14.
        _interest(session, ann, datetime(2026, 6, 1, 12, tzinfo=UTC), "financial", "Kiri plc")
        session.commit()
    zone = {"TIMEZONE": "Pacific/Kiritimati", "PUBLISH_INTERESTS": "yes"}
    assert publish(db, tmp_path, "--year", "2026", **zone)[0] == 0
    code, exported, _ = cli(
        db,
        "register",
        "export",
        "interests",
        "--public",
        "--from",
        "2026-04-01",
        "--to",
        "2027-03-31",
        TIMEZONE="Pacific/Kiritimati",
    )
    assert code == 0
    published = (tmp_path / f"{INTERESTS_STEM}.csv").read_bytes().decode("utf-8")
    assert published == exported
    assert ",2026-06-02,Ann Ébrard,financial interest,Kiri plc," in published
    page = table(tmp_path / f"{INTERESTS_STEM}.html")
    assert "2026-06-02" in page.column("declared_on")


def test_rows_are_the_years_and_none_withheld(
    db: Database, refs: dict[str, str], tmp_path: Path
) -> None:
    publish(db, tmp_path, "--year", "2026", PUBLISH_INTERESTS="yes")
    gifts = csv_rows((tmp_path / f"{GIFTS_STEM}.csv").read_text(encoding="utf-8"))
    want = [refs[k] for k in ("first_day", "dinner", "hostile", "last_day")]
    assert [r[0] for r in gifts[1:]] == want
    page = table(tmp_path / f"{GIFTS_STEM}.html")
    assert page.column("reference") == want
    interests = csv_rows((tmp_path / f"{INTERESTS_STEM}.csv").read_text(encoding="utf-8"))
    assert [r[0] for r in interests[1:]] == [refs["shares"]]
    html = (tmp_path / f"{GIFTS_STEM}.html").read_text(encoding="utf-8")
    for hidden in ("safety_1", "safety_2", "commercial", "before", "after"):
        assert refs[hidden] not in html
    assert "Secret Ltd" not in html and "Bid Co" not in html


def test_page_has_the_csv_columns_and_values(
    db: Database, refs: dict[str, str], tmp_path: Path
) -> None:
    publish(db, tmp_path, "--year", "2026")
    header, *rows = csv_rows((tmp_path / f"{GIFTS_STEM}.csv").read_text(encoding="utf-8"))
    page = table(tmp_path / f"{GIFTS_STEM}.html")
    assert sorted(str(h["data-column"]) for h in page.headers) == sorted(header)
    labels = [h["text"] for h in page.headers]
    # What a reader needs first, always shown; the rest behind "More columns".
    assert labels[:7] == FIRST_GIFT_HEADINGS
    assert not any("more" in str(h.get("class")) for h in page.headers[:7])
    assert all("more" in str(h.get("class")) for h in page.headers[7:])
    assert all(h["scope"] == "col" for h in page.headers)
    # The loader orders by date offered; the page says so.
    by_name = {h["data-column"]: h for h in page.headers}
    assert by_name["date_offered"]["aria-sort"] == "ascending"
    assert by_name["value_gbp"]["data-type"] == "number"
    assert [page.named(r)["value_gbp"] for r in page.rows] == [
        ("£25.00", "2500"),
        ("£80.00", "8000"),
        ("£12.50", "1250"),
        ("£1,234.56", "123456"),
    ]
    words = {
        "kind": {"gift": "Gift", "hospitality": "Hospitality"},
        "relationship": {
            "contractor": "Contractor or supplier",
            "partner": "Partner organisation",
            "public": "Member of the public",
            "other": "Other",
        },
        "response": {
            "accepted": "Accepted",
            "declined": "Declined",
            "wants to accept": "Would like to accept",
        },
        "status": {
            "approved": "Approved",
            "recorded": "Recorded",
            "declined": "Declined",
            "pending": "Waiting for a decision",
            "kept": "Kept for the office",
        },
        "gift_type": {"item": "Item", "monetary": "Cash, vouchers or monetary"},
    }
    for csv_row, html_row in zip(rows, page.rows, strict=True):
        cells = page.named(html_row)
        for name, csv_cell in zip(header, csv_row, strict=True):
            if name in ("value_gbp", "decided_at"):
                continue
            html_cell = cells[name][0]
            if name in words and csv_cell:
                # A code in the CSV, the Slack cards' word for it on the page.
                assert html_cell == words[name][csv_cell], (name, csv_cell)
                continue
            # The CSV guards formulas with an apostrophe; the page shows the text as typed.
            assert html_cell == (csv_cell[1:] if csv_cell.startswith("'=") else csv_cell)
    assert any(FORMULA in cell for row in page.rows for cell, _ in row)
    html = (tmp_path / f"{GIFTS_STEM}.html").read_text(encoding="utf-8")
    assert '<details class="more-columns">' in html and "<summary>More columns</summary>" in html


def test_everything_from_the_database_is_escaped(
    db: Database, refs: dict[str, str], tmp_path: Path
) -> None:
    publish(db, tmp_path, "--year", "2026")
    html = (tmp_path / f"{GIFTS_STEM}.html").read_text(encoding="utf-8")
    assert HOSTILE not in html and "<b>Bold</b>" not in html
    assert "&lt;img src=&quot;https://tracker.example/x.png&quot;" in html
    assert "Ben &lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html
    # The select filter's options are escaped too (kind: gift, hospitality).
    assert '<option value="Hospitality">Hospitality</option>' in html


def test_withheld_items_are_counted_by_ground_never_shown(
    db: Database, refs: dict[str, str], tmp_path: Path
) -> None:
    publish(db, tmp_path, "--year", "2026", PUBLISH_INTERESTS="yes")
    gifts = (tmp_path / f"{GIFTS_STEM}.html").read_text(encoding="utf-8")
    assert "<li>1 entry withheld on grounds of commercial confidentiality.</li>" in gifts
    assert "<li>2 entries withheld on grounds of personal safety.</li>" in gifts
    interests = (tmp_path / f"{INTERESTS_STEM}.html").read_text(encoding="utf-8")
    assert "1 entry withheld on grounds of the protection of personal information" in interests
    # A membership is never published, so withholding it is not announced either.
    assert "personal safety" not in interests and "Lodge" not in interests
    assert "Refuge" not in interests
    with db.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "published")).one()
    detail = json.loads(entry.detail)
    assert detail["registers"] == {"gifts": 4, "interests": 1}
    assert detail["withheld"] == {
        "gifts": {"commercial": 1, "personal_safety": 2},
        "interests": {"personal_data": 1},
    }
    assert detail["year"] == "2026/27"


def test_public_export_leaves_withheld_items_out_but_the_full_one_keeps_them(
    db: Database, refs: dict[str, str]
) -> None:
    _, public, _ = cli(db, "register", "export", "gifts", "--public")
    _, full, _ = cli(db, "register", "export", "gifts")
    public_refs = {r[0] for r in csv_rows(public)[1:]}
    full_refs = {r[0] for r in csv_rows(full)[1:]}
    withheld = {refs[k] for k in ("safety_1", "safety_2", "commercial")}
    assert withheld <= full_refs
    assert not withheld & public_refs
    assert public_refs == full_refs - withheld
    with db.session() as session:
        entries = session.exec(
            select(AuditEntry).where(AuditEntry.action == "exported").order_by(col(AuditEntry.id))
        ).all()
    public_entry, full_entry = (json.loads(e.detail) for e in entries)
    assert public_entry["withheld"] == {"commercial": 1, "personal_safety": 2}
    assert "withheld" not in full_entry


def test_no_year_means_the_current_financial_year(
    db: Database, refs: dict[str, str], tmp_path: Path
) -> None:
    code, _, _ = publish(db, tmp_path)
    assert code == 0
    label = FinancialYear.containing(date.today()).label.replace("/", "-")
    assert (tmp_path / f"gifts-and-hospitality-{label}.html").exists()


def test_year_may_be_written_as_public_bodies_write_it(
    db: Database, refs: dict[str, str], tmp_path: Path
) -> None:
    assert publish(db, tmp_path, "--year", "2025/26")[0] == 0
    rows = csv_rows((tmp_path / "gifts-and-hospitality-2025-26.csv").read_text("utf-8"))
    assert [r[0] for r in rows[1:]] == [refs["before"]]


@pytest.mark.parametrize("year", ["20x", "26", "2026/28", "2026-2028", "99999", ""])
def test_bad_year_is_a_clear_error(
    db: Database, tmp_path: Path, year: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        publish(db, tmp_path / "site", "--year", year)
    assert exit_.value.code == 2
    assert "--year: not a financial year" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_out_that_is_a_file_is_a_clear_error(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "register.html"
    target.write_text("keep me")
    code, _, err = publish(db, target)
    assert code == 1
    assert err == f"nolan: error: cannot write to {target}: it is not a directory\n"
    assert target.read_text() == "keep me"


def test_out_that_cannot_be_created_is_a_clear_error(db: Database, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    code, _, err = publish(db, tmp_path / "file" / "site")
    assert code == 1
    assert err.startswith(f"nolan: error: cannot create {tmp_path / 'file' / 'site'}: ")
    assert "Traceback" not in err


def test_a_failure_part_way_leaves_the_directory_as_it_was(
    db: Database, refs: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the old index")

    def broken(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("bot.publish.audit.record", broken)
    code, _, err = publish(db, site, "--year", "2026")
    assert code == 1
    assert "No space left on device" in err
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text() == "the old index"
    with db.session() as session:
        assert session.exec(select(col(Declaration.id))).first() is not None
        assert not session.exec(select(AuditEntry).where(AuditEntry.action == "published")).all()
