"""Form submissions taken, by the view's id and hash: a replay of one is recognised and
records nothing (issue 10). Each call is its own short transaction, ahead of the flow's.

The table stays bounded without a DELETE on every submission: a process clears the claims
past the replay window at most once every `PURGE_EVERY` (at a submission, by the clock it is
given), so it holds the submissions of about `KEPT` plus that. A claim past the window that
is still there when its view comes again is taken over, so how often the purge runs never
decides whether a submission is a replay.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from storage.db import Database, run
from storage.models import ViewSubmission

# A signature older than five minutes is refused at the edge, so a claim older than this can
# no longer meet its replay.
KEPT = timedelta(minutes=10)
PURGE_EVERY = timedelta(minutes=1)

# Core statements built once: a submission's claim is one of them and a commit (two once a
# minute, with the purge).
_PAST = delete(ViewSubmission).where(col(ViewSubmission.received_at) < bindparam("before"))
_TAKE = insert(ViewSubmission)
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
    before = now - KEPT
    # Not flushed to disk on its own (Database.session(durable=False)): the flow's durable
    # commit that follows flushes it too (SQLite's WAL and PostgreSQL's are written in order),
    # and a power cut before that takes the declaration with it, so the view is rightly free
    # to be sent again. One fsync less before a form's ack.
    with db.session(durable=False) as session:
        if _purge_due(db, now):
            run(session, _PAST, {"before": before})
        try:
            run(session, _TAKE, {"view_id": view_id, "view_hash": view_hash, "received_at": now})
            session.commit()
            return True
        except IntegrityError:
            session.rollback()
        # Taken before: a replay, unless that claim is past the window and not yet purged.
        params = {"v_id": view_id, "v_hash": view_hash, "before": before, "now": now}
        taken_over = run(session, _TAKE_OVER, params).rowcount == 1
        session.commit()
        return taken_over


def release(db: Database, *, view_id: str, view_hash: str) -> None:
    """The submission was not taken (an error on the form, a refusal, a failure): the person
    may send the same form again."""
    with db.session() as session:
        run(session, _GIVE_BACK, {"v_id": view_id, "v_hash": view_hash})
        session.commit()
