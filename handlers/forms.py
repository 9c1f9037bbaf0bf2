"""Reading a submitted modal's state: one reader for every feature's form.

Slack reports each input as state.values[block_id][action_id]; every form here names its
blocks after its fields and derives the action id from the field (each feature's ids.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any


class FormState:
    def __init__(self, values: dict[str, Any], action_id: Callable[[Any], str]) -> None:
        self.values = values
        self.action_id = action_id

    def element(self, field: Any) -> dict[str, Any]:
        block = str(getattr(field, "value", field))
        return self.values.get(block, {}).get(self.action_id(field), {}) or {}

    def selected(self, field: Any) -> str | None:
        option = self.element(field).get("selected_option")
        return option.get("value") if option else None

    def text(self, field: Any) -> str | None:
        return self.element(field).get("value")

    def date(self, field: Any) -> date | None:
        raw = self.element(field).get("selected_date")
        try:
            return date.fromisoformat(raw) if raw else None
        except ValueError:
            return None

    def user(self, field: Any) -> str | None:
        return self.element(field).get("selected_user") or None

    def ticked(self, field: Any) -> set[str]:
        return {o.get("value") for o in self.element(field).get("selected_options") or []}
