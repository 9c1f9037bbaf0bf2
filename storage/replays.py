"""Form submissions taken, by the view's id and hash: a replay of one is recognised and
records nothing (issue 10). Each call is its own short transaction, ahead of the flow's."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from storage.db import Database, run
from storage.models import ViewSubmission

# A signature older than five minutes is refused at the edge, so a claim older than this can
# no longer meet its replay.
KEPT = timedelta(minutes=10)

# Core statements built once: one submission's claim is two of them and a commit.
_PAST = delete(ViewSubmission).where(col(ViewSubmission.received_at) < bindparam("before"))
_TAKE = insert(ViewSubmission)
_GIVE_BACK = delete(ViewSubmission).where(
    col(ViewSubmission.view_id) == bindparam("v_id"),
    col(ViewSubmission.view_hash) == bindparam("v_hash"),
)


def claim(db: Database, *, view_id: str, view_hash: str, now: datetime) -> bool:
    """True the first time this view (id and hash) is submitted; False for a replay. The
    primary key referees two copies arriving at once. Claims past any replay go as it runs."""
    with db.session() as session:
        run(session, _PAST, {"before": now - KEPT})
        try:
            run(session, _TAKE, {"view_id": view_id, "view_hash": view_hash, "received_at": now})
            session.commit()
        except IntegrityError:
            session.rollback()
            return False
    return True


def release(db: Database, *, view_id: str, view_hash: str) -> None:
    """The submission was not taken (an error on the form, a refusal, a failure): the person
    may send the same form again."""
    with db.session() as session:
        run(session, _GIVE_BACK, {"v_id": view_id, "v_hash": view_hash})
        session.commit()
