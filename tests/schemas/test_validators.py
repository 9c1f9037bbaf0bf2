"""The card check's quick path (fastjsonschema) agrees with jsonschema: on every card Nolan
draws, and on mutations of each (four a card) that break it in the ways the schema can see (a
required key gone, a value of the wrong type, an enum's value unknown, a property not in the
schema, an element of the wrong kind where one is expected). If the quick path ever let through
what jsonschema refuses, every card test would silently weaken: this is what keeps them honest.
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from bot.teams.cards import adaptive_card
from tests.schemas import _card_validator, card_schema_valid
from tests.teams.catalogue import cards

CARDS = {name: adaptive_card(card) for name, card in cards().items()}
JUNK: list[Any] = [None, 0, 1.5, True, "", "junk", [], {}, {"type": "Nothing"}, ["x"]]


def _places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value in a card, depth first."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _places(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _places(value, (*path, i))
    return found


def _at(card: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        card = card[step]
    return card


def _mutants(card: dict[str, Any], rng: random.Random, count: int) -> list[Any]:
    places = _places(card)[1:]
    mutants = []
    for _ in range(count):
        mutant = copy.deepcopy(card)
        path = rng.choice(places)
        parent, key = _at(mutant, path[:-1]), path[-1]
        how = rng.randrange(4)
        if how == 0 and isinstance(parent, dict):
            del parent[key]
        elif how == 1 and isinstance(parent, dict):
            parent["unexpected" + str(rng.randrange(3))] = rng.choice(JUNK)
        elif how == 2 and isinstance(parent.get("type") if isinstance(parent, dict) else None, str):
            parent["type"] = rng.choice(["TextBlock", "Input.Text", "Action.Submit", "Column"])
        else:
            parent[key] = copy.deepcopy(rng.choice(JUNK))
        mutants.append(mutant)
    return mutants


def test_the_catalogue_is_valid_to_both() -> None:
    for name, card in CARDS.items():
        before = copy.deepcopy(card)
        assert card_schema_valid(card), name
        assert card == before, name  # checking a card leaves it as it was
        assert _card_validator().is_valid(card), name


@pytest.mark.parametrize("seed", range(4))
def test_both_validators_agree_on_broken_cards(seed: int) -> None:
    rng = random.Random(seed)
    names = sorted(CARDS)[seed::4]
    refused = 0
    for name in names:
        for mutant in _mutants(CARDS[name], rng, 4):
            slow = _card_validator().is_valid(mutant)
            assert card_schema_valid(mutant) == slow, (name, mutant)
            refused += not slow
    assert refused > len(names)  # the mutations do break cards, most of the time
