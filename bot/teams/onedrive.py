"""Putting a file in an officer's OneDrive, through the upload session Teams gives a bot when
the officer allows a file (`fileConsent/invoke`'s uploadInfo.uploadUrl; Microsoft Graph,
"Upload large files with an upload session"): PUTs of byte ranges, each with its
Content-Range, no Authorization header (the session's URL is its own credential), from the
first byte the session says it still expects (a GET of the URL: "Resume an in-progress
upload")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from bot.platform import service_url
from bot.teams import tls

# OneDrive's upload sessions take ranges in multiples of 320 KiB; Teams' docs ask for pieces
# under 4 MB. Ten times 320 KiB: 3,276,800 bytes a PUT, read from disk one at a time.
PIECE = 10 * 320 * 1024
UPLOAD_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


class UploadFailed(Exception):
    """The upload session did not take the file."""


class SessionEnded(UploadFailed):
    """The upload session is gone (Graph answers 404): it took the file's last byte, or it
    expired or was cancelled."""


def check(url: str) -> None:
    """Raise UploadFailed for an address Nolan will not send a file to."""
    try:
        service_url(url)
    except ValueError as bad:
        raise UploadFailed("Teams gave no upload address Nolan can use") from bad


_uploads: list[httpx.Client] = []  # one client, made when the first file goes


def _http() -> httpx.Client:
    if not _uploads:
        _uploads.append(tls.client(timeout=UPLOAD_TIMEOUT, follow_redirects=False))
    return _uploads[0]


def upload(path: Path, url: str, *, last_piece: Callable[[], None] = lambda: None) -> None:
    """PUT the file to a OneDrive upload session, PIECE bytes at a time, each with its
    Content-Range (no Authorization header: the session's URL is its own credential), from
    where the session says it is: an upload a restart cut short goes on where it stopped.
    `last_piece` is called before the last PUT: if no answer comes to that one, the session
    may end by taking it (SessionEnded when the upload is resumed)."""
    check(url)
    size = path.stat().st_size
    if size == 0:
        raise UploadFailed("the file is empty")
    start = _next_expected(url, size)
    with path.open("rb") as fh:
        fh.seek(start)
        while start < size:
            piece = fh.read(PIECE)
            if not piece:
                raise UploadFailed("the file changed while it was sent")
            end = start + len(piece) - 1
            headers = {"Content-Range": f"bytes {start}-{end}/{size}"}
            last = end + 1 == size
            if last:
                last_piece()
            response = _call("PUT", url, content=piece, headers=headers)
            if response.status_code not in ((200, 201) if last else (202,)):
                raise UploadFailed(f"OneDrive answered {response.status_code}")
            start = end + 1


def _next_expected(url: str, size: int) -> int:
    """The first byte the session still expects (Graph: GET the upload URL, the start of its
    first nextExpectedRanges); 0 for a session that has taken none."""
    response = _call("GET", url)
    if response.status_code == 404:
        raise SessionEnded("OneDrive answered 404")
    if response.status_code != 200:
        raise UploadFailed(f"OneDrive answered {response.status_code}")
    try:
        ranges = response.json().get("nextExpectedRanges") or ["0-"]
        start = int(str(ranges[0]).split("-", 1)[0])
    except (ValueError, AttributeError, IndexError) as bad:
        raise UploadFailed("OneDrive's upload session said nothing Nolan could read") from bad
    if not 0 <= start < size or start % PIECE:
        raise UploadFailed(f"OneDrive expects byte {start} next, which Nolan did not send")
    return start


def _call(
    method: str, url: str, *, content: bytes | None = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    try:
        return _http().request(method, url, content=content, headers=headers)
    except httpx.HTTPError as exc:
        raise UploadFailed(f"OneDrive not reached: {type(exc).__name__}") from exc
