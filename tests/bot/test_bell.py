"""The delivery process's bell (bot.bell): what an HTTP process writes down the pipe
reaches the delivery process whole — a wake-up for its worker, and each Home shown at once, so
that the refreshes it draws keep the person's pages and (Slack) skip the Home they see. The
processes themselves: tests/e2e/test_delivery_process.py."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.bell import Doorbell, answer
from bot.runtime import Homes
from bot.settings import Settings
from bot.teams import home_flow
from bot.ui.home_model import Pages
from handlers.home.publish import SlackHomes
from storage.touched import Touched
from tests.handlers.test_home_refresh import Rig, gift, person, rig, unseen_change

__all__ = ["rig"]  # the fixture


@pytest.fixture
def pipe() -> Iterator[tuple[int, int]]:
    read, write = os.pipe()
    os.set_blocking(write, False)
    yield read, write
    for fd in (read, write):
        with contextlib.suppress(OSError):  # closed by the test already
            os.close(fd)


def hear(rig: Rig, pipe: tuple[int, int]) -> None:
    """The delivery process reads everything rung so far (to the end: the write end closed)."""
    read, write = pipe
    os.close(write)
    answer(read, rig.worker, Homes(refresher=rig.refresher, slack=rig.homes))


def test_a_home_published_in_an_http_process_is_drawn_at_its_pages_by_the_delivery_process(
    rig: Rig, pipe: tuple[int, int]
) -> None:
    alice = person(rig.db, "UALICE", "Alice")
    for n in range(25):
        gift(rig.db, alice, f"Giver {n}")
    rig.refresher.settle()
    rig.worker.run_once()  # the delivery process's end (rig.homes) publishes the newest first
    front = SlackHomes(rig.db, rig.published, Settings())  # type: ignore[arg-type]
    front.told = Doorbell(pipe[1]).shown  # the HTTP process's end: it draws no refresh
    assert front.publish("UALICE", Pages(mine=2))  # pressed "More" twice, in the HTTP process
    hear(rig, pipe)

    unseen_change(rig, alice)  # the Home shown is the HTTP process's: the same, not published
    assert rig.worker.run_once() == 1
    assert len(rig.homes_of("UALICE")) == 2
    gift(rig.db, alice, "Giver 25")
    rig.refresher.settle()
    assert rig.worker.run_once() == 1
    latest = rig.homes_of("UALICE")[-1]
    assert "GH-00005" in latest and "GH-00026" not in latest  # still the third page


def test_a_commit_that_queued_a_message_rings(pipe: tuple[int, int]) -> None:
    bell = Doorbell(pipe[1])
    bell.touched(Touched(staff_ids={1}))  # a change that queued nothing: no ring
    bell.touched(Touched(queued=True))
    os.close(pipe[1])
    assert os.read(pipe[0], 100) == b"\n"


@dataclass
class Ear:
    """Stands in for the worker: counts its wake-ups."""

    woken: int = 0

    def wake(self) -> None:
        self.woken += 1


def test_a_ring_wakes_the_worker(rig: Rig, pipe: tuple[int, int]) -> None:
    os.write(pipe[1], b"\n")
    os.close(pipe[1])
    ear = Ear()
    answer(pipe[0], ear, Homes(refresher=rig.refresher, slack=rig.homes))  # type: ignore[arg-type]
    assert ear.woken == 1


def test_a_full_bell_is_not_waited_for(pipe: tuple[int, int]) -> None:
    for size in (4096, 1):  # fill the pipe
        with contextlib.suppress(BlockingIOError):
            while True:
                os.write(pipe[1], b"\n" * size)
    bell = Doorbell(pipe[1])
    bell.touched(Touched(queued=True))  # returns: the worker is due to wake already
    bell.shown("UALICE", Pages(mine=1), b"\x00" * 16)


def test_a_line_not_understood_is_logged_and_the_rest_heard(
    rig: Rig, pipe: tuple[int, int], caplog: pytest.LogCaptureFixture
) -> None:
    os.write(pipe[1], b"shown UALICE zz {}\nshown UBOB - {\"mine\": 1}\n")
    hear(rig, pipe)
    assert "Not understood on the delivery process's bell" in caplog.text
    assert rig.homes._pages["UBOB"] == Pages(mine=1)


def test_teams_pages_turned_in_an_http_process_are_told_and_kept_by_the_delivery_process() -> None:
    told: list[tuple[str, Pages, bytes | None]] = []
    home_flow.tell(lambda key, pages, digest: told.append((key, pages, digest)))
    try:
        home_flow._homes.remember(7, Pages(mine=2))  # a page turned in the HTTP process
        assert told == [("7", Pages(mine=2), None)]
    finally:
        home_flow.tell(None)
    home_flow.shown(8, Pages(waiting=1))  # heard in the delivery process: kept, not told on
    assert home_flow._homes.pages(8) == Pages(waiting=1)
    assert len(told) == 1
