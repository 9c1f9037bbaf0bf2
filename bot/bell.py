"""The delivery process's bell (bot.delivery_process): how the HTTP processes reach it.

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
from typing import TYPE_CHECKING

from bot.ui.home_model import Pages
from bot.ui.payload import BadPayload, decode
from storage.touched import Touched

if TYPE_CHECKING:
    from bot.outbox import Worker
    from bot.runtime import Homes

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
