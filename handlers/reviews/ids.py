"""Every Slack id the outside-work anniversary review uses."""

from __future__ import annotations

from enum import StrEnum

from handlers.metadata import Metadata


class Action(StrEnum):
    UNCHANGED = "review_unchanged"  # value: ReviewRef
    CHANGED = "review_changed"  # opens the /outside-work form, pre-filled
    ENDED = "review_ended"  # sets the permission's end date to today


class ReviewRef(Metadata):
    """Which permission, and which anniversary's review (an ISO date)."""

    declaration_id: int
    period: str
