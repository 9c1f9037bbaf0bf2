"""bot.block_kit's JSON held to slack_sdk.models' validating `to_dict()`."""

from __future__ import annotations

from typing import Any

from bot.block_kit import plain


def validated(value: Any) -> Any:
    """What slack_sdk's `to_dict()` makes of `value` (raising on what Slack would refuse)."""
    if isinstance(value, (list, tuple)):
        return [validated(v) for v in value]
    return value.to_dict()


def checked_plain(value: Any) -> Any:
    """bot.block_kit.plain, asserted equal to the validated `to_dict()`."""
    sent = plain(value)
    assert sent == validated(value), "the Block Kit sent differs from slack_sdk's to_dict()"
    return sent
