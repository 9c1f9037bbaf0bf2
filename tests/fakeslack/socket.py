"""A fake Socket Mode WebSocket endpoint (what apps.connections.open's URL points at).

Works with slack_sdk's builtin SocketModeClient, which speaks plain ws:// to any port but
443 and pings right after the handshake; the websockets server answers pings with pongs
itself (echoing the payload the client checks), and the client pongs our keepalive pings.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from tests.fakehttp import Startable

from .server import APP_ID

ENVELOPE_TYPES = frozenset({"slash_commands", "interactive", "events_api"})


class FakeSocketModeServer(Startable):
    """Accepts Socket Mode connections, sends envelopes, and collects the client's acks."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []  # every JSON message the client sent
        self._cond = threading.Condition()
        self._acks: dict[str, dict[str, Any]] = {}
        self._connections: list[ServerConnection] = []
        self._connects = 0
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeSocketModeServer:
        # ping_interval: keepalive pings like Slack's; the builtin client answers with pongs.
        self._server = serve(self._handle, "127.0.0.1", 0, ping_interval=10, compression=None)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSocketModeServer is not started")
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link"

    @property
    def connection_count(self) -> int:
        """Total connections accepted so far (reconnects included)."""
        with self._cond:
            return self._connects

    def wait_connected(self, timeout: float = 15.0, count: int = 1) -> None:
        """Wait until `count` connections (in total) have been greeted with hello."""
        self._wait(lambda: self._connects >= count and bool(self._live()), timeout, "connection")

    def send_envelope(
        self, type_: str, payload: dict[str, Any], *, accepts_response_payload: bool = True
    ) -> str:
        """Deliver `payload` to the newest live connection; returns its envelope_id."""
        if type_ not in ENVELOPE_TYPES:
            raise ValueError(f"envelope type must be one of {sorted(ENVELOPE_TYPES)}")
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": type_,
            "accepts_response_payload": accepts_response_payload,
        }
        if type_ == "events_api":
            envelope.update(retry_attempt=0, retry_reason="")
        self._newest().send(json.dumps(envelope))
        return envelope_id

    def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """Slack's warning before it drops a connection; the client should reconnect."""
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "fake"}}
        self._newest().send(json.dumps(message))

    def wait_ack(self, envelope_id: str, timeout: float = 15.0) -> dict[str, Any]:
        """The client's ack for `envelope_id`: {"envelope_id": ..., "payload"?: ...}."""
        self._wait(lambda: envelope_id in self._acks, timeout, f"ack of {envelope_id}")
        with self._cond:
            return self._acks[envelope_id]

    def _live(self) -> list[ServerConnection]:
        return [c for c in self._connections if c.close_code is None]

    def _newest(self) -> ServerConnection:
        with self._cond:
            live = self._live()
        if not live:
            raise AssertionError("no live Socket Mode connection (call wait_connected first)")
        return live[-1]

    def _wait(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not ready():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {what}; "
                        f"received: {self.received!r}"
                    )
                self._cond.wait(min(remaining, 0.05))

    def _handle(self, connection: ServerConnection) -> None:
        hello = {
            "type": "hello",
            "num_connections": 1,
            "debug_info": {
                "host": "applink-fake",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": APP_ID},
        }
        connection.send(json.dumps(hello))
        with self._cond:
            self._connections.append(connection)
            self._connects += 1
            self._cond.notify_all()
        try:
            for raw in connection:
                message = json.loads(raw)
                with self._cond:
                    self.received.append(message)
                    if isinstance(message, dict) and "envelope_id" in message:
                        self._acks[message["envelope_id"]] = message
                    self._cond.notify_all()
        except ConnectionClosed:
            pass  # the client went away; reconnects arrive as new connections
        finally:
            with self._cond:
                self._cond.notify_all()
