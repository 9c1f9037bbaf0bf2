"""The file-consent pieces on their own: the chunked upload to a OneDrive upload session (the
fake checks every range) and the file cards' shape as Microsoft documents it (the files
themselves: tests/bot/test_making.py)."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot import file_store
from bot.making import CouldNotMake
from bot.outbox import Queued
from bot.teams import file_consent, onedrive
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
    onedrive.upload(path, info["uploadUrl"])
    assert fake.onedrive.uploaded(info["uploadUrl"]) == data
    [session] = fake.onedrive.sessions.values()
    assert session.ranges == [
        (0, 3_276_799, 7_000_000),
        (3_276_800, 6_553_599, 7_000_000),
        (6_553_600, 6_999_999, 7_000_000),
    ]
    assert [c.status for c in fake.calls("upload")] == [202, 202, 201]


def test_an_upload_cut_short_goes_on_where_the_session_stopped(
    fake: FakeTeams, tmp_path: Path
) -> None:
    """A restart in the middle of an upload: the next drawing uploads again, from the first
    byte the session still expects (the fake refuses a range that starts anywhere else)."""
    data = os.urandom(7_000_000)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    info = fake.upload_session("big.csv")
    first = data[: onedrive.PIECE]
    headers = {"Content-Range": f"bytes 0-{onedrive.PIECE - 1}/{len(data)}"}
    assert httpx.put(info["uploadUrl"], content=first, headers=headers).status_code == 202
    onedrive.upload(path, info["uploadUrl"])
    assert fake.onedrive.uploaded(info["uploadUrl"]) == data
    [session] = fake.onedrive.sessions.values()
    assert [start for start, _end, _total in session.ranges] == [0, 3_276_800, 6_553_600]
    assert [c.status for c in fake.calls("upload_status")] == [200]


def test_a_refused_upload_is_an_upload_failure(fake: FakeTeams, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\r\n")
    info = fake.upload_session("a.csv")
    onedrive.upload(path, info["uploadUrl"])
    with pytest.raises(onedrive.UploadFailed, match="404"):  # the session has ended
        onedrive.upload(path, info["uploadUrl"])
    with pytest.raises(onedrive.UploadFailed, match="no upload address"):
        onedrive.upload(path, "http://onedrive.example/upload/1")  # http, not loopback


def test_a_session_gone_after_the_last_piece_went_before_a_restart_has_the_file(
    fake: FakeTeams,
) -> None:
    """The process before a restart sent the last piece, and stopped before it noted the
    answer: the session, ended by taking it, answers 404 to the next drawing's look, and the
    file is known to be there. A session gone otherwise (expired) is a failure."""
    for last_went in (True, False):
        token = file_store.new_token()
        with file_store.making(token, owner=7, filename="x.csv") as (target, _kept):
            target.write_bytes(b"a,b\r\n1,2\r\n")
        found = file_store.held(token)
        assert found is not None and file_store.take(found) is not None
        url = fake.upload_session("x.csv")["uploadUrl"]
        file_store.note_upload(token, {"upload_url": url, "name": "x.csv"})
        sent = file_store.sending(token)
        assert sent is not None
        marked = functools.partial(file_store.mark_last_piece, token)
        onedrive.upload(sent, url, last_piece=marked if last_went else lambda: None)
        if last_went:
            file_consent._upload(token)
            assert file_store.uploaded(token) is not None
        else:
            with pytest.raises(CouldNotMake, match="OneDrive answered 404"):
                file_consent._upload(token)
            assert file_store.uploaded(token) is None
        assert fake.onedrive.uploaded(url) == b"a,b\r\n1,2\r\n"  # sent once, not again


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
