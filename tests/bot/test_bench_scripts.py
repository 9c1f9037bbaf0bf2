"""scripts/bench_registers.py, bench_ack.py (Slack and Teams), bench_request_path.py and
bench_slack_client.py, run tiny so they do not rot (the figures come from running them by
hand: see the README's "Benchmarks")."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.database  # the scripts take TEST_DATABASE_URL when it is set

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
# bench_ack.py's kinds of request, in its order: a row each for the bare app and Nolan, then a
# line each of what the machine spent on Nolan's.
KINDS = ["slash-command", "view-submission", "button", "nothing-changed"]
ROWS = slice(2, 2 + 2 * len(KINDS))
SPENT = slice(ROWS.stop, ROWS.stop + len(KINDS))


def run(script: str, *argv: str, database: bool = True) -> str:
    url = os.environ.get("TEST_DATABASE_URL") if database else None
    extra = ["--database-url", url] if url else []
    if url and script == "bench_ack.py":
        extra += ["--db", "postgres"]
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / script), *argv, *extra],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_bench_registers_times_every_command_and_each_succeeds() -> None:
    out = run("bench_registers.py", "--rows", "60", "--staff", "12")
    assert "seeded 60 declarations, 12 staff and 114 audit entries" in out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[2:]}
    assert set(rows) == {"export-csv", "export-xlsx", "publish", "report", "audit-verify"}
    for figures in rows.values():
        assert figures[0] == "0"  # exit status
        assert float(figures[2]) > 0  # peak RSS, MB


@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")), reason="--keep is a SQLite file, whatever the pass"
)
def test_bench_registers_keeps_a_seeded_sqlite_file_and_reuses_it(tmp_path: Path) -> None:
    kept = tmp_path / "kept.db"

    def bench(*argv: str) -> subprocess.CompletedProcess[str]:
        script = [sys.executable, str(SCRIPTS / "bench_registers.py"), "--keep", str(kept)]
        return subprocess.run([*script, *argv], capture_output=True, text=True, timeout=600)

    first = bench("--rows", "30", "--staff", "5", "--only", "")  # seeding alone: no command
    assert first.returncode == 0 and "seeded 30 declarations" in first.stdout, first.stderr
    assert first.stdout.splitlines()[-1].split()[0] == "command"  # the table's head, no row
    again = bench("--rows", "30", "--staff", "5", "--only", "audit-verify")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "reused 30 declarations and 57 audit entries" in again.stdout  # not seeded twice
    assert again.stdout.splitlines()[-1].split()[:2] == ["audit-verify", "0"]  # the chain holds
    other = bench("--rows", "31", "--only", "audit-verify")
    assert other.returncode == 2 and "holds 30 declarations, not --rows 31" in other.stderr


@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="on PostgreSQL the next test runs the same benchmark, in two processes",
)
def test_bench_ack_compares_nolan_with_the_bare_app() -> None:
    out = run(
        "bench_ack.py", "--staff", "20", "--history", "50", "--concurrency", "2", "--requests", "2"
    )
    lines = [line.split() for line in out.splitlines()[ROWS]]
    assert [line[0] for line in lines[::2]] == KINDS
    for request, concurrency, app, *figures in lines:
        assert concurrency == "2"
        slow, failed = figures[4:6]
        assert (slow, failed) == ("0", "0"), (request, app)  # none past 3 s, all answered 200
        if app == "nolan":
            assert figures[-1].endswith("×")  # its figures over the bare app's
            assert float(figures[6]) > 0  # done/s: its actions a second end to end
    _machine_spent(out)
    # Each press recorded once: the count is read from the database, not the acks.
    assert out.splitlines()[-1] == "answered by Nolan: 2 of 2 presses of nothing-changed"


def _machine_spent(out: str) -> None:
    """Each Nolan row's CPU an action, the whole machine's (the column before the ratios),
    said again after the table with what the cores allow; never less than Nolan's own (its
    processes' column, when it runs in processes of its own), but for a clock tick."""
    rows = [line.split() for line in out.splitlines()[ROWS] if " nolan " in line]
    said = out.splitlines()[SPENT]
    for (request, concurrency, _app, *figures), line in zip(rows, said, strict=True):
        machine = float(figures[-3])
        assert machine > 0
        found = re.fullmatch(
            rf"{request} at {concurrency}: the machine spent (\d+) ms of CPU an action.*; "
            r"(\d+) cores allow at most (\d+) a second", line
        )
        assert found, line
        assert int(found[1]) == round(machine)
        assert int(found[3]) == round(int(found[2]) * 1000 / machine)
        if "outside Nolan" in line:  # Nolan's own CPU is in the row, after done/s
            assert machine >= float(figures[7]) - 10, (request, figures)


