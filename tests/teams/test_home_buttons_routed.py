"""Every button on the Teams Home card does something: each press reaches a handler that the
Teams adapter registers (bot.teams.features), whatever the person's roles."""

from __future__ import annotations

from typing import Any

from bot.teams import adaptive, features
from bot.teams.home import PAGE_SIZE, home_card
from bot.teams.router import ADAPTIVE_CARD_ACTION, TASK_FETCH, Router
from bot.ui.home_model import Elsewhere
from tests.ui.homes import full_home, roles


def _presses(node: Any) -> list[tuple[str, str]]:
    """(invoke, key) for every button on the card, those asked first inside a ShowCard too."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "Action.Execute":
            found.append((ADAPTIVE_CARD_ACTION, node["verb"]))
        elif kind == "Action.Submit":
            assert node["data"]["msteams"] == {"type": "task/fetch"}
            found.append((TASK_FETCH, node["data"][adaptive.ACTION_KEY]))
        for value in node.values():
            found += _presses(value)
    elif isinstance(node, list):
        for value in node:
            found += _presses(value)
    return found


def test_every_home_button_is_answered() -> None:
    router = Router()
    features.register(router)
    homes = [full_home(size=PAGE_SIZE)] + [r.home for r in roles().values() if r.home]
    presses = {p for home in homes for p in _presses(home_card(home))}
    assert (TASK_FETCH, Elsewhere.SEARCH.value) in presses
    assert (TASK_FETCH, Elsewhere.RECORD.value) in presses
    assert (TASK_FETCH, Elsewhere.EXPORT.value) in presses
    unanswered = {p for p in presses if p not in router.invokes}
    assert unanswered == set()
