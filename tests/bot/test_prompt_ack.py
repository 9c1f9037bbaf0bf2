"""The request's thread waits for its listener's ack (bot.app.SettlingExecutor) instead of
looking for it every 10 ms as Bolt's runner does."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future

import pytest

from bot.app import SettlingExecutor
from handlers.context import KeptAck, handed_over
from storage.db import Database

LATE = 0.2  # how long the listeners below take: far longer than submit takes to return


@pytest.fixture
def executor(db: Database) -> Iterator[SettlingExecutor]:
    pool = SettlingExecutor(db, max_workers=2)
    yield pool
    pool.shutdown(wait=True)


def test_submit_returns_once_the_listener_has_acked(executor: SettlingExecutor) -> None:
    ack = KeptAck()  # made on this thread, as the request's middleware makes it
    carried_on = threading.Event()

    def listener() -> None:
        carried_on.wait(LATE)
        ack()
        carried_on.wait(5)  # the work after the ack

    future = executor.submit(listener)
    assert ack.response is not None and ack.response.status == 200
    assert not future.done()  # it did not wait for the work after the ack
    carried_on.set()
    future.result(5)


def test_submit_returns_when_the_listener_ends_without_acking(
    executor: SettlingExecutor,
) -> None:
    ack = KeptAck()
    future = executor.submit(threading.Event().wait, LATE)
    assert future.done() and ack.response is None


def test_only_the_request_threads_own_ack_is_waited_for(executor: SettlingExecutor) -> None:
    KeptAck()
    assert handed_over() is not None and handed_over() is None  # taken once
    elsewhere: Future[KeptAck] = Future()
    threading.Thread(target=lambda: elsewhere.set_result(KeptAck())).start()
    gate = threading.Event()
    future = executor.submit(gate.wait, 5)  # no ack made on this thread: no wait
    assert not future.done() and elsewhere.result(5).response is None
    gate.set()
    future.result(5)
