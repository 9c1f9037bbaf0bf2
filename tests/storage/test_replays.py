"""A form submission is claimed once by its view's id and hash (issue 10, replays)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import replays
from storage.db import Database

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
