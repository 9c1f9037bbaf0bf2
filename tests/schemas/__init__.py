"""Microsoft's JSON schemas, vendored for tests: Adaptive Cards 1.5 and the Teams app manifest.

Where each file came from, and its licence, is in README.md beside this file. Test code only:
product code never imports this.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft6Validator, Draft7Validator
from jsonschema.exceptions import ValidationError, best_match

HERE = Path(__file__).parent
CARD_SCHEMA = HERE / "adaptive-card-1.5.json"
MANIFEST_SCHEMA = HERE / "teams-manifest-1.30.json"
MANIFEST_VERSION = "1.30"
# Teams refuses a message over about 28 KB (413 MessageSizeTooBig); the card is most of it.
MAX_MESSAGE_BYTES = 28 * 1024
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"


def _teams_extensions(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the two extensions Teams documents on top of Adaptive Cards 1.5, and nothing else.

    The 1.5 schema closes every object (additionalProperties: false), so without these a card
    using them would fail although Teams renders it:
    - `msteams` on the card (full width, @mentions): Teams' own card property;
    - `choices.data` (`Data.Query`) on Input.ChoiceSet: Teams' people picker and typeahead
      search ("dataset": "graph.microsoft.com/users"); it entered the schema only in 1.6.
    """
    schema = copy.deepcopy(schema)
    definitions = schema["definitions"]
    definitions["AdaptiveCard"]["properties"]["msteams"] = {"type": "object"}
    definitions["Data.Query"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "dataset"],
        "properties": {
            "type": {"enum": ["Data.Query"]},
            "dataset": {"type": "string"},
            "count": {"type": "number"},
            "skip": {"type": "number"},
        },
    }
    definitions["Input.ChoiceSet"]["properties"]["choices.data"] = {
        "$ref": "#/definitions/Data.Query"
    }
    return schema


@cache
def _card_schema() -> dict[str, Any]:
    return _teams_extensions(json.loads(CARD_SCHEMA.read_text(encoding="utf-8")))


@cache
def _card_validator() -> Draft6Validator:
    # The file declares draft-06 (and the draft-04 spelling `id`, harmless: every $ref is local).
    schema = _card_schema()
    Draft6Validator.check_schema(schema)
    return Draft6Validator(schema)


@cache
def _card_check() -> Any:
    """The same schema compiled to Python by fastjsonschema: about 15 times quicker than
    jsonschema, which walks the schema's nested anyOf of every element type for each card
    (a quarter of the Teams tests' time). jsonschema still words what is wrong, and
    tests/schemas/test_validators.py shows that the two agree."""
    # As jsonschema checks: no `format`s, and no schema defaults written into the card.
    schema = copy.deepcopy(_card_schema())  # the compiler writes into the schema it reads
    return fastjsonschema.compile(schema, use_default=False, use_formats=False)


def card_schema_valid(card: Any) -> bool:
    """Whether fastjsonschema finds `card` valid against the card schema (no size check)."""
    try:
        _card_check()(card)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@cache
def _manifest_validator() -> Draft7Validator:
    # The file declares draft-04 but uses `const` (draft-06) and `if`/`then` (draft-07), which a
    # draft-04 validator silently ignores; it has no keyword whose meaning changed since draft-04.
    schema = json.loads(MANIFEST_SCHEMA.read_text(encoding="utf-8"))
    return Draft7Validator(schema)


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The failures that explain `error`. The card schema nests anyOf/allOf deeply; an element
    is an anyOf of every element type, so follow the branch whose `type` matched."""
    if not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for e in error.context:
        branches.setdefault(e.relative_schema_path[0], []).append(e)
    if error.validator in ("anyOf", "oneOf") and len(branches) > 1:
        typed = [
            errs
            for errs in branches.values()
            if not any(list(e.relative_path) == ["type"] for e in errs)
        ]
        if not typed:
            return [error]  # no alternative of this `type`: the anyOf itself is the problem
        if len(typed) > 1:
            return _leaves(best_match(e for errs in typed for e in errs))
        return [leaf for e in typed[0] for leaf in _leaves(e)]
    return [leaf for e in error.context for leaf in _leaves(e)]


def _describe(error: ValidationError) -> list[str]:
    problems = []
    for leaf in _leaves(error):
        where = "/" + "/".join(str(p) for p in leaf.absolute_path)
        if leaf.validator in ("anyOf", "oneOf") and isinstance(leaf.instance, dict):
            message = f"nothing of type {leaf.instance.get('type')!r} may stand here"
        else:
            message = leaf.message[:300]
        problems.append(f"{where}: {message}")
    return problems


def card_problems(card: dict[str, Any]) -> list[str]:
    """What is wrong with an Adaptive Card (the `content` of an attachment) for Teams: schema
    errors against Adaptive Cards 1.5 (with Teams' extensions), a version above 1.5, or a size
    over the message limit. Empty when the card is fine."""
    problems = (
        []
        if card_schema_valid(card)
        else [p for e in _card_validator().iter_errors(card) for p in _describe(e)]
    )
    version = str(card.get("version", "")) if isinstance(card, dict) else ""
    if version and _version_key(version) > (1, 5):
        problems.append(f"/version: {version} is above 1.5, the version Teams renders")
    size = len(json.dumps(card, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    if size > MAX_MESSAGE_BYTES:
        problems.append(f"card is {size} bytes, over Teams' {MAX_MESSAGE_BYTES}")
    return problems


def manifest_problems(manifest: dict[str, Any]) -> list[str]:
    """Schema errors in a Teams app manifest.json, against the vendored manifest schema."""
    return [p for e in _manifest_validator().iter_errors(manifest) for p in _describe(e)]


def assert_valid_card(card: dict[str, Any]) -> None:
    problems = card_problems(card)
    assert not problems, "Adaptive Card problems:\n" + "\n".join(f"  - {p}" for p in problems)


def assert_valid_manifest(manifest: dict[str, Any]) -> None:
    problems = manifest_problems(manifest)
    assert not problems, "manifest problems:\n" + "\n".join(f"  - {p}" for p in problems)


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in version.split("."))
    except ValueError:
        return (99,)  # not a version Teams knows: reported as above 1.5
