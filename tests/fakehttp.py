"""What every fake service of the tests shares: served over real HTTP on 127.0.0.1 by a daemon
thread, recording calls under a condition that tests wait on."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import weakref
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar

T = TypeVar("T")


class FakeHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: Any  # the LocalHTTPFake it serves; handlers reach it as self.server.fake

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accepted = 0  # connections, kept alive or not
        self._open: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._open_lock = threading.Lock()

    def get_request(self) -> tuple[socket.socket, Any]:
        """No Nagle: a handler writes its headers and its body apart, and on a kept-alive
        connection (httpx's) the body then waited for the client's delayed ACK, 40 ms a call
        that the real services do not take."""
        conn, address = super().get_request()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._open_lock:
            self.accepted += 1
            self._open.add(conn)
        return conn, address

    def drop_connections(self) -> None:
        """Close the connections clients keep alive, as a service that goes down does: the
        handler threads would otherwise go on answering on them after stop()."""
        with self._open_lock:
            kept = list(self._open)
        for conn in kept:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class Startable:
    """A fake that is started and stopped, usable as `with Fake() as fake:`."""

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class LocalHTTPFake(Startable):
    """Start/stop and base URL of a fake; a subclass names its request `handler` class."""

    handler: ClassVar[type[BaseHTTPRequestHandler]]

    def __init__(self) -> None:
        self._cond = threading.Condition()  # guards the subclass's recorded state
        self._httpd: FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self, port: int = 0) -> Self:
        """Serve on `port` (0: any free one; a given one, to bring a service "back" at an
        address the bot was already trying)."""
        self._httpd = FakeHTTPServer(("127.0.0.1", port), self.handler)
        self._httpd.fake = self
        # The poll interval is how long stop() waits for the loop to notice: once a test.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    @property
    def connections(self) -> int:
        """How many connections clients have opened to this fake since it started."""
        return self._httpd.accepted if self._httpd is not None else 0

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd.drop_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def _wait_until(
        self, find: Callable[[], tuple[T | None, int]], timeout: float,
        failure: Callable[[int], str],
    ) -> T:
        """Wait until `find` (called under the lock) returns a match; on timeout fail with
        `failure(matches found so far)`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found, seen = find()
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(failure(seen))
                self._cond.wait(min(remaining, 0.05))


def safe(predicate: Callable[[T], Any], item: T) -> bool:
    """A predicate that raises (e.g. KeyError on a call without that arg) counts as no match."""
    try:
        return bool(predicate(item))
    except (KeyError, IndexError, TypeError, AttributeError):
        return False
