"""What every fake served over HTTP shares (tests/fakehttp.py)."""

from __future__ import annotations

import socket
from http.server import BaseHTTPRequestHandler

from tests.fakehttp import FakeHTTPServer


def test_a_fake_answers_without_nagle() -> None:
    # Its handlers write headers and body apart: with Nagle, on a kept-alive connection, the
    # body waited for the client's delayed ACK (44 ms a call, which real services do not take).
    server = FakeHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    try:
        with socket.create_connection(server.server_address[:2]):
            accepted, _ = server.get_request()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        server.server_close()
