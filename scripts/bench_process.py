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


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # utime and stime: the 14th and 15th fields, the 12th and 13th after the name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
