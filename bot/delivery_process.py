"""The delivery process (DELIVERY_PROCESS, on by default): in HTTP mode, the outbox's delivery
worker and the daily sweep's scheduler run in one process of their own beside the HTTP
processes (bot.processes), which then run neither.

Why: acks no longer share one interpreter (one core at a time) with drawing and sending
messages; one worker keeps the platform's pace (bot.pacing), so Teams' limit per tenant holds
however many HTTP processes there are; and one process publishes the Home refreshes, so the
Slack end's digest of the Home it last published (handlers.home.publish) is valid.

Waking: the parent makes a pipe before forking (the bell). In each HTTP process a commit that
queued a message (storage.touched) writes an empty line to it without blocking (`Doorbell`; a
full pipe means the worker is already due to wake); the delivery process reads it on a thread
and wakes its worker, whose poll (bot.outbox.SWEEP_EVERY) remains the fallback. The parent
keeps both ends, so what is written while a delivery process restarts wakes the next one.

A Home shown at once in an HTTP process (the tab opened, a page turned) goes down the same
pipe as a line "shown KEY DIGEST PAGES" (bot.usecases.homes.Shown), so that the refreshes the
delivery process draws keep the person at their pages, and on Slack skip the Home they see.
One line is one write of less than PIPE_BUF bytes: whole, whoever else writes; dropped when the
pipe is full (a refresh then shows the first pages, as after a restart).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from bot.outbox import Worker
from bot.runtime import Homes, Runtime
from bot.serve import Sweep, check_slack, interrupt_once, stoppable_sleep, wait_for_slack
from bot.settings import Settings
from bot.slack_client import SlackFailure
from bot.ui.home_model import Pages
from bot.ui.payload import BadPayload, decode
from storage import outbox
from storage.db import Database
from storage.touched import Touched

log = logging.getLogger("nolan")


class Doorbell:
    """A storage.touched.Watcher in an HTTP process: a commit that queued a message rings the
    delivery process's bell (`fd`: the pipe's write end, non-blocking); and `shown` tells it
    of a Home shown here."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def touched(self, touched: Touched) -> None:
        if touched.queued:
            self._write(b"\n")

    def settle(self) -> None:
        """Nothing deferred: the delivery process sends."""

    def shown(self, key: str, pages: Pages, digest: bytes | None) -> None:
        self._write(f"shown {key} {digest.hex() if digest else '-'} {pages.encode()}\n".encode())

    def _write(self, line: bytes) -> None:
        """Never waiting: a full pipe already holds a wake-up, and with the parent gone (no
        reader) this process stops anyway."""
        with contextlib.suppress(BlockingIOError, BrokenPipeError):
            os.write(self.fd, line)


def answer(fd: int, worker: Worker, homes: Homes) -> None:
    """The delivery process's ear, on a thread of its own: wakes the worker at each ring, and
    tells the Homes what another process showed."""
    rest = b""
    while chunk := os.read(fd, 65536):
        *lines, rest = (rest + chunk).split(b"\n")
        for line in lines:
            if line.startswith(b"shown "):
                _shown(homes, line.decode(errors="replace"))
        worker.wake()


def _shown(homes: Homes, line: str) -> None:
    try:
        _, key, digest, pages = line.split(" ", 3)
        homes.shown(key, decode(Pages, pages), None if digest == "-" else bytes.fromhex(digest))
    except (ValueError, BadPayload):
        log.warning("Not understood on the delivery process's bell: %r", line[:200])


def deliver(
    settings: Settings,
    db: Database,
    *,
    bell: int,
    serving: Callable[[], None],
    err: TextIO,
    retake_before: datetime | None = None,
) -> int:
    """The delivery process until SIGTERM or Ctrl-C: the worker sends at once (what an
    earlier process left unsent too); the sweep starts once Slack is reached (its catch-up
    run sends DMs; a token Slack refuses: one line, exit 1), on Teams at once. Stopping
    finishes the message in hand. `retake_before`: this process replaces one that died
    then, whose claims are put back at once rather than left to go stale (STALE_CLAIM)."""
    runtime = Runtime.build(settings, db=db)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, interrupt_once)
    if retake_before is not None:
        with db.session() as session:
            released = outbox.release(session, claimed_before=retake_before)
            session.commit()
        if released:
            log.info("Put back %d messages the stopped delivery process had in hand", released)
    homes = runtime.attach_homes()  # watched weakly: kept while delivering
    worker = runtime.outbox.start()
    listen = threading.Thread(target=answer, args=(bell, worker, homes), name="nolan-bell")
    listen.daemon = True
    listen.start()
    sweep = Sweep(runtime)
    try:
        serving()
        if runtime.teams is None:
            wait_for_slack(lambda: check_slack(settings), sleep=stoppable_sleep)
            log.info("Slack reached at %s by the delivery process", settings.slack_api_url)
        sweep.start()
        threading.Event().wait()
    except SlackFailure as failure:
        print(f"nolan: error: {failure.line}", file=err)
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):  # stopping already: nothing to break into
            signal.signal(signum, signal.SIG_IGN)
        log.info("Stopping")
        sweep.stop()
        worker.stop()
        if runtime.teams is not None:
            runtime.teams.http.close()
    return 0
