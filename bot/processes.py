"""Several processes behind one port: HTTP_PROCESSES to serve requests (one process runs
Python on one core at a time, so a larger machine serves a large force with several) and, with
DELIVERY_PROCESS (the default), one delivery process beside them (bot.delivery_process).

    python -m bot (the parent: binds HOST:PORT, forks, supervises; nothing else)
    ├── HTTP process 1 … HTTP_PROCESSES: requests on the bound socket
    └── the delivery process: the outbox's delivery worker and the daily sweep's scheduler

The parent binds HOST:PORT once, then forks the children; each HTTP process serves the
listening socket with its own waitress server and database engine (made after the fork), and
the kernel hands each connection to one of them. With the delivery process, the HTTP processes
run no delivery worker and no sweep: a commit that queued a message rings the delivery
process's bell (a pipe made before the fork). With DELIVERY_PROCESS=0, each HTTP process runs
its own outbox worker (the outbox's claims are conditional updates: of several workers on one
database, one sends each message) and only the first runs the sweep's scheduler.

The parent forwards SIGTERM and SIGINT — to the HTTP processes first (they finish their
requests, which may queue messages), then, once they are gone, to the delivery process (it
finishes the message in hand) — and waits for them; starts another in place of one that dies
(logged; a new delivery process first puts back the claims of the one that died); and exits 1
with one line if a child cannot start (a token Slack refuses, a database out of reach).

Several HTTP processes need PostgreSQL: SQLite takes one writer at a time, so more would only
queue for its lock (across processes, with no fairness); one HTTP process and the delivery
process share it (WAL: their writers queue). Socket Mode's connection is one process's: it
runs as one process, the worker and sweep inside.
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
from datetime import datetime
from typing import TextIO

from bot.bell import Doorbell
from bot.collector import settle
from bot.delivery_process import deliver
from bot.serve import Share, cannot_listen, serve
from bot.settings import Settings
from storage import touched
from storage.db import Database
from storage.types import utcnow

log = logging.getLogger("nolan")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# A child that dies this soon after starting waits this long before the next (no hot loop).
QUICK_DEATH, RESTART_PAUSE = 10.0, 1.0
CRASHED = 70  # a child's exit status when serve() raised
DELIVERY = 0  # the delivery process's slot; the HTTP processes' are 1..HTTP_PROCESSES


def supervised(settings: Settings) -> bool:
    """Whether `python -m bot` serves through the parent here: several HTTP processes, or HTTP
    mode with its delivery process."""
    socket_mode = bool(settings.slack_app_token) and not settings.teams_app_id
    return settings.http_processes > 1 or (settings.delivery_process and not socket_mode)


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
    slot: int  # DELIVERY, or 1..N (without a delivery process, slot 1 runs the sweep)
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
        # The delivery process's bell: kept open here, so a ring while it restarts waits.
        self._bell_r, self._bell_w = os.pipe() if settings.delivery_process else (-1, -1)
        if settings.delivery_process:
            os.set_blocking(self._bell_w, False)

    def run(self) -> int:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._stop)
        first = DELIVERY if self.settings.delivery_process else 1
        for slot in range(first, self.settings.http_processes + 1):
            self._start(slot)
        settle()  # the children were forked with the collector off; each settles once started
        failure: str | None = None
        while self.children:
            pid, status = os.wait()
            said = self._read(pid)  # before the pop: its "serving" may be unread yet
            child = self.children.pop(pid, None)
            if child is None:
                continue
            code = os.waitstatus_to_exitcode(status)
            if self.stopping:
                self._stop(signal.SIGTERM, None)  # the delivery process, once alone
                continue
            if said or not child.serving:
                failure = failure or (said[0] if said else self._died(child, pid, code))
                self._stop(signal.SIGTERM, None)
                continue
            log.warning("%s; starting another", self._died(child, pid, code))
            if time.monotonic() - child.started < QUICK_DEATH:
                time.sleep(RESTART_PAUSE)
            if not self.stopping:
                self._start(child.slot, died_at=utcnow())
        for fd in (self._reports, self._report_to, self._alive_r, self._alive_w):
            os.close(fd)
        if self.settings.delivery_process:
            os.close(self._bell_r)
            os.close(self._bell_w)
        if failure:
            print(f"nolan: error: {failure}", file=self.err)
            return 1
        log.info("Stopped")
        return 0

    def _died(self, child: _Child, pid: int, code: int) -> str:
        how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
        when = "" if child.serving else " before serving"
        which = "delivery process" if child.slot == DELIVERY else f"server process {child.slot}"
        return f"{which} (pid {pid}) stopped{when} ({how})"

    def _stop(self, _signum: int, _frame: object) -> None:
        """The HTTP processes first (their last requests may queue messages), the delivery
        process once they are gone."""
        self.stopping = True
        serving = [pid for pid, child in self.children.items() if child.slot != DELIVERY]
        for pid in serving or list(self.children):
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

    def _start(self, slot: int, *, died_at: datetime | None = None) -> None:
        # Signals wait until the child has its own handlers (the parent's would forward).
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:
                self._child(slot, died_at)  # never returns
            self.children[pid] = _Child(slot, time.monotonic())
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)

    def _child(self, slot: int, died_at: datetime | None) -> None:
        code = CRASHED
        try:
            for signum in STOP_SIGNALS:
                signal.signal(signum, signal.SIG_DFL)
            os.close(self._reports)
            os.close(self._alive_w)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
            bell = self._bell_w
            if slot == DELIVERY:  # it serves no request, and hears the bell
                for sock in self.sockets:
                    sock.close()
                os.close(self._bell_w)
                bell = self._bell_r
            elif self.settings.delivery_process:
                os.close(self._bell_r)
            code = _serve_child(
                self.settings, slot, self.sockets, self._report_to, self._alive_r, bell, died_at
            )
        except KeyboardInterrupt:  # stopped while starting (another could not start)
            code = 0
        except BaseException:
            log.exception("Process %d (slot %d) failed", os.getpid(), slot)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)


def _serve_child(
    settings: Settings,
    slot: int,
    sockets: list[socket.socket],
    report_to: int,
    alive: int,
    bell: int,
    died_at: datetime | None,
) -> int:
    """One child, with its own engine and runtime: an HTTP process over the parent's sockets
    (ringing `bell` when the delivery process runs), or the delivery process (hearing it)."""
    import io
    import threading

    pid = os.getpid()

    def report(what: str) -> None:
        with contextlib.suppress(BrokenPipeError):  # the parent gone: watch_parent stops us
            os.write(report_to, f"{pid} {what}\n".encode())

    def watch_parent() -> None:
        os.read(alive, 1)  # returns only when the parent is gone
        log.warning("The parent process is gone; stopping")
        os.kill(pid, signal.SIGTERM)

    threading.Thread(target=watch_parent, name="nolan-parent", daemon=True).start()
    db = Database(settings.database_url, threads=settings.request_threads)
    said = io.StringIO()
    delivery = settings.delivery_process
    try:
        if slot == DELIVERY:
            log.info("Delivery process started (pid %d)", pid)
            code = deliver(
                settings, db, bell=bell, serving=lambda: report("serving"), err=said,
                retake_before=died_at,
            )
        else:
            log.info("Server process %d of %d started (pid %d)", slot, settings.http_processes, pid)
            doorbell = Doorbell(bell) if delivery else None
            if doorbell is not None:
                touched.subscribe(db, doorbell)  # held weakly: kept by this frame
            share = Share(
                sockets, sweeps=slot == 1 and not delivery, serving=lambda: report("serving"),
                bell=doorbell,
            )
            code = serve(settings, db, err=said, share=share)
    finally:
        db.dispose()
    for line in said.getvalue().splitlines():
        report(line.removeprefix("nolan: error: "))
    return code


def serve_processes(settings: Settings, db: Database, *, err: TextIO) -> int:
    """HTTP mode in HTTP_PROCESSES processes behind HOST:PORT, with the delivery process
    beside them (see the module's docstring). `db` has been migrated; the parent closes its
    connections before forking."""
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
    beside = " and the delivery process" if settings.delivery_process else ""
    log.info(
        "Serving with %d HTTP processes%s at %s:%s",
        settings.http_processes, beside, settings.host, settings.port,
    )
    try:
        return Supervisor(settings, sockets, err=err).run()
    finally:
        for sock in sockets:
            sock.close()
