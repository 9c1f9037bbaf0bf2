"""Nolan's waitress server in a thread of the test process, stopped at once.

waitress notices a `close()` from another thread only at its loop's next poll (one second):
about a second of every end-to-end test's teardown. Closing from inside the loop (a trigger's
callback) wakes it, so it returns at once
(the tests' clients keep no connection open)."""

from __future__ import annotations

import contextlib
import threading
from typing import Any


class Serving:
    """`server` (from bot.server.make_server / make_teams_server) served in a daemon thread."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self.server.effective_port)

    def _run(self) -> None:
        # Closing pulls the socket out from under the poll: waitress may raise as it returns.
        with contextlib.suppress(OSError, ValueError):
            self.server.run()

    def stop(self) -> None:
        server = self.server
        with contextlib.suppress(OSError):  # the loop is gone already (its trigger closed)
            server.trigger.pull_trigger(server.close)
        self._thread.join(timeout=5)
        if self._thread.is_alive():  # the loop never ran the callback: close from here
            server.close()
            self._thread.join(timeout=5)

