"""Nolan as an operator runs it, for the benchmarks: `python -m bot` with HTTP_PROCESSES=N in
processes of its own (not sharing this one's interpreter with the load and the fake Slack)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.server import EVENTS_PATH
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def bot_processes(settings: Settings, processes: int, timeout: float = 120) -> Iterator[str]:
    """`python -m bot` serving `settings`' Slack in `processes` processes, until the block ends;
    its events URL once every process has reached Slack."""
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
            while len(re.findall(r"Slack reached", log.read_text(errors="replace"))) < processes:
                if bot.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"python -m bot did not start:\n{log.read_text()}")
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}{EVENTS_PATH}"
        finally:
            bot.terminate()
            bot.wait(timeout=60)
