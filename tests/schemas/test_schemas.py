"""The vendored schemas load and tell a good card or manifest from a bad one."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.schemas import (
    MANIFEST_VERSION,
    MAX_MESSAGE_BYTES,
    assert_valid_card,
    assert_valid_manifest,
    card_problems,
    manifest_problems,
)

APP_ID = "00000000-0000-0000-0000-00000000a001"


def approval_card() -> dict[str, Any]:
    """A card of the shape Nolan will send: facts, a people picker, Execute and ShowCard."""
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "msteams": {"width": "Full"},
        "body": [
            {"type": "TextBlock", "text": "Gift from Acme Ltd", "weight": "Bolder", "wrap": True},
            {"type": "FactSet", "facts": [{"title": "Value", "value": "£40.00"}]},
            {
                "type": "Input.ChoiceSet",
                "id": "deputy",
                "label": "Deputy",
                "choices": [],
                "choices.data": {"type": "Data.Query", "dataset": "graph.microsoft.com/users"},
            },
        ],
        "actions": [
            {"type": "Action.Execute", "title": "Approve", "verb": "decide", "data": {"d": 1}},
            {
                "type": "Action.ShowCard",
                "title": "Refuse…",
                "card": {
                    "type": "AdaptiveCard",
                    "body": [
                        {"type": "Input.Text", "id": "reason", "isMultiline": True,
                         "isRequired": True, "errorMessage": "Say why"},
                    ],
                    "actions": [{"type": "Action.Execute", "title": "Refuse", "verb": "refuse"}],
                },
            },
        ],
    }


def manifest() -> dict[str, Any]:
    return {
        "$schema": "https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json",
        "manifestVersion": MANIFEST_VERSION,
        "version": "1.0.0",
        "id": APP_ID,
        "developer": {
            "name": "Nolan",
            "websiteUrl": "https://nolan.example.org",
            "privacyUrl": "https://nolan.example.org/privacy",
            "termsOfUseUrl": "https://nolan.example.org/terms",
        },
        "name": {"short": "Nolan", "full": "Nolan: the code of conduct"},
        "description": {"short": "Gifts, interests and approvals", "full": "Declare and decide."},
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#1F3A5F",
        "bots": [
            {
                "botId": APP_ID,
                "scopes": ["personal", "team"],
                "commandLists": [
                    {"scopes": ["personal"], "commands": [{"title": "gift", "description": "x"}]}
                ],
            }
        ],
        "validDomains": ["nolan.example.org"],
    }


def test_a_teams_card_passes() -> None:
    assert card_problems(approval_card()) == []
    assert_valid_card(approval_card())


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (
            lambda c: c["body"].append({"type": "Input.Secret", "id": "x"}),
            "/body/3: nothing of type 'Input.Secret'",
        ),
        (lambda c: c["actions"][0].pop("type"), "/actions/0: 'type' is a required"),
        (lambda c: c["body"][0].update(colour="Good"), "('colour' was unexpected)"),
        (lambda c: c.update(version="1.6"), "above 1.5"),
        (lambda c: c["body"][2]["choices.data"].pop("dataset"), "/body/2/choices.data: 'dataset'"),
        (lambda c: c.update(flavour="teams"), "/: Additional properties"),
        (lambda c: c["body"][1]["facts"].extend(
            [{"title": "t", "value": "v" * 100}] * 300), f"over Teams' {MAX_MESSAGE_BYTES}"),
    ],
)
def test_a_broken_card_is_named(break_it: Any, expected: str) -> None:
    card = approval_card()
    break_it(card)
    problems = card_problems(card)
    assert problems and any(expected in p for p in problems), problems
    with pytest.raises(AssertionError):
        assert_valid_card(card)


def test_a_manifest_passes_and_a_broken_one_is_named() -> None:
    assert manifest_problems(manifest()) == []
    assert_valid_manifest(manifest())
    bad = copy.deepcopy(manifest())
    bad["manifestVersion"] = "1.31"  # `const`: enforced although the file says draft-04
    bad["bots"][0]["botId"] = "not-a-guid"
    bad["bots"][0]["scopes"] = ["everywhere"]
    problems = manifest_problems(bad)
    assert any(p.startswith("/manifestVersion") for p in problems), problems
    assert any(p.startswith("/bots/0/botId") for p in problems), problems
    assert any(p.startswith("/bots/0/scopes/0") for p in problems), problems
