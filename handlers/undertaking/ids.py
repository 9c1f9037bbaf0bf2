"""Every Slack id the code of conduct undertaking uses."""

from __future__ import annotations

from enum import StrEnum

from handlers.metadata import Metadata


class Action(StrEnum):
    ACCEPT = "undertaking_accept"  # value: UndertakingRef


class UndertakingRef(Metadata):
    """Which wording of the undertaking the button accepts."""

    version: str
