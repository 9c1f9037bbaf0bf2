"""`python -m bot staff import --check FILE.csv`: the file checked alone, without Slack or a
database, every problem named on its line; and a real import that reports the file's own
problems even while Slack is out of reach."""

from __future__ import annotations

import io
import socket
from pathlib import Path

import pytest

from bot.cli import main
from tests.bot.test_staff_import import (  # noqa: F401 (fixtures)
    BAD_FILES,
    CHART,
    HEADER,
    Importer,
    fake,
    importer,
)

REPO = Path(__file__).resolve().parents[2]
# Problems found by asking Slack, which --check does not do.
NEEDS_SLACK = {"email Slack cannot resolve", "two emails on one Slack account"}


def check(path: Path, tmp_path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["staff", "import", "--check", str(path)],
        # No Slack token, and a database that must not be created.
        environ={"DATABASE_URL": f"sqlite:///{tmp_path / 'never.db'}"},
        stdout=out,
        stderr=err,
    )
    assert not (tmp_path / "never.db").exists()
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "staff.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _unreachable_api_url() -> str:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/api/"


def test_a_good_file_checks_clean_without_slack_or_a_database(tmp_path: Path) -> None:
    code, out, err = check(write(tmp_path, *CHART), tmp_path)
    assert code == 0
    assert out == f"{tmp_path / 'staff.csv'}: 4 people, no problems found " + (
        "(checked without Slack; nothing was imported)\n"
    )
    assert err == ""


@pytest.mark.parametrize("kind", sorted(set(BAD_FILES) - NEEDS_SLACK))
def test_check_names_every_bad_line(tmp_path: Path, kind: str) -> None:
    rows, header, expected = BAD_FILES[kind]
    path = write(tmp_path, *rows, header=header)
    code, out, err = check(path, tmp_path)
    assert code == 1 and out == ""
    lines = err.splitlines()
    problems = [ln for ln in lines if ln.startswith(f"{path}:")]
    assert sorted({int(ln.split(":")[1]) for ln in problems}) == sorted(expected)
    for line, needle in expected.items():
        assert any(ln.startswith(f"{path}:{line}: ") and needle in ln for ln in problems), lines
    assert lines[-1].endswith(f"in {path}")
    assert "Traceback" not in err


def test_a_bad_header_is_a_header_problem_not_a_bad_row(tmp_path: Path) -> None:
    path = write(tmp_path, *[f"{row},HR" for row in CHART], header=HEADER + ",department")
    code, _out, err = check(path, tmp_path)
    assert code == 1
    assert err.splitlines()[-1] == f"nolan: a problem with the header in {path}"
    assert "bad row" not in err


def test_a_bad_header_and_bad_rows_are_both_counted(tmp_path: Path) -> None:
    rows = [f"{row},HR" for row in CHART] + ["zed@opcc.example,Zed,,,,2028-02-30,,HR"]
    path = write(tmp_path, *rows, header=HEADER + ",department")
    code, _out, err = check(path, tmp_path)
    assert code == 1
    assert f"{path}:6: vetting_expires '2028-02-30': 30 February 2028 does not exist" in err
    assert err.splitlines()[-1] == f"nolan: a problem with the header and 1 bad row in {path}"


def test_an_unreadable_file_is_one_line(tmp_path: Path) -> None:
    code, out, err = check(tmp_path / "missing.csv", tmp_path)
    assert (code, out) == (1, "")
    assert err == f"nolan: error: cannot read {tmp_path / 'missing.csv'}: no such file\n"


def test_a_chart_without_office_holders_passes_with_warnings(tmp_path: Path) -> None:
    path = write(tmp_path, "ann@opcc.example,Ann,,,,,", "bob@opcc.example,Bob,ann@opcc.example,,,,")
    code, out, err = check(path, tmp_path)
    assert code == 0 and "2 people, no problems found" in out
    warnings = err.splitlines()
    assert len(warnings) == 2
    assert warnings[0].startswith(f"nolan: warning: {path}: no one has the head_of_office role")
    assert warnings[1].startswith(f"nolan: warning: {path}: no one has the monitoring_officer")


def test_an_import_warns_of_a_missing_monitoring_officer_and_still_imports(
    importer: Importer,  # noqa: F811
) -> None:
    rows = [CHART[0], "ann@opcc.example,Ann Smith,ceo@opcc.example,,,,"]
    assert importer.run(importer.write(*rows)) == 0
    assert importer.out.startswith("Imported 2 people")
    assert importer.err == (
        f"nolan: warning: {importer.tmp_path / 'staff.csv'}: no one has the monitoring_officer "
        "role: unsolicited gifts, the head of office's own declarations and anything else for "
        "the monitoring officer will have nobody to decide them\n"
    )


def test_an_import_reports_the_files_problems_while_slack_is_out_of_reach(
    importer: Importer,  # noqa: F811
) -> None:
    path = importer.write(
        *CHART[:3],
        "bob@opcc.example,Bob,gone@opcc.example,,,,",
        "cat@opcc.example,Cat,mo@opcc.example,chair,,,",
    )
    assert importer.run(path, api_url=_unreachable_api_url()) == 1
    lines = importer.err.splitlines()
    assert lines[0] == f"{path}:5: line manager gone@opcc.example is not in the file"
    assert lines[1].startswith(f"{path}:6: unknown role 'chair'")
    assert lines[2] == f"nolan: 2 bad rows in {path}"
    assert lines[3].startswith("nolan: error: cannot reach Slack at http://127.0.0.1:")
    assert lines[3].endswith("(check SLACK_API_URL); nothing was imported")
    assert len(lines) == 4
    assert importer.snapshot() == ([], 0)


def test_the_sample_org_chart_checks_clean(tmp_path: Path) -> None:
    code, out, err = check(REPO / "examples" / "org-chart.csv", tmp_path)
    assert (code, err) == (0, "")
    assert "no problems found" in out
