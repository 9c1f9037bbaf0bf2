"""Form submissions taken, by the view's id and hash: a replay of one is recognised and
records nothing (issue 10). Claimed in a short transaction of its own, ahead of the flow's:
`claim`'s, or the caller's with `claim_in` (Slack's: the one that also reads who submitted).

The table stays bounded without a DELETE on every submission: a process clears the claims
past the replay window at most once every `PURGE_EVERY` (at a submission, by the clock it is
given), so it holds the submissions of about `KEPT` plus that. A claim past the window that
is still there when its view comes again is taken over, so how often the purge runs never
decides whether a submission is a replay.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, delete, literal_column, update
from sqlmodel import Session, col

from storage.db import Database, dialect_insert, run
from storage.models import ViewSubmission

# A signature older than five minutes is refused at the edge, so a claim older than this can
# no longer meet its replay.
KEPT = timedelta(minutes=10)
PURGE_EVERY = timedelta(minutes=1)

# Core statements built once: a submission's claim is one of them (two once a minute, with
# the purge).
_PAST = delete(ViewSubmission).where(col(ViewSubmission.received_at) < bindparam("before"))
_THIS = (
    col(ViewSubmission.view_id) == bindparam("v_id"),
    col(ViewSubmission.view_hash) == bindparam("v_hash"),
)
_GIVE_BACK = delete(ViewSubmission).where(*_THIS)
_TAKE_OVER = (
    update(ViewSubmission)
    .where(*_THIS, col(ViewSubmission.received_at) < bindparam("before"))
    .values(received_at=bindparam("now"))
)

_purged: WeakKeyDictionary[Database, datetime] = WeakKeyDictionary()  # by this process
_purging = threading.Lock()


def _purge_due(db: Database, now: datetime) -> bool:
    """True at most once every PURGE_EVERY a database (and when the clock went back)."""
    with _purging:
        last = _purged.get(db)
        if last is not None and last <= now < last + PURGE_EVERY:
            return False
        _purged[db] = now
        return True


def claim(db: Database, *, view_id: str, view_hash: str, now: datetime) -> bool:
    """True the first time this view (id and hash) is submitted; False for a replay. The
    primary key referees two copies arriving at once."""
    # Not flushed to disk on its own (Database.session(durable=False)): the flow's durable
    # commit that follows flushes it too (SQLite's WAL and PostgreSQL's are written in order),
    # and a power cut before that takes the declaration with it, so the view is rightly free
    # to be sent again. One fsync less before a form's ack.
    with db.session(durable=False) as session:
        taken = claim_in(session, db, view_id=view_id, view_hash=view_hash, now=now)
        session.commit()
        return taken


def claim_in(
    session: Session, db: Database, *, view_id: str, view_hash: str, now: datetime
) -> bool:
    """`claim` in the caller's transaction, which commits it (a durable=False session, as
    `claim`'s, before the flow's own). Nothing is rolled back, so what the caller read in it
    stays loaded: a second copy is seen by the INSERT's ON CONFLICT, not by an error."""
    before = now - KEPT
    if _purge_due(db, now):
        run(session, _PAST, {"before": before})
    row = {"view_id": view_id, "view_hash": view_hash, "received_at": now}
    if run(session, _take(db.engine.dialect.name), row).first() is not None:
        return True
    # Taken before: a replay, unless that claim is past the window and not yet purged.
    params = {"v_id": view_id, "v_hash": view_hash, "before": before, "now": now}
    return bool(run(session, _TAKE_OVER, params).rowcount == 1)


@cache
def _take(dialect: str) -> Any:
    """The claim's INSERT, which adds no row (and returns none) where the view is taken."""
    return (
        dialect_insert(dialect, ViewSubmission.__table__)  # type: ignore[attr-defined]
        .on_conflict_do_nothing()
        .returning(literal_column("1"))
    )


def release(db: Database, *, view_id: str, view_hash: str) -> None:
    """The submission was not taken (an error on the form, a refusal, a failure): the person
    may send the same form again."""
    with db.session() as session:
        run(session, _GIVE_BACK, {"v_id": view_id, "v_hash": view_hash})
        session.commit()
