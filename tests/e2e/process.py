"""`python -m bot` as an operator runs it: a real process, its output collected line by line."""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


# Ports handed to a process that binds them itself come from a range of this xdist worker's
# own, below the kernel's ephemeral range (32768-60999 by default). A port taken from the
# ephemeral range and released could be bound by another worker's in-process server (port 0)
# before the bot bound it, its requests then reaching the wrong bot; within its own range a
# worker runs one test at a time.
PORTS_PER_WORKER = 400
_next_port = itertools.count()


def free_port() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    base = 20000 + (int(worker) if worker.isdigit() else 0) % 30 * PORTS_PER_WORKER
    for _ in range(PORTS_PER_WORKER):
        port = base + next(_next_port) % PORTS_PER_WORKER
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))  # still held by an earlier test's process: skip it
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port in {base}-{base + PORTS_PER_WORKER - 1}")


def until(what: str, check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def gone(pid: int) -> bool:
    """Exited (a zombie counts: an orphan waits for whoever adopted it to reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


class Launched:
    """`python -m bot` started over the test's database as an operator starts it, its output
    in `workdir`/bot.log: the real-process half of a harness that also speaks to it as the
    platform does (Slack's NolanProcess, Teams' TeamsProcess). `env`: the test's settings."""

    workdir: Path
    env: dict[str, str]
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def launch(self, settings: dict[str, str], *, dropped: Callable[[str], bool]) -> None:
        """Start it with the platform's `settings` and the test's, from this environment less
        the names `dropped` says; return once /health answers."""
        self.port = free_port()
        environ = {k: v for k, v in os.environ.items() if not dropped(k)}
        environ.update(
            settings, HOST="127.0.0.1", PORT=str(self.port), PYTHONPATH=str(REPO), **self.env
        )
        log = (self.workdir / "bot.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=self.workdir, env=environ, stdout=log, stderr=log
        )
        until("the bot to serve", self._healthy)

    def _healthy(self) -> bool:
        assert self.process is not None and self.process.poll() is None, self.log()[-3000:]
        try:
            # Generous: on a loaded machine a healthy bot may take a second or two to answer.
            with urllib.request.urlopen(f"{self.url}/health", timeout=5) as response:
                return json.loads(response.read()) == {"status": "ok"}
        except OSError:
            return False

    def log(self) -> str:
        return (self.workdir / "bot.log").read_text(errors="replace")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def stopped_in_order(self, server: int, delivery: int) -> str:
        """SIGTERM, as systemd sends it: exit 0, the HTTP process `server` stopping before the
        delivery process (its requests may queue messages), both gone, no traceback; the log."""
        assert self.process is not None
        self.process.terminate()
        assert self.process.wait(timeout=30) == 0, self.log()
        self.process = None
        log = self.log()
        assert log.index(f"[{server}]: Stopping") < log.index(f"[{delivery}]: Stopping")
        assert gone(server) and gone(delivery)
        assert "Traceback" not in log
        return log


class Bot:
    """`python -m bot` as a process, its output collected line by line as it comes."""

    def __init__(self, tmp_path: Path, **env: str) -> None:
        environ = {
            k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SLACK_APP_TOKEN")
        }
        environ.update(
            SLACK_BOT_TOKEN="xoxb-process-token",
            SLACK_SIGNING_SECRET="process-secret",
            HOST="127.0.0.1",
            PYTHONPATH=str(REPO),
            **env,
        )
        self.port = int(environ.setdefault("PORT", str(free_port())))
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=tmp_path,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_until(self, what: str, ok: Callable[[], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not ok():
            assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{self.output()}"
            time.sleep(0.1)

    def health(self) -> tuple[int, dict[str, str]] | None:
        url = f"http://127.0.0.1:{self.port}/health"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
        except OSError:
            return None

    def exit_code(self, timeout: float = 30) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def stop(self) -> int:
        """SIGTERM, as systemd or docker stop sends it; the exit status."""
        if self.process.poll() is None:
            self.process.terminate()
        return self.exit_code(timeout=15)
