"""Several processes behind one port (HTTP_PROCESSES): one process runs Python on one core at
a time, so a larger machine serves a large force with several.

The parent binds HOST:PORT once, then forks the children; each serves the listening socket
with its own waitress server, database engine (made after the fork) and outbox worker (the
outbox's claims are conditional updates: of several workers on one database, one sends each
message), and the kernel hands each connection to one of them. Only the first child runs the
daily sweep's scheduler. The parent does nothing else: it forwards SIGTERM and SIGINT to the
children and waits for them, starts another in place of one that dies (logged), and exits 1
with one line if a child cannot start (a token Slack refuses, a database out of reach).

PostgreSQL only: SQLite takes one writer at a time, so more processes would only queue for
its lock (across processes, with no fairness); and Socket Mode's connection is one process's.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from typing import TextIO

from bot.serve import Share, cannot_listen, serve
from bot.settings import Settings
from storage.db import Database

log = logging.getLogger("nolan")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# A child that dies this soon after starting waits this long before the next (no hot loop).
QUICK_DEATH, RESTART_PAUSE = 10.0, 1.0
CRASHED = 70  # a child's exit status when serve() raised


def refusal(settings: Settings) -> str | None:
    """Why HTTP_PROCESSES cannot be honoured here, in one line; None if it can."""
    n = settings.http_processes
    if n <= 1:
        return None
    if not settings.database_url.startswith("postgres"):
        return (
            f"HTTP_PROCESSES={n} needs PostgreSQL: SQLite takes one writer at a time "
            "(set HTTP_PROCESSES=1, or DATABASE_URL to a PostgreSQL database)"
        )
    if settings.slack_app_token and not settings.teams_app_id:
        return (
            f"HTTP_PROCESSES={n} is for HTTP mode: Socket Mode runs in one process "
            "(set HTTP_PROCESSES=1, or unset SLACK_APP_TOKEN)"
        )
    return None


def bind(host: str, port: int) -> list[socket.socket]:
    """Listening sockets for host:port, as waitress would bind them (every address the host
    name gives); OSError if one cannot be bound."""
    from waitress.adjustments import Adjustments

    adjustments = Adjustments(host=host, port=port)
    bound: list[socket.socket] = []
    try:
        for family, kind, proto, address in adjustments.listen:
            sock = socket.socket(family, kind, proto)
            bound.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(adjustments.backlog)
    except OSError:
        for sock in bound:
            sock.close()
        raise
    return bound


@dataclass
class _Child:
    slot: int  # 1..N; slot 1 runs the sweep
    started: float
    serving: bool = False


class Supervisor:
    """The parent: starts the children, forwards stop signals, restarts the dead."""

    def __init__(self, settings: Settings, sockets: list[socket.socket], *, err: TextIO) -> None:
        self.settings, self.sockets, self.err = settings, sockets, err
        self.children: dict[int, _Child] = {}
        self.stopping = False
        # Children report "serving" or their one-line error here; the parent holds the
        # write end of `alive` only, so a child sees its parent gone (EOF) and stops.
        self._reports, self._report_to = os.pipe()
        os.set_blocking(self._reports, False)
        self._alive_r, self._alive_w = os.pipe()
        self._said: dict[int, list[str]] = {}

    def run(self) -> int:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._stop)
        for slot in range(1, self.settings.http_processes + 1):
            self._start(slot)
        failure: str | None = None
        while self.children:
            pid, status = os.wait()
            said = self._read(pid)  # before the pop: its "serving" may be unread yet
            child = self.children.pop(pid, None)
            if child is None:
                continue
            code = os.waitstatus_to_exitcode(status)
            if self.stopping:
                continue
            if said or not child.serving:
                failure = failure or (said[0] if said else self._died(child, pid, code))
                self._stop(signal.SIGTERM, None)
                continue
            log.warning("%s; starting another", self._died(child, pid, code))
            if time.monotonic() - child.started < QUICK_DEATH:
                time.sleep(RESTART_PAUSE)
            if not self.stopping:
                self._start(child.slot)
        for fd in (self._reports, self._report_to, self._alive_r, self._alive_w):
            os.close(fd)
        if failure:
            print(f"nolan: error: {failure}", file=self.err)
            return 1
        log.info("Stopped")
        return 0

    def _died(self, child: _Child, pid: int, code: int) -> str:
        how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
        when = "" if child.serving else " before serving"
        return f"server process {child.slot} (pid {pid}) stopped{when} ({how})"

    def _stop(self, _signum: int, _frame: object) -> None:
        self.stopping = True
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    def _read(self, pid: int) -> list[str]:
        """What the children have reported so far; the lines of `pid`'s error, if any."""
        chunks = []
        while True:
            try:
                chunk = os.read(self._reports, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        for line in b"".join(chunks).decode(errors="replace").splitlines():
            sender, _, what = line.partition(" ")
            if what == "serving" and int(sender) in self.children:
                self.children[int(sender)].serving = True
            elif what:
                self._said.setdefault(int(sender), []).append(what)
        return self._said.pop(pid, [])

    def _start(self, slot: int) -> None:
        # Signals wait until the child has its own handlers (the parent's would forward).
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:
                self._child(slot)  # never returns
            self.children[pid] = _Child(slot, time.monotonic())
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)

    def _child(self, slot: int) -> None:
        code = CRASHED
        try:
            for signum in STOP_SIGNALS:
                signal.signal(signum, signal.SIG_DFL)
            os.close(self._reports)
            os.close(self._alive_w)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
            code = _serve_child(self.settings, slot, self.sockets, self._report_to, self._alive_r)
        except BaseException:
            log.exception("Server process %d failed", slot)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)


def _serve_child(
    settings: Settings, slot: int, sockets: list[socket.socket], report_to: int, alive: int
) -> int:
    """One child: its own engine and runtime over the parent's sockets."""
    import io
    import threading

    pid = os.getpid()

    def report(what: str) -> None:
        os.write(report_to, f"{pid} {what}\n".encode())

    def watch_parent() -> None:
        os.read(alive, 1)  # returns only when the parent is gone
        log.warning("The parent process is gone; stopping")
        os.kill(pid, signal.SIGTERM)

    threading.Thread(target=watch_parent, name="nolan-parent", daemon=True).start()
    total = settings.http_processes
    log.info("Server process %d of %d started (pid %d)", slot, total, pid)
    db = Database(settings.database_url, threads=settings.request_threads)
    said = io.StringIO()
    try:
        share = Share(sockets, sweeps=slot == 1, serving=lambda: report("serving"))
        code = serve(settings, db, err=said, share=share)
    finally:
        db.dispose()
    for line in said.getvalue().splitlines():
        report(line.removeprefix("nolan: error: "))
    return code


def serve_processes(settings: Settings, db: Database, *, err: TextIO) -> int:
    """HTTP mode in HTTP_PROCESSES processes behind HOST:PORT (see the module's docstring).
    `db` has been migrated; the parent closes its connections before forking."""
    db.dispose()
    try:
        sockets = bind(settings.host, settings.port)
    except OSError as exc:
        return cannot_listen(settings, exc, err)
    # Each line says which process wrote it.
    for handler in logging.getLogger().handlers:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(process)d]: %(message)s")
        )
    log.info(
        "Serving with %d processes at %s:%s", settings.http_processes, settings.host, settings.port
    )
    try:
        return Supervisor(settings, sockets, err=err).run()
    finally:
        for sock in sockets:
            sock.close()
