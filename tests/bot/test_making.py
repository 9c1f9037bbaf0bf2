"""Files made for an officer off the request (bot.making, bot.file_store): the directory
they wait in and its sweep, the making on a thread of its own, once, and in one process of
several."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from bot import file_store, making
from bot.outbox import Queued, SendFailed


@pytest.fixture(autouse=True)
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "files"
    monkeypatch.setattr(file_store, "_root", where)
    return where


def test_a_file_waits_once_and_goes_when_taken_or_discarded(root: Path) -> None:
    token = file_store.new_token()
    with file_store.making(token, owner=7, filename="x.csv") as (target, kept):
        target.write_text("a\r\n")
        kept["rows"] = 0
    found = file_store.held(token)
    assert found is not None and found.owner == 7 and found.detail == {"rows": 0}
    taken = file_store.take(found)
    assert taken is not None and taken.read_bytes() == b"a\r\n"
    assert file_store.take(found) is None and file_store.held(token) is None  # taken once
    file_store.discard(token)
    assert not any(root.iterdir())


def test_a_file_taken_for_upload_keeps_where_it_goes_until_given_back_or_done(
    root: Path,
) -> None:
    token = file_store.new_token()
    with file_store.making(token, owner=7, filename="x.csv") as (target, _kept):
        target.write_text("a\r\n")
    found = file_store.held(token)
    assert found is not None and file_store.take(found) is not None
    file_store.note_upload(token, {"upload_url": "https://x.example/up/1", "name": "x.csv"})
    assert file_store.sending(token) is not None and file_store.uploaded(token) is None
    file_store.give_back(found)  # the upload could not be owed: Allow may be pressed again
    assert file_store.held(token) == found and file_store.upload_of(token) is None
    assert file_store.take(found) is not None
    file_store.note_upload(token, {"upload_url": "https://x.example/up/2", "name": "x.csv"})
    file_store.mark_uploaded(token)
    assert file_store.uploaded(token) == {"upload_url": "https://x.example/up/2", "name": "x.csv"}
    file_store.discard(token)
    assert file_store.upload_of(token) is None and not any(root.iterdir())


def test_work_in_the_background_is_waited_for_then_its_result_or_why(root: Path) -> None:
    done: dict[str, str] = {}
    go = threading.Event()
    started: list[int] = []

    def work() -> None:
        started.append(1)
        go.wait(5)
        done["it"] = "there"

    token = file_store.new_token()
    with pytest.raises(SendFailed, match="on its way"):
        making.in_background(token, work, finished=lambda: done.get("it"), waiting="on its way")
    with pytest.raises(SendFailed):  # the work is not started twice
        making.in_background(token, work, finished=lambda: done.get("it"), waiting="on its way")
    go.set()
    deadline = time.monotonic() + 5
    while "it" not in done and time.monotonic() < deadline:
        time.sleep(0.01)
    assert making.in_background(token, work, finished=lambda: done.get("it"), waiting="") == "there"
    assert started == [1]

    def refused() -> None:
        raise making.CouldNotMake("OneDrive answered 404")

    other = file_store.new_token()
    with pytest.raises(SendFailed):
        making.in_background(other, refused, finished=lambda: None, waiting="on its way")
    deadline = time.monotonic() + 5
    while file_store.failure(other) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert making.in_background(other, refused, finished=lambda: None, waiting="") == (
        "OneDrive answered 404"
    )


def test_a_file_that_failed_leaves_nothing(root: Path) -> None:
    token = file_store.new_token()
    with pytest.raises(OSError), file_store.making(token, owner=1, filename="x.csv") as (
        target, _
    ):
        target.write_text("half")
        raise OSError("disk full")
    assert file_store.held(token) is None and not any(root.iterdir())


def test_tokens_and_names_cannot_leave_the_directory(root: Path) -> None:
    assert file_store.held("../../etc") is None
    with pytest.raises(ValueError), file_store.making("../x", owner=1, filename="a.csv"):
        pass
    with pytest.raises(ValueError), file_store.making(
        file_store.new_token(), owner=1, filename="../a.csv"
    ):
        pass


def test_the_sweep_removes_what_waited_too_long(root: Path) -> None:
    old, new = file_store.new_token(), file_store.new_token()
    for token in (old, new):
        with file_store.making(token, owner=1, filename="x.csv") as (target, _):
            target.write_text("a")
    long_ago = time.time() - file_store.HOLD - 60
    os.utime(root / old, (long_ago, long_ago))
    assert file_store.sweep() == 1
    assert file_store.held(old) is None and file_store.held(new) is not None
    # After a restart (bot.making.configure sweeps) the same holds.
    assert file_store.sweep(now=time.time() + file_store.HOLD + 60) == 1
    assert not any(root.iterdir())


def settled(token: str, make: Any) -> file_store.Held | str:
    """What `prepared` gives once the file is made or has failed (the outbox's retries)."""
    deadline = time.monotonic() + 10
    while True:
        try:
            return making.prepared(token, make)
        except SendFailed as waiting:
            assert waiting.retry_after == making.MAKING_RETRY
            assert time.monotonic() < deadline, "never made"
            time.sleep(0.02)


def test_a_file_is_made_once_on_a_thread_of_its_own(root: Path) -> None:
    token, calls, go = file_store.new_token(), [], threading.Event()

    def make() -> None:
        calls.append(threading.current_thread().name)
        assert go.wait(10)
        with file_store.making(token, owner=3, filename="x.csv") as (target, kept):
            target.write_bytes(b"a\r\n")
            kept["rows"] = 0

    for _ in range(3):  # the outbox draws again while it is being made: no second making
        with pytest.raises(SendFailed):
            making.prepared(token, make)
    go.set()
    found = settled(token, make)
    assert isinstance(found, file_store.Held) and found.owner == 3
    assert calls == [f"file-{token[:8]}"]


def offer(token: str) -> Queued:
    return Queued(7, "export_file", "staff:3", "staff:3", {"file": token})


def test_a_file_that_could_not_be_made_is_said_until_sent_then_cleared(root: Path) -> None:
    token, calls = file_store.new_token(), []

    def make() -> None:
        calls.append(1)
        with file_store.making(token, owner=3, filename="x.csv") as (target, _):
            target.write_bytes(b"half")
            raise making.CouldNotMake("The registers could not be read.")

    assert settled(token, make) == "The registers could not be read."
    # The message that says so failed to go: its retry says the same, and makes nothing.
    assert making.prepared(token, make) == "The registers could not be read."
    assert calls == [1] and not (root / token / "x.csv").exists()
    making.delivered(offer(token))
    assert not any(root.iterdir())


def test_a_file_that_waits_for_its_officer_is_kept_when_its_card_is_sent(root: Path) -> None:
    made, failed = file_store.new_token(), file_store.new_token()
    with file_store.making(made, owner=3, filename="x.csv") as (target, _):
        target.write_bytes(b"a\r\n")
    file_store.fail(failed, "The registers could not be read.")
    making.delivered(offer(made), file_waits=True)
    making.delivered(offer(failed), file_waits=True)
    assert file_store.held(made) is not None  # waits for the officer's Allow
    assert not (root / failed).exists()  # said: nothing to keep


HOLDER = """
import sys
from pathlib import Path
from bot import file_store
file_store.configure(Path(sys.argv[1]))
print(file_store.claim(sys.argv[2]) is not None, flush=True)
sys.stdin.read()
"""


def test_one_process_makes_the_file_and_a_dead_ones_is_made_afresh(root: Path) -> None:
    """Another process's outbox worker drawing the same message (PostgreSQL, a worker per
    HTTP process) waits for the maker; if the maker dies, the next drawing makes it."""
    token, calls = file_store.new_token(), []

    def make() -> None:
        calls.append(1)
        with file_store.making(token, owner=3, filename="x.csv") as (target, _):
            target.write_bytes(b"a\r\n")

    other = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root), token],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "True"
        for _ in range(3):
            with pytest.raises(SendFailed):
                making.prepared(token, make)
        assert calls == [] and file_store.claim(token) is None
    finally:
        other.kill()  # dies without finishing: the kernel lets its lock go
        other.wait()
    found = settled(token, make)
    assert isinstance(found, file_store.Held) and calls == [1]
