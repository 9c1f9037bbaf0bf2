"""scripts/bench_sweep.py, run small so it does not rot (the real figures come from running it
at 100,000 staff by hand: see the README's "Benchmarks")."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_sweep.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_sweep", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.database  # the script takes TEST_DATABASE_URL when it is set
def test_the_benchmark_runs_and_reports_queries_flat_in_the_staff(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = os.environ.get("TEST_DATABASE_URL")
    argv = ["--staff", "200", "--due", "20", "--compare", "100", "--pacing", "0"]
    assert _load().main([*argv, *(["--database-url", url] if url else [])]) == 0
    out = capsys.readouterr().out
    lines = {line[:44].strip(): line[44:].split() for line in out.splitlines()}
    assert lines["staff"] == ["100", "200"]
    assert lines["reminders due (ledger keys)"] == ["20", "20"]
    assert lines["reminders sent (ledger keys)"] == ["20", "20"]
    assert lines["failures"] == ["0", "0"]
    writes = lines["outbox writes (queue, claim, mark sent)"]
    assert writes[0] == writes[1] and int(writes[0]) >= 20  # each key queued, claimed, sent
    assert "staff: the same" in out


def test_the_benchmark_reports_the_outbox_at_the_platforms_pace(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--staff", "20", "--due", "4", "--compare", "0", "--pacing", "6"]
    assert _load().main([*argv, "--pacing-people", "2"]) == 0
    out = capsys.readouterr().out
    slack = next(line for line in out.splitlines() if line.startswith("Slack"))
    teams = next(line for line in out.splitlines() if line.startswith("Teams"))
    # Three DMs each at one a second a conversation: two seconds at the least.
    assert "6 DMs to 2 people" in slack and "ideal    2.0 s" in slack and "6 sent" in slack
    assert "0 of 6 calls answered 429" in slack
    assert "6 DMs to 2 people" in teams and "6 sent" in teams
