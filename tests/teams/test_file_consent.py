"""The file-consent pieces on their own: the chunked upload to a OneDrive upload session (the
fake checks every range), the directory files wait in and its sweep, and the file cards'
shape as Microsoft documents it."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.outbox import Queued, SendFailed
from bot.teams import file_consent, file_store
from tests.faketeams import FakeTeams
from tests.faketeams.onedrive import CONSENT_TYPE, INFO_TYPE, file_card_problems


@pytest.fixture
def fake() -> Iterator[FakeTeams]:
    with FakeTeams() as server:
        yield server
        server.assert_clean()


@pytest.fixture(autouse=True)
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "files"
    monkeypatch.setattr(file_store, "_root", where)
    return where


def test_a_large_file_goes_in_ranges_under_4_mb(fake: FakeTeams, tmp_path: Path) -> None:
    data = os.urandom(7_000_000)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    info = fake.upload_session("big.csv")
    file_consent.upload(path, info["uploadUrl"])
    assert fake.onedrive.uploaded(info["uploadUrl"]) == data
    [session] = fake.onedrive.sessions.values()
    assert session.ranges == [
        (0, 3_276_799, 7_000_000),
        (3_276_800, 6_553_599, 7_000_000),
        (6_553_600, 6_999_999, 7_000_000),
    ]
    assert [c.status for c in fake.calls("upload")] == [202, 202, 201]


def test_a_refused_upload_is_an_upload_failure(fake: FakeTeams, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\r\n")
    info = fake.upload_session("a.csv")
    file_consent.upload(path, info["uploadUrl"])
    with pytest.raises(file_consent.UploadFailed, match="404"):  # the session has ended
        file_consent.upload(path, info["uploadUrl"])
    with pytest.raises(file_consent.UploadFailed, match="no upload address"):
        file_consent.upload(path, "http://onedrive.example/upload/1")  # http, not loopback


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
    # After a restart (bot.teams.adapter configures and sweeps) the same holds.
    assert file_store.sweep(now=time.time() + file_store.HOLD + 60) == 1
    assert not any(root.iterdir())


def settled(token: str, make: Any) -> file_store.Held | str:
    """What `prepared` gives once the file is made or has failed (the outbox's retries)."""
    deadline = time.monotonic() + 10
    while True:
        try:
            return file_consent.prepared(token, make)
        except SendFailed as waiting:
            assert waiting.retry_after == file_consent.MAKING_RETRY
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
            file_consent.prepared(token, make)
    go.set()
    found = settled(token, make)
    assert isinstance(found, file_store.Held) and found.owner == 3
    assert calls == [f"file-{token[:8]}"]


def test_a_file_that_could_not_be_made_is_said_and_cleared(root: Path) -> None:
    token = file_store.new_token()

    def make() -> None:
        with file_store.making(token, owner=3, filename="x.csv") as (target, _):
            target.write_bytes(b"half")
            raise file_consent.CouldNotMake("The registers could not be read.")

    assert settled(token, make) == "The registers could not be read."
    assert not any(root.iterdir())


def consent(**changes: Any) -> dict[str, Any]:
    card = {
        "contentType": CONSENT_TYPE,
        "name": "gifts.csv",
        "content": {"description": "Gifts", "sizeInBytes": 12, "acceptContext": {"file": "a"},
                    "declineContext": {"file": "a"}},
    }
    card["content"].update(changes)
    return card


def test_the_file_cards_are_checked_by_what_microsoft_documents(tmp_path: Path) -> None:
    held = file_store.Held("0" * 32, tmp_path / "gifts.csv", 1, {})
    held.path.write_bytes(b"a,b\r\n1,2\r\n")
    offer = Queued(7, "export_file", "staff:3", "staff:3", {"file": held.token})
    drawn = file_consent.consent(held, offer, text="Here it is.", description="Gifts")
    [sent] = drawn.activity()["attachments"]
    assert file_card_problems(sent) == []
    # Its contexts name the file and the outbox message the card is (replaced once answered).
    context = {"file": held.token, "card": 7}
    assert sent["content"]["acceptContext"] == sent["content"]["declineContext"] == context
    assert sent["content"]["sizeInBytes"] == 10
    assert file_card_problems(consent()) == []
    assert file_card_problems(consent(sizeInBytes="12"))
    assert file_card_problems(consent(extra=1))
    no_size = consent()
    del no_size["content"]["sizeInBytes"]
    assert file_card_problems(no_size)
    info = {"contentType": INFO_TYPE, "contentUrl": "https://contoso.sharepoint.com/a.csv",
            "name": "a.csv", "content": {"uniqueId": "1150D938", "fileType": "csv"}}
    assert file_card_problems(info) == []
    assert file_card_problems({**info, "content": {"uniqueId": "1150D938"}})
    assert file_card_problems({**info, "contentType": "application/vnd.microsoft.card.hero"})
