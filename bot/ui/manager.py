"""The line-manager field a form shows when the org chart names no manager: shared by every
form whose first approver is the line manager."""

from __future__ import annotations

from bot.ui.forms import Field, Kind

FIELD_ID = "line_manager"


def manager_field(*, decides: str) -> Field:
    """`decides`: what the manager will do, e.g. "decide" or "recommend"."""
    return Field(
        id=FIELD_ID,
        label="Your line manager",
        kind=Kind.PERSON,
        hint=f"The org chart doesn't name your manager. They will be asked to {decides}.",
        placeholder="Choose a person",
    )
