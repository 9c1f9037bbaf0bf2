"""Files made for an officer (register exports, the annual report) between the request and
their delivery (Slack: uploaded to the DM; Teams: sent once the officer allows it): each in
its own directory under one root, named by a random token that the outbox message (and on
Teams the file-consent card) carries, with who it is for beside it.

A file is removed once delivered or declined; one never answered, or left by a restart, goes
when the root is swept: at start-up (bot.making.configure) and before each new file is made,
everything older than HOLD. Full registers hold personal data: the root and its files are
readable by Nolan's user only.

One process makes each file: its maker holds an exclusive lock on the directory's `.maker`
(`claim`), which the kernel lets go if the process dies, so another process's outbox worker
drawing the same message meanwhile waits rather than making it twice, and after a crash the
next one to draw it makes it afresh.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

HOLD = 24 * 3600.0  # seconds a file waits for its consent before it is swept
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_META = ".held.json"
_SENDING = ".sending"  # the file, once taken for upload (a second press finds nothing)
_FAILED = ".failed"  # why the file could not be made, for the officer
_MAKER = ".maker"  # locked by the process making the file (claim), or sending it
_UPLOAD = ".upload.json"  # where the officer allowed it to go (Teams: the upload session)
_UPLOADED = ".uploaded"  # it is there
_LAST_PIECE = ".last_piece"  # its last piece has been sent (an answer may not have come)


def default_root() -> Path:
    return Path(tempfile.gettempdir()) / "nolan-files"


_root = default_root()


def configure(root: Path) -> None:
    """Where the files wait (tests give their own)."""
    global _root
    _root = root


def root() -> Path:
    return _root


def new_token() -> str:
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Held:
    """A file made, waiting to be delivered."""

    token: str
    path: Path
    owner: int  # the staff id of the officer it was made for
    detail: dict[str, object]  # what its maker noted (rows, …)

    @property
    def name(self) -> str:
        return self.path.name


def _dir(token: str) -> Path | None:
    return _root / token if _TOKEN.match(token) else None


@contextmanager
def making(
    token: str, *, owner: int, filename: str
) -> Iterator[tuple[Path, dict[str, object]]]:
    """Where to write the file for `token`, and a dict the block fills with what to keep
    beside it (its row count: a second drawing says the same). On failure nothing is left."""
    where = _dir(token)
    if where is None or "/" in filename or filename.startswith("."):
        raise ValueError(f"bad file slot {token!r} {filename!r}")
    sweep()
    _root.mkdir(mode=0o700, parents=True, exist_ok=True)
    where.mkdir(mode=0o700, exist_ok=True)
    detail: dict[str, object] = {}
    try:
        yield where / filename, detail
        meta = {"owner": owner, "name": filename, "detail": detail}
        _write(where / _META, json.dumps(meta, default=str))
    except BaseException:
        _empty(where)
        raise


def _write(path: Path, text: str) -> None:
    """Write `path` whole or not at all: another thread or process reading it (the outbox
    drawing the message) never sees it half written."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    partial.write_text(text)
    os.replace(partial, path)


def _empty(where: Path) -> None:
    """Everything in `where` but the maker's lock, which its holder lets go (with no lock,
    `where` itself)."""
    if not (where / _MAKER).exists():
        shutil.rmtree(where, ignore_errors=True)
        return
    with suppress(FileNotFoundError):
        for entry in where.iterdir():
            if entry.name == _MAKER:
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with suppress(OSError):
                    entry.unlink()


def claim(token: str) -> int | None:
    """Take the making of `token`'s file: an open descriptor holding the lock (close it when
    done: `release`), or None if another process is making it now."""
    where = _dir(token)
    if where is None:
        raise ValueError(f"bad file slot {token!r}")
    _root.mkdir(mode=0o700, parents=True, exist_ok=True)
    where.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(where / _MAKER, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def release(fd: int) -> None:
    os.close(fd)  # the lock goes with it


def held(token: str) -> Held | None:
    """The file made for `token`, if it is still here and complete."""
    where = _dir(token)
    if where is None:
        return None
    try:
        meta = json.loads((where / _META).read_text())
        path = where / str(meta["name"])
        if not path.is_file():
            return None
        return Held(token, path, int(meta["owner"]), dict(meta.get("detail") or {}))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def take(found: Held) -> Path | None:
    """Take the file to send it: only one press gets it (None: already taken)."""
    sending = found.path.with_name(_SENDING)
    try:
        os.rename(found.path, sending)
    except OSError:
        return None
    return sending


def sending(token: str) -> Path | None:
    """The file taken to be sent (`take`), while it is still here."""
    where = _dir(token)
    path = where / _SENDING if where is not None else None
    return path if path is not None and path.is_file() else None


def note_upload(token: str, where_to: dict[str, str]) -> None:
    """Keep where the file is to go (an upload session's address is its own credential: it
    stays beside the file, readable by Nolan's user only, not in the database)."""
    where = _dir(token)
    if where is None:
        raise ValueError(f"bad file slot {token!r}")
    _write(where / _UPLOAD, json.dumps(where_to))


def upload_of(token: str) -> dict[str, str] | None:
    """What `note_upload` kept; None if nothing was (or the file has gone)."""
    where = _dir(token)
    try:
        found = json.loads((where / _UPLOAD).read_text()) if where is not None else None
    except (OSError, ValueError):
        return None
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else None


def _mark(token: str, marker: str) -> None:
    where = _dir(token)
    if where is not None:
        (where / marker).touch()


def _marked(token: str, marker: str) -> bool:
    where = _dir(token)
    return where is not None and (where / marker).exists()


def mark_uploaded(token: str) -> None:
    _mark(token, _UPLOADED)


def mark_last_piece(token: str) -> None:
    _mark(token, _LAST_PIECE)


def last_piece_sent(token: str) -> bool:
    """Whether the file's last piece was sent (`mark_last_piece`), answered or not."""
    return _marked(token, _LAST_PIECE)


def uploaded(token: str) -> dict[str, str] | None:
    """Where the file went, once it is there (`mark_uploaded`)."""
    return upload_of(token) if _marked(token, _UPLOADED) else None


def give_back(found: Held) -> None:
    """Undo `take` (and `note_upload`): the file waits again for the officer's answer."""
    with suppress(OSError):
        os.rename(found.path.with_name(_SENDING), found.path)
    with suppress(OSError):
        (found.path.parent / _UPLOAD).unlink()


def fail(token: str, why: str) -> None:
    """Keep why the file for `token` could not be made (its drawer tells the officer)."""
    where = _dir(token)
    if where is not None:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write(where / _FAILED, why)


def failure(token: str) -> str | None:
    where = _dir(token)
    try:
        return (where / _FAILED).read_text() if where is not None else None
    except OSError:
        return None


def discard(token: str) -> None:
    where = _dir(token)
    if where is not None:
        shutil.rmtree(where, ignore_errors=True)


def sweep(now: float | None = None) -> int:
    """Remove every file older than HOLD; how many went."""
    cutoff = (time.time() if now is None else now) - HOLD
    gone = 0
    with suppress(FileNotFoundError):
        for entry in _root.iterdir():
            with suppress(OSError):
                if entry.stat().st_mtime < cutoff:
                    if entry.is_dir():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink()
                    gone += 1
    return gone
