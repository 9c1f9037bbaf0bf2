"""The annual report from a seeded database: its figures, and `python -m bot report annual`
writing HTML and PDF."""

from __future__ import annotations

import base64
import html
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import col, select

from bot.cli import main
from bot.report.annual import build, record_report
from bot.report.gather import annual_summary
from bot.rules.financial_year import FinancialYear
from bot.settings import Policy, load_settings
from storage.db import Database
from storage.models import AuditEntry
from tests.report.seed import NOW, seed

FY = FinancialYear(2026)


def run(db: Database, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["report", "annual", *args], environ={"DATABASE_URL": db.url}, stdout=out, stderr=err
    )
    return code, out.getvalue(), err.getvalue()


def test_summary_of_a_seeded_year(db: Database) -> None:
    seed(db)
    with db.session() as session:
        summary = annual_summary(session, year=FY, policy=Policy(), today=NOW.date(), now=NOW)
    # The 2025 gift is another year's; the outside-work request is this year's.
    assert summary.volumes == {
        "gift": {"approved": 2, "declined": 1, "recorded": 1},
        "interest": {"noted": 1},
        "outside_work": {"pending": 1},
    }
    assert (summary.asked_to_accept, summary.accepted) == (3, 2)
    assert tuple(summary.decision_days) == (1.0, 2.0, 3.0, 10.0)
    assert summary.median_days == 2.5
    assert summary.p90_days == 10.0
    assert [(o.kind, o.working_days) for o in summary.overdue] == [("outside_work", 14)]
    assert [(r.name, r.offers, r.value_pence) for r in summary.repeat_offerors] == [
        ("Acme Ltd", 3, 15000)
    ]
    assert summary.vetting_lapsed == 1
    assert summary.policies_overdue == ("Whistleblowing policy",)
    by_month = dict(summary.decisions_by_month)
    assert sum(by_month.values()) == 4
    assert by_month[FY.first_day.replace(month=5)] == 1


def reports_recorded(db: Database) -> list[AuditEntry]:
    with db.session() as session:
        query = select(AuditEntry).where(AuditEntry.action == "annual_report")
        return list(session.exec(query.order_by(col(AuditEntry.id))))


def test_build_records_nothing_and_record_report_records_it(db: Database) -> None:
    ids = seed(db)
    settings = load_settings({"DATABASE_URL": db.url}, require=())
    _, charts = build(db, settings, year=FY, now=NOW)
    assert [c.png()[:8] for c in charts] == [b"\x89PNG\r\n\x1a\n"] * 3
    assert reports_recorded(db) == []  # made, not yet given to anyone
    record_report(db, year=FY, actor_id=ids.mo, via="slack")
    [entry] = reports_recorded(db)
    assert entry.actor_id == ids.mo
    assert '"year": "2026/27"' in entry.detail


def test_cli_records_the_report_once_written(db: Database, tmp_path: Path) -> None:
    seed(db)
    target = tmp_path / "report.pdf"
    assert run(db, "--year", "2026", "--out", str(target))[0] == 0
    [entry] = reports_recorded(db)
    assert entry.actor_id is None
    assert f'"via": "cli:{target}"' in entry.detail


def test_a_report_that_could_not_be_written_is_not_recorded(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(db)
    code, _, err = run(db, "--year", "2026", "--out", str(tmp_path / "missing" / "r.html"))
    assert code == 1 and "cannot write" in err
    assert reports_recorded(db) == []

    def disk_full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("bot.report.annual.write_pdf", disk_full)
    out = tmp_path / "papers"
    out.mkdir()
    code, _, err = run(db, "--year", "2026", "--out", str(out / "r.pdf"))
    assert code == 1 and "No space left on device" in err
    assert reports_recorded(db) == [] and list(out.iterdir()) == []


def test_cli_writes_a_self_contained_html_report(db: Database, tmp_path: Path) -> None:
    seed(db)
    target = tmp_path / "report.html"
    code, out, err = run(db, "--year", "2026", "--out", str(target))
    assert (code, err) == (0, "")
    assert f"to {target}" in out
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    assert "annual report 2026/27" in page
    # No network: nothing fetched from elsewhere.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    images = re.findall(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)">', page)
    assert len(images) == 3
    for data, alt in images:
        assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"
        assert len(html.unescape(alt)) > 40
    assert "Gifts and hospitality: 4 (approved 2, declined 1, recorded 1)" in html.unescape(
        images[0][1]
    )
    text = html.unescape(page)
    assert '<td>Acme Ltd</td><td class="n">3</td><td class="n">£150.00</td>' in text
    assert "67% (2 of 3)" in text
    assert "2.5 days" in text and "10.0 days" in text
    assert '<th scope="col">Outcome</th>' in page


def test_cli_writes_the_html_report_as_an_a4_pdf(db: Database, tmp_path: Path) -> None:
    seed(db)
    target = tmp_path / "report.pdf"
    code, _, err = run(db, "--year", "2026", "--out", str(target))
    assert (code, err) == (0, "")
    assert target.read_bytes().startswith(b"%PDF")
    reader = PdfReader(target)
    assert reader.metadata is not None and "annual report 2026/27" in reader.metadata.title
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    # The same tables as report.html, as text.
    assert "Acme Ltd 3 £150.00" in text and "67% (2 of 3)" in text
    assert len({image.name for page in reader.pages for image in page.images}) == 3
    for number, page in enumerate(reader.pages, start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            595,
            842,
        )
        assert f"Page {number} of {len(reader.pages)}" in page.extract_text()


def test_cli_default_year_is_the_current_one(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    assert run(db, "--out", str(target))[0] == 0
    assert "annual report 20" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["report.txt", "report"])
def test_cli_refuses_a_format_it_cannot_tell(db: Database, tmp_path: Path, name: str) -> None:
    code, _, err = run(db, "--out", str(tmp_path / name))
    assert code == 2
    assert "name it .html or .pdf" in err
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize(
    ("year", "why"),
    [("1999", "give a year from 2000 to 2100"), ("2026/28", "e.g. 2026/27"), ("26", "e.g. 2026")],
)
def test_cli_year_is_read_by_the_one_parser(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], year: str, why: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(db, "--year", year, "--out", str(tmp_path / "r.html"))
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"--year: not a financial year: {year!r}" in err and why in err
    assert not (tmp_path / "r.html").exists()


def test_cli_takes_the_year_as_public_bodies_write_it(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    assert run(db, "--year", "2025-26", "--out", str(target))[0] == 0
    assert "annual report 2025/26" in target.read_text(encoding="utf-8")


def test_cli_unwritable_path_is_a_clear_error(db: Database, tmp_path: Path) -> None:
    code, _, err = run(db, "--out", str(tmp_path / "missing" / "report.pdf"))
    assert code == 1
    assert err.startswith("nolan: error: cannot write") and "Traceback" not in err
    code, _, err = run(db, "--out", str(tmp_path))  # a directory
    assert code == 2 or code == 1
    assert "nolan: error:" in err


def test_the_command_runs_in_a_fresh_process(db: Database, tmp_path: Path) -> None:
    """As an operator runs it: nothing imported beforehand (an import cycle would show)."""
    target = tmp_path / "report.html"
    env = {**os.environ, "DATABASE_URL": db.url}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "report", "annual", "--year", "2026", "--out", str(target)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
