"""A fake OneDrive upload session, as Teams hands a bot one in `fileConsent/invoke`'s
uploadInfo.uploadUrl, and the shapes Microsoft documents for the file cards a bot sends.

The session takes PUTs of byte ranges (Microsoft Graph, "Upload large files with an upload
session"): each with `Content-Range: bytes START-END/TOTAL` and a body of exactly that many
bytes; ranges in order with no gap or overlap; every range but the last a multiple of 320 KiB;
under 4 MB each (Teams' docs for bots); no Authorization header (the URL is the credential).
It answers 202 with nextExpectedRanges until the last byte, then 201 with the driveItem; a
GET answers the ranges it still expects, for an upload to resume.
Held under FakeTeams' lock.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

Reply = tuple[int, dict[str, str], Any]


def error(status: int, message: str, code: str) -> Reply:
    """Microsoft Graph's error body."""
    return status, {}, {"error": {"code": code, "message": message}}

FRAGMENT = 320 * 1024
MAX_RANGE = 4 * 1000 * 1000
_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")

CONSENT_TYPE = "application/vnd.microsoft.teams.card.file.consent"
INFO_TYPE = "application/vnd.microsoft.teams.card.file.info"


@dataclass
class Session:
    id: str
    name: str
    data: bytearray = field(default_factory=bytearray)
    ranges: list[tuple[int, int, int]] = field(default_factory=list)  # start, end, total
    done: bool = False

    def upload_info(self, base_url: str) -> dict[str, Any]:
        """What Teams puts in the invoke's value.uploadInfo."""
        kind = self.name.rsplit(".", 1)[-1]
        return {
            "contentUrl": f"https://contoso.sharepoint.com/personal/mo/Documents/Applications/"
                          f"{self.name}",
            "name": self.name,
            "uploadUrl": f"{base_url}/onedrive/upload/{self.id}",
            "uniqueId": f"1150D938-8870-4044-9F2C-{int(self.id):012d}",
            "fileType": kind,
        }


class OneDrive:
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        self.sessions: dict[str, Session] = {}
        self._open = threading.Event()  # cleared: the PUTs wait, as a large file's upload
        self._open.set()

    def hold(self) -> None:
        """Take no range until `release`."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def wait_until_open(self) -> None:
        """Called by the server before a PUT, outside its lock."""
        self._open.wait(timeout=30)

    def open(self, name: str) -> Session:
        session = Session(str(len(self.sessions) + 1), name)
        self.sessions[session.id] = session
        return session

    def uploaded(self, upload_url: str) -> bytes | None:
        """The bytes a session took, once complete (None: not, or not all)."""
        found = self.sessions[upload_url.rsplit("/", 1)[-1]]
        return bytes(found.data) if found.done else None

    def status(self, session_id: str) -> Reply:
        """GET on the session's URL: the ranges it still expects (Graph's "resume an upload");
        404 once it has ended."""
        session = self.sessions.get(session_id)
        if session is None or session.done:
            return error(404, "The upload session was not found or has ended.", "itemNotFound")
        return 200, {}, {"expirationDateTime": "2026-12-07T09:00:00Z",
                         "nextExpectedRanges": [f"{len(session.data)}-"]}

    def put(self, session_id: str, headers: dict[str, str], raw: bytes) -> Reply:
        session = self.sessions.get(session_id)
        if session is None or session.done:
            return error(404, "The upload session was not found or has ended.", "itemNotFound")
        if "authorization" in headers:
            return self._bad(session, "an upload session's URL takes no Authorization header")
        match = _RANGE.match(headers.get("content-range", ""))
        if match is None:
            return self._bad(session, f"Content-Range {headers.get('content-range')!r}")
        start, end, total = (int(g) for g in match.groups())
        size = end - start + 1
        if start != len(session.data):
            return self._bad(session, f"range starts at {start}, expected {len(session.data)}")
        if size != len(raw) or size <= 0:
            return self._bad(session, f"range of {size} bytes with a body of {len(raw)}")
        if size >= MAX_RANGE:
            return self._bad(session, f"a range of {size} bytes: over 4 MB")
        if session.ranges and session.ranges[-1][2] != total:
            return self._bad(session, "the total changed between ranges")
        last = end + 1 == total
        if not last and size % FRAGMENT:
            return self._bad(session, f"a range of {size} bytes: not a multiple of 320 KiB")
        if end >= total:
            return self._bad(session, f"range past the total {total}")
        session.data += raw
        session.ranges.append((start, end, total))
        if not last:
            return 202, {}, {"expirationDateTime": "2026-12-07T09:00:00Z",
                             "nextExpectedRanges": [f"{end + 1}-"]}
        session.done = True
        return 201, {}, {"id": f"01ITEM{session.id}", "name": session.name, "size": total,
                         "file": {}}

    def _bad(self, session: Session, problem: str) -> Reply:
        self.problems.append(f"upload session {session.id}: {problem}")
        return error(400, problem, "invalidRequest")


def file_card_problems(attachment: dict[str, Any]) -> list[str]:
    """What is wrong with a file consent or file info attachment, by Microsoft's docs ("Send
    and receive files using bot"): exactly the documented keys, of the documented types."""
    kind = attachment.get("contentType")
    content = attachment.get("content")
    problems: list[str] = []
    if not isinstance(attachment.get("name"), str) or not attachment["name"]:
        problems.append("the attachment has no file name")
    if not isinstance(content, dict):
        return [*problems, "content must be an object"]
    if kind == CONSENT_TYPE:
        expected = {"description", "sizeInBytes", "acceptContext", "declineContext"}
        if set(attachment) != {"contentType", "name", "content"}:
            problems.append(f"consent attachment keys {sorted(attachment)}")
        if set(content) != expected:
            problems.append(f"consent content keys {sorted(content)}, expected {sorted(expected)}")
        if not isinstance(content.get("description"), str):
            problems.append("description must be text")
        size = content.get("sizeInBytes")
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            problems.append(f"sizeInBytes must be a positive whole number: {size!r}")
    elif kind == INFO_TYPE:
        if set(attachment) != {"contentType", "contentUrl", "name", "content"}:
            problems.append(f"file info attachment keys {sorted(attachment)}")
        if not str(attachment.get("contentUrl", "")).startswith("https://"):
            problems.append("contentUrl must be the file's https:// address")
        if set(content) != {"uniqueId", "fileType"} or not all(
            isinstance(v, str) and v for v in content.values()
        ):
            problems.append(f"file info content {content}: uniqueId and fileType, as text")
    else:
        problems.append(f"not a file card: {kind!r}")
    return problems
