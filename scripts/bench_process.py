"""Nolan as an operator runs it, for the benchmarks: `python -m bot` with HTTP_PROCESSES=N in
processes of its own (not sharing this one's interpreter with the load and the fake Slack), the
delivery process beside them as `settings` say (DELIVERY_PROCESS)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from bench_latency import Result

from bot.server import EVENTS_PATH
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]


class Served(str):
    """The events URL of Nolan's processes, and the CPU they have used so far (`cpu()`)."""

    pid: int

    def cpu(self) -> float:
        """Seconds of CPU (user and system, every thread) used by the bot's process and its
        children (HTTP_PROCESSES, the delivery process), from /proc; 0.0 where there is no
        /proc."""
        return sum(_cpu_of(pid) for pid in _family(self.pid))


def _family(pid: int) -> list[int]:
    pids, i = [pid], 0
    while i < len(pids):
        for task in Path(f"/proc/{pids[i]}/task").glob("*/children"):
            with suppress(OSError):
                pids += [int(child) for child in task.read_text().split()]
        i += 1
    return pids


def _cpu_of(pid: int, reaped: bool = False) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # utime and stime: the 14th and 15th fields, the 12th and 13th after the name; cutime and
    # cstime after them (children that have exited and been waited for).
    used = int(fields[11]) + int(fields[12])
    if reaped:
        used += int(fields[13]) + int(fields[14])
    return used / os.sysconf("SC_CLK_TCK")


def postgres_cpu() -> float:
    """Seconds of CPU used by this machine's PostgreSQL server processes (the postmaster with
    the backends it has reaped, and those running), from /proc; 0.0 where there is none."""
    used = 0.0
    for comm in Path("/proc").glob("[0-9]*/comm"):
        with suppress(OSError):
            if comm.read_text().strip() == "postgres":
                used += _cpu_of(int(comm.parent.name), reaped=True)
    return used


def machine_cpu() -> float:
    """Seconds of CPU every core of this machine has spent busy (all processes, the kernel's
    interrupts included), from /proc/stat; 0.0 where there is no /proc."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = (int(f) for f in first[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def cpu_now(on_postgres: bool) -> tuple[float, float | None]:
    """The machine's CPU so far, and PostgreSQL's when the app runs on it, for `record_cpu`."""
    return machine_cpu(), postgres_cpu() if on_postgres else None


def record_cpu(result: Result, before: tuple[float, float | None], count: int) -> None:
    """The machine's CPU and PostgreSQL's an action since `before`, in `result`. What the run
    waits for afterwards (a quiet second, the Home refreshes merged) is in it too: a few ms,
    shared over every action."""
    machine, database = before
    result.machine_cpu_ms = (machine_cpu() - machine) * 1000 / count
    if database is not None:
        result.db_cpu_ms = (postgres_cpu() - database) * 1000 / count


@contextmanager
def bot_processes(settings: Settings, processes: int, timeout: float = 120) -> Iterator[Served]:
    """`python -m bot` serving `settings`' Slack in `processes` processes, until the block ends;
    its events URL once every process has reached Slack (the delivery process too)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("SLACK_APP_TOKEN", "TEAMS_APP_ID")}
    env.update(
        SLACK_BOT_TOKEN=settings.slack_bot_token,
        SLACK_SIGNING_SECRET=settings.slack_signing_secret,
        SLACK_API_URL=settings.slack_api_url,
        DATABASE_URL=settings.database_url,
        HTTP_THREADS=str(settings.http_threads),
        HTTP_PROCESSES=str(processes),
        DELIVERY_PROCESS="1" if settings.delivery_process else "0",
        HOST="127.0.0.1",
        PORT=str(port),
        LOG_LEVEL="INFO",
        PYTHONPATH=str(REPO),
    )
    with tempfile.TemporaryDirectory() as workdir:  # no .env there
        log = Path(workdir) / "bot.log"
        with log.open("wb") as out:
            bot = subprocess.Popen(
                [sys.executable, "-m", "bot"], cwd=workdir, env=env, stdout=out, stderr=out
            )
        try:
            deadline = time.monotonic() + timeout
            every = processes + settings.delivery_process
            while len(re.findall(r"Slack reached", log.read_text(errors="replace"))) < every:
                if bot.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"python -m bot did not start:\n{log.read_text()}")
                time.sleep(0.2)
            served = Served(f"http://127.0.0.1:{port}{EVENTS_PATH}")
            served.pid = bot.pid
            yield served
        finally:
            bot.terminate()
            bot.wait(timeout=60)
