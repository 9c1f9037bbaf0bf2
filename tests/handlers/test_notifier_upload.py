"""A register export's file reaches Slack streamed from disk (issue 10): the upload URL from
files.getUploadURLExternal gets the bytes as they are read, then files.completeUploadExternal
shares the file; the whole file is never held in memory."""

from __future__ import annotations

import hashlib
import os
import threading
import tracemalloc
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from slack_sdk import WebClient

from handlers.notifier import Notifier, UploadFailed
from tests.fakeslack import FakeSlack


def test_the_file_reaches_slack_whole(tmp_path: Path) -> None:
    data = os.urandom(1_500_000)
    path = tmp_path / "gifts-register-full.xlsx"
    path.write_bytes(data)
    with FakeSlack() as fake:
        notifier = Notifier(WebClient(token="xoxb-t", base_url=fake.api_url))
        notifier.upload_file("D123", path, filename=path.name, title="Gifts register")
        [upload] = fake.uploads()
        assert fake.problems == []
    assert upload.data == data
    assert (upload.channel_id, upload.filename, upload.title) == ("D123", path.name,
                                                                  "Gifts register")


class _Sink(BaseHTTPRequestHandler):
    """An upload URL that reads the body in small pieces and keeps only its digest."""

    protocol_version = "HTTP/1.1"
    digests: ClassVar[list[tuple[int, str]]] = []

    def do_POST(self) -> None:
        left = int(self.headers["Content-Length"])
        digest, size = hashlib.sha256(), 0
        while left:
            piece = self.rfile.read(min(left, 65536))
            digest.update(piece)
            size += len(piece)
            left -= len(piece)
        _Sink.digests.append((size, digest.hexdigest()))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"OK")

    def log_message(self, format: str, *args: Any) -> None:
        return


class _Client:
    """The two Web API calls, answered as Slack does, with the upload URL at the sink."""

    timeout, proxy, ssl = 30, None, None

    def __init__(self, upload_url: str) -> None:
        self.upload_url = upload_url
        self.asked: list[dict[str, Any]] = []
        self.completed: list[dict[str, Any]] = []

    def files_getUploadURLExternal(self, **args: Any) -> dict[str, Any]:
        self.asked.append(args)
        return {"ok": True, "upload_url": self.upload_url, "file_id": "F1"}

    def files_completeUploadExternal(self, **args: Any) -> dict[str, Any]:
        self.completed.append(args)
        return {"ok": True}


@pytest.fixture
def sink() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/upload/F1"
    server.shutdown()
    server.server_close()


def test_the_file_is_streamed_never_read_whole(tmp_path: Path, sink: str) -> None:
    path = tmp_path / "big.csv"
    digest = hashlib.sha256()
    with path.open("wb") as fh:
        for _ in range(40):  # 40 MB, written a piece at a time
            piece = os.urandom(1_000_000)
            digest.update(piece)
            fh.write(piece)
    client = _Client(sink)
    notifier = Notifier(client)  # type: ignore[arg-type]
    tracemalloc.start()
    try:
        notifier.upload_file("D1", path, filename="big.csv", title="Big")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert _Sink.digests[-1] == (40_000_000, digest.hexdigest())
    assert client.asked == [{"filename": "big.csv", "length": 40_000_000}]
    assert client.completed == [{"files": [{"id": "F1", "title": "Big"}], "channel_id": "D1"}]
    assert peak < 4_000_000, f"{peak} bytes at the peak for a 40 MB file"


def test_an_upload_url_that_refuses_the_bytes_is_an_upload_failure(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\r\n")
    with FakeSlack() as fake:
        notifier = Notifier(_Client(f"{fake.base_url}/upload/F404"))  # type: ignore[arg-type]
        with pytest.raises(UploadFailed):
            notifier.upload_file("D1", path, filename="a.csv", title="A")
