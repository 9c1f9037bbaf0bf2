"""Closing Socket Mode ends, whenever the stop comes (bot.server.close_socket_handler)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from bot.server import close_socket_handler, make_socket_handler
from tests.fakeslack import FakeSlack, FakeSocketModeServer


class LateSessionThread(logging.Logger):
    """slack_sdk's session thread, held where a busy machine may hold it: past its look at
    whether the connection is open, before it marks the session running, until close()
    has closed that connection."""

    def __init__(self) -> None:
        super().__init__("late-session-thread")
        self.held = threading.Event()
        self.closed = threading.Event()

    def info(self, msg: object, *args: Any, **kwargs: Any) -> None:
        if str(msg).startswith("The connection has been closed"):
            self.closed.set()
        elif str(msg).startswith("Starting to receive messages"):
            self.held.set()
            self.closed.wait(timeout=20)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def socket_server() -> Iterator[FakeSocketModeServer]:
    server = FakeSocketModeServer().start()
    yield server
    server.stop()


def test_a_stop_as_the_session_thread_starts_still_closes(
    fake: FakeSlack, socket_server: FakeSocketModeServer
) -> None:
    fake.socket_url = socket_server.url
    logger = LateSessionThread()
    app = App(
        client=WebClient(token="xoxb-test", base_url=fake.api_url),
        signing_secret="secret",
        token_verification_enabled=False,
        logger=logger,
    )
    runner = make_socket_handler(app, "xapp-test")
    runner.connect()
    socket_server.wait_connected()
    assert logger.held.wait(timeout=15)
    closing = threading.Thread(target=close_socket_handler, args=(runner,), daemon=True)
    closing.start()
    closing.join(timeout=15)
    assert not closing.is_alive(), "close() waits on a session thread that never ends"
    assert not runner.client.current_session_runner.is_alive()
