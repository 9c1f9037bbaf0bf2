"""Block Kit as plain JSON, the dict slack_sdk.models' `to_dict()` gives, without re-running
its validators on every send (issue 10: validating a Home's blocks cost more than twice what
drawing them did). The renderer builds slack_sdk model objects as before, and every message
and view the tests send is validated with slack_sdk.models by the fake Slack Web API
(tests/fakeslack/contract.py); tests/handlers/test_block_kit.py holds this to `to_dict()`."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.basic_objects import EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST, JsonObject

_EMPTY_ALLOWED = frozenset((e["type"], e["property"]) for e in EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST)
_SCALARS = (str, int, float, bool, type(None))

# By class: the attributes JsonObject's own walk serialises, in its order; None for a class
# with a `to_dict` of its own (an Option, a confirm), called as it is. slack_sdk's
# `attributes` are the same for every object of a class.
_WALKS: dict[type, tuple[str, ...] | None] = {}


def _walk_of(value: JsonObject) -> tuple[str, ...] | None:
    cls = type(value)
    if cls not in _WALKS:
        own = cls.to_dict is not JsonObject.to_dict or (
            cls.get_object_attribute is not JsonObject.get_object_attribute
        )
        _WALKS[cls] = None if own else tuple(sorted(value.attributes))
    return _WALKS[cls]


def plain(value: Any) -> Any:
    """`value` as JSON: a slack_sdk model as its `to_dict()`, unvalidated; lists and tuples
    as lists; anything else as it is."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    keys = _walk_of(value) if isinstance(value, JsonObject) else None
    if keys is None:
        to_dict = getattr(value, "to_dict", None)
        return {k: plain(v) for k, v in to_dict().items()} if callable(to_dict) else value
    kind = getattr(value, "type", None)
    out = {}
    for key in keys:
        item = getattr(value, key, None)
        if item is None:
            continue
        empty = type(item) is not bool and hasattr(item, "__len__") and not len(item)
        if empty and (kind, key) not in _EMPTY_ALLOWED:
            continue
        out[key] = plain(item)
    return out
