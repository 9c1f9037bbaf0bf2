"""Every Slack id the annual declaration's messages use."""

from __future__ import annotations

from enum import StrEnum

from handlers.metadata import Metadata


class Action(StrEnum):
    NOTHING_CHANGED = "annual_nothing_changed"  # value: AnnualRef
    DECLARE_INTEREST = "annual_declare_interest"  # opens the /interest form
    ASK_OUTSIDE_WORK = "annual_ask_outside_work"  # opens the /outside-work form


class AnnualRef(Metadata):
    """Which year's annual declaration a button answers."""

    year: int
