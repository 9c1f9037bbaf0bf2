"""Files an officer asks for in chat (a register export, the annual report), made off the
request and off the outbox, on any platform.

The request owes one outbox message carrying a fresh token (bot.file_store.new_token) and
is answered at once: committed before the ack, the file is not lost if the bot stops after
it. The platform's drawer for that message calls `made`: the first drawing starts the file
on a thread of its own and asks the outbox to draw again shortly (a register of a million
rows takes minutes, and neither the request nor the outbox's other messages wait for it);
once it is made, the drawer sends it (Slack: uploaded to the DM; Teams: the file-consent
card). One process makes each file (bot.file_store.claim); after a crash the next drawing
makes it afresh.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot import file_store
from bot.outbox import Queued, SendFailed, queue, to_staff
from bot.settings import Settings
from storage.db import Database

log = logging.getLogger(__name__)
T = TypeVar("T")

MAKING_RETRY = 1.0  # seconds before the outbox looks again for a file being made
SOMETHING_WENT_WRONG = (
    "Nolan could not make the file: something went wrong on the server. Please try again "
    "later; if it keeps happening, tell an admin."
)


@dataclass
class _Context:
    db: Database | None = None
    settings: Settings | None = None


_context = _Context()


def configure(db: Database, settings: Settings) -> None:
    """The database and settings the files are made with (bot.runtime: drawers get neither),
    and the start-up sweep of files a restart left behind."""
    _context.db, _context.settings = db, settings
    file_store.sweep()


def database() -> Database:
    assert _context.db is not None, "bot.making.configure was not called"
    return _context.db


def settings() -> Settings:
    assert _context.settings is not None, "bot.making.configure was not called"
    return _context.settings


class CouldNotMake(Exception):
    """The file could not be made; the message says why, for the officer."""


_making: set[str] = set()
_making_lock = threading.Lock()


def prepared(token: str, make: Callable[[], None]) -> file_store.Held | str:
    """The file for `token`, made by `make` (which writes it with file_store.making) on a
    thread of its own, once: made, the file; failed, why. Until it is made, SendFailed asks
    the outbox to draw the message again shortly."""
    return in_background(
        token, make, finished=lambda: file_store.held(token), waiting="the file is being written"
    )


def in_background(
    token: str, work: Callable[[], None], *, finished: Callable[[], T | None], waiting: str
) -> T | str:
    """`finished()` once `work` — on a thread of its own, in one process at a time (the
    file's claim) — has done what it does with `token`'s file; why, if it failed (raising
    CouldNotMake, or anything else); until then SendFailed(`waiting`), asking the outbox to
    draw the message again shortly. After a crash the next drawing runs `work` afresh."""
    with _making_lock:
        found = finished()
        if found is not None:
            return found
        why = file_store.failure(token)
        if why is not None:  # kept until it has been said (`delivered`): a retry says it too
            return why
        if token not in _making:
            held = file_store.claim(token)  # None: another process is at it
            if held is not None:
                _making.add(token)
                threading.Thread(
                    target=_make, args=(token, work, held), name=f"file-{token[:8]}", daemon=True
                ).start()
    raise SendFailed(waiting, retry_after=MAKING_RETRY)


def owe_file(db: Database, card: str, *, officer_id: int, **payload: Any) -> None:
    """The file `card` draws, owed to the officer through the outbox with a fresh token and
    committed, before their request is answered."""
    with db.session() as session:
        recipient = to_staff(officer_id)
        queue(
            session,
            card,
            subject=recipient,
            recipient=recipient,
            file=file_store.new_token(),
            **payload,
        )
        session.commit()


def made(message: Queued, make: Callable[[str, int], None]) -> file_store.Held | str | None:
    """The file that `message` (an outbox message with the request's `file` token, to a
    member of staff) delivers, made by `make(token, officer)` (`prepared`); if it could not
    be made, why; None for a recipient who is not a member of staff."""
    staff_id = message.recipient.removeprefix("staff:")
    if not staff_id.isdigit():
        return None
    token = str(message.payload["file"])
    return prepared(token, lambda: make(token, int(staff_id)))


def delivered(message: Queued, *, file_waits: bool = False) -> None:
    """Once `message` is sent (its card's after-hook): its slot cleared, the file with it
    unless it waits for the officer (`file_waits`: Teams' consent); a failure once said."""
    token = str(message.payload.get("file") or "")
    if not file_waits or file_store.failure(token) is not None:
        file_store.discard(token)


def _make(token: str, make: Callable[[], None], held: int) -> None:
    try:
        make()
    except CouldNotMake as failed:
        file_store.fail(token, str(failed))
    except Exception:
        log.exception("Making the file %s", token)
        file_store.fail(token, SOMETHING_WENT_WRONG)
    finally:
        file_store.release(held)
        with _making_lock:
            _making.discard(token)
