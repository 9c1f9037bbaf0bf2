"""A failure in one line for the operator, with no platform's knowledge: a platform's refusal
arrives already worded by its adapter (SendFailed), anything else by its first line."""

from __future__ import annotations

from bot.sending import SendFailed, describe_failure


def test_a_platform_refusal_is_said_as_its_adapter_worded_it() -> None:
    refused = SendFailed("Slack answered channel_not_found", permanent=True)
    assert describe_failure(refused) == "Slack answered channel_not_found"


def test_anything_else_is_said_by_its_first_line_or_its_name() -> None:
    assert describe_failure(RuntimeError("  database is locked\n  at line 3\n")) == (
        "database is locked"
    )
    assert describe_failure(ConnectionError()) == "ConnectionError"