def test_bench_request_path_times_each_kind_of_request_to_its_ack() -> None:
    out = run("bench_request_path.py", "--staff", "20", "--requests", "2", database=False)
    lines = [line.split() for line in out.splitlines()[2:]]
    assert [line[0] for line in lines] == KINDS
    for _kind, *figures in lines:
        to_ack, _mean, with_after, _ = (float(f) for f in figures)
        assert 0 < to_ack <= with_after


def test_bench_ack_runs_nolan_as_python_m_bot_in_processes_of_its_own() -> None:
    processes = "2" if os.environ.get("TEST_DATABASE_URL") else "1"  # SQLite: one process
    out = run("bench_ack.py", "--staff", "20", "--concurrency", "2", "--requests", "2",
              "--processes", processes)
    assert f"{processes} process" in out.splitlines()[0]
    lines = [line.split() for line in out.splitlines()[ROWS]]
    assert {line[2] for line in lines} == {"bare", "nolan"}
    for request, _concurrency, app, *figures in lines:
        assert figures[4:6] == ["0", "0"], (request, app)  # none past 3 s, all answered 200
    _machine_spent(out)
    assert all("outside Nolan and the database" in line for line in out.splitlines()[SPENT])
    assert out.splitlines()[-1] == "answered by Nolan: 2 of 2 presses of nothing-changed"


def test_bench_ack_compares_nolan_with_the_bare_teams_sdk_app_on_its_presses() -> None:
    out = run("bench_ack.py", "--platform", "teams", "--staff", "20", "--concurrency", "2",
              "--requests", "2")
    lines = [line.split() for line in out.splitlines()[2:]]
    assert [line[:3] for line in lines[:4]] == [
        ["approve-press", "2", "bare"], ["approve-press", "2", "nolan"],
        ["nothing-changed", "2", "bare"], ["nothing-changed", "2", "nolan"],
    ]
    for _request, _concurrency, app, *figures in lines[:4]:
        assert figures[4:6] == ["0", "0"], app  # none past 3 s, all answered 200
    assert lines[1][-1].endswith("×") and lines[3][-1].endswith("×")
    assert out.splitlines()[-2:] == [
        "decided by Nolan: 2 of 2 cards pressed",
        "answered by Nolan: 2 of 2 presses of nothing-changed",  # read from the database
    ]


def test_bench_slack_client_sends_over_one_kept_connection_where_slack_sdk_opens_one_each() -> (
    None
):
    out = run("bench_slack_client.py", "--calls", "5", "--rtt-ms", "1", database=False)
    rows = {line[:22].strip(): line[22:].split() for line in out.splitlines()[2:]}
    assert rows["slack_sdk WebClient"][-1] == "5"  # connections opened for 5 calls
    assert rows["KeptAliveClient"][-1] == "0"  # the one opened before the figures, kept


@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")), reason="bench_startup runs Nolan on SQLite"
)
def test_bench_startup_times_the_first_ack_and_reads_idle_memory_of_both_apps() -> None:
    out = run("bench_startup.py", "--runs", "1", "--idle", "0.2", database=False)
    rows = {
        cells[0]: cells[1:]
        for line in out.splitlines()
        if line.startswith("| bare") or line.startswith("| nolan")
        for cells in [[c.strip() for c in line.strip("|").split("|")]]
    }
    assert set(rows) == {"bare", "nolan"}
    for processes, first_ack, pss, rss in rows.values():
        assert int(processes) >= 1 and float(first_ack) > 0 and float(pss) > 0 and float(rss) > 0
    assert "Nolan/bare: first ack" in out.splitlines()[-1]
