#!/usr/bin/env python3
"""Benchmark start-up and idle memory: a bare slack-bolt app against Nolan, each a process of
its own, as an operator starts it.

    scripts/bench_startup.py [--runs 3] [--idle 3] [--env NAME=VALUE ...]

Both are served by waitress on a free port and point at the same fake Slack Web API
(tests/fakeslack) in this process. For each run, bare and Nolan in turn, it starts the process
and sends a signed `/gift` slash command every 20 ms until one is answered 200: the time from
the start to that answer is the first ack. It then waits `--idle` seconds and reads the memory
of the process and its children (Nolan's supervisor, its HTTP processes and its delivery
process): their proportional set size summed (PSS: a page shared by several processes counted
once between them, so forked children are not counted twice) and the largest process's
resident set. Nolan runs `python -m bot` on a SQLite database migrated beforehand (the start
of a bot that has run before); `--env` passes settings (e.g. `--env DELIVERY_PROCESS=0`).

It prints each figure's median over the runs and Nolan's over the bare app's. The issue's
target: the first ack within 2x the bare app's, idle memory within 2x.

This is not a timed test; tests/bot/test_bench_scripts.py runs it small so it does not rot.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_process import _family

from tests.fakeslack import FakeSlack
from tests.fakeslack.signing import post, slash_command_form

REPO = Path(__file__).resolve().parents[1]
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
EVENTS = "/slack/events"

# The bare app: Bolt's own WSGI adapter under waitress, one listener that acks.
BARE = f"""
import sys
import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

app = App(client=WebClient(token={TOKEN!r}, base_url=sys.argv[1]), signing_secret={SECRET!r},
          token_verification_enabled=False)

@app.command("/gift")
def gift(ack):
    ack()

waitress.serve(SlackRequestHandler(app), host="127.0.0.1", port=int(sys.argv[2]), _quiet=True)
"""


@dataclass(frozen=True)
class Figures:
    first_ack: float  # seconds from the process's start to its first 200
    pss_mb: float  # the process family's proportional set size, summed
    rss_mb: float  # the largest process's resident set
    processes: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _memory(pid: int) -> tuple[float, float, int]:
    """(summed PSS MB, largest RSS MB, processes) of `pid` and its descendants, from /proc."""
    pss = rss = 0.0
    family = _family(pid)
    for member in family:
        with suppress(OSError):
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                name, _, value = line.partition(":")
                if name == "Pss":
                    pss += int(value.split()[0]) / 1024
                elif name == "Rss":
                    rss = max(rss, int(value.split()[0]) / 1024)
    return pss, rss, len(family)


@contextmanager
def _started(command: list[str], env: dict[str, str], cwd: str) -> Iterator[subprocess.Popen]:
    log = Path(cwd) / "out.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=out)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _first_ack(process: subprocess.Popen, url: str, fake: FakeSlack, log: Path) -> float:
    started = time.perf_counter()
    deadline = started + 60
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited {process.returncode}:\n{log.read_text()}")
        body = slash_command_form(
            "/gift",
            "",
            "U0BENCH",
            trigger_id=fake.new_trigger_id(),
            response_url=fake.response_url(f"start-{time.monotonic_ns()}"),
        )
        try:
            status = post(url, body, SECRET, timeout=5)[0]
        except OSError:  # not listening yet
            status = 0
        if status == 200:
            return time.perf_counter() - started
        time.sleep(0.02)
    raise RuntimeError(f"no 200 within 60 s:\n{log.read_text()}")


def measure(
    which: str, fake: FakeSlack, database: str, idle: float, extra: dict[str, str]
) -> Figures:
    """One start of the bare app or of Nolan: its first ack, then its memory once idle."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("SLACK_APP_TOKEN", "TEAMS_APP_ID")}
    env["PYTHONPATH"] = str(REPO)
    if which == "bare":
        command = [sys.executable, "-c", BARE, fake.api_url, str(port)]
    else:
        command = [sys.executable, "-m", "bot"]
        env.update(
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.api_url,
            DATABASE_URL=database,
            HOST="127.0.0.1",
            PORT=str(port),
            LOG_LEVEL="WARNING",
            **extra,
        )
    with tempfile.TemporaryDirectory() as cwd, _started(command, env, cwd) as process:
        first = _first_ack(process, f"http://127.0.0.1:{port}{EVENTS}", fake, Path(cwd) / "out.log")
        time.sleep(idle)  # settle: the start-up's own work (Slack reached, the sweep's catch-up)
        pss, rss, count = _memory(process.pid)
    return Figures(first, pss, rss, count)


def _migrated(workdir: str) -> str:
    database = f"sqlite:///{workdir}/nolan.db"
    env = {**os.environ, "DATABASE_URL": database, "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        cwd=workdir,
        env=env,
        check=True,
        capture_output=True,
    )
    return database


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=3.0, help="seconds idle before memory")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    extra = dict(item.split("=", 1) for item in args.env)
    fake = FakeSlack().start()
    results: dict[str, list[Figures]] = {"bare": [], "nolan": []}
    try:
        with tempfile.TemporaryDirectory() as workdir:
            database = _migrated(workdir)
            for _ in range(args.runs):
                for which in results:
                    results[which].append(measure(which, fake, database, args.idle, extra))
    finally:
        fake.stop()
    settings = " ".join(args.env) or "defaults"
    print(
        f"{args.runs} runs each, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
        f"Nolan's settings: {settings}"
    )
    print("| app | processes | first ack s | idle PSS MB (all processes) | largest RSS MB |")
    print("|---|---|---|---|---|")
    med = {which: _medians(figures) for which, figures in results.items()}
    for which, (first, pss, rss, count) in med.items():
        print(f"| {which} | {count:.0f} | {first:.2f} | {pss:.0f} | {rss:.0f} |")
    bare, nolan = med["bare"], med["nolan"]
    print(
        f"Nolan/bare: first ack {nolan[0] / bare[0]:.1f}x, idle PSS {nolan[1] / bare[1]:.1f}x "
        "(target: within 2x each)"
    )
    return 0


def _medians(figures: list[Figures]) -> tuple[float, float, float, float]:
    return (
        statistics.median(f.first_ack for f in figures),
        statistics.median(f.pss_mb for f in figures),
        statistics.median(f.rss_mb for f in figures),
        statistics.median(f.processes for f in figures),
    )


if __name__ == "__main__":
    sys.exit(main())
