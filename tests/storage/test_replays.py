"""A form submission is claimed once by its view's id and hash (issue 10, replays)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect, text
from sqlmodel import select

from storage import replays
from storage.db import Database
from storage.models import ViewSubmission
from tests.storage.test_risk import counting

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def test_a_view_is_claimed_once(db: Database) -> None:
    assert replays.claim(db, view_id="V1", view_hash="h1", now=NOW)
    assert not replays.claim(db, view_id="V1", view_hash="h1", now=NOW)
    # The same view updated (a new hash) is a new submission.
    assert replays.claim(db, view_id="V1", view_hash="h2", now=NOW)


def test_a_released_claim_can_be_made_again(db: Database) -> None:
    assert replays.claim(db, view_id="V1", view_hash="h1", now=NOW)
    replays.release(db, view_id="V1", view_hash="h1")
    assert replays.claim(db, view_id="V1", view_hash="h1", now=NOW)


def test_claims_past_the_replay_window_are_dropped(db: Database) -> None:
    assert replays.claim(db, view_id="V1", view_hash="h1", now=NOW)
    later = NOW + replays.KEPT + timedelta(seconds=1)
    assert replays.claim(db, view_id="V2", view_hash="h", now=later)
    assert replays.claim(db, view_id="V1", view_hash="h1", now=later)


def rows(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return {r[0] for r in conn.execute(text("SELECT view_id FROM view_submission"))}


def test_old_claims_go_at_most_once_a_minute(db: Database) -> None:
    assert replays.claim(db, view_id="V1", view_hash="h", now=NOW)
    past = NOW + replays.KEPT + timedelta(seconds=1)
    with counting(db) as seen:
        assert replays.claim(db, view_id="V2", view_hash="h", now=past)
    assert rows(db) == {"V2"} and len(seen) == 2  # V1 purged, V2 taken
    soon = past + replays.PURGE_EVERY - timedelta(seconds=1)
    with counting(db) as seen:
        assert replays.claim(db, view_id="V3", view_hash="h", now=soon)
    assert rows(db) == {"V2", "V3"} and len(seen) == 1  # no purge within the minute
    later = soon + replays.KEPT + timedelta(seconds=1)  # V2, V3 past it; a minute on
    assert replays.claim(db, view_id="V4", view_hash="h", now=later)
    assert rows(db) == {"V4"}


def test_a_claim_past_the_window_not_yet_purged_is_taken_over(db: Database) -> None:
    assert replays.claim(db, view_id="V1", view_hash="h", now=NOW)
    purged = NOW + replays.KEPT - timedelta(seconds=30)  # V1 still in the window: it stays
    assert replays.claim(db, view_id="V2", view_hash="h", now=purged)
    again = NOW + replays.KEPT + timedelta(seconds=10)  # within the minute: no purge
    assert replays.claim(db, view_id="V1", view_hash="h", now=again)
    assert not replays.claim(db, view_id="V1", view_hash="h", now=again)  # now a replay


def test_a_replay_seen_in_the_callers_transaction_leaves_what_it_read_loaded(
    db: Database,
) -> None:
    """claim_in finds the replay by the INSERT's ON CONFLICT, not an error and a rollback,
    which would expire what the caller read (the person submitting) and end its transaction."""
    assert replays.claim(db, view_id="V1", view_hash="h1", now=NOW)
    with db.session() as session:
        read = session.exec(select(ViewSubmission)).one()
        assert not replays.claim_in(session, db, view_id="V1", view_hash="h1", now=NOW)
        assert inspect(read).expired_attributes == set()
        assert replays.claim_in(session, db, view_id="V2", view_hash="h1", now=NOW)
        session.commit()
    assert not replays.claim(db, view_id="V2", view_hash="h1", now=NOW)
