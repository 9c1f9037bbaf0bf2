"""A failure in one line for the operator, with no platform's knowledge: a platform's refusal
arrives already worded by its adapter (SendFailed), anything else by its first line. A
message in parts: what went before a part failed, and how often that part has failed."""

from __future__ import annotations

import json

from bot import claims
from bot.sending import Partly, Queued, SendFailed, describe_failure, send_in_parts


def test_a_platform_refusal_is_said_as_its_adapter_worded_it() -> None:
    refused = SendFailed("Slack answered channel_not_found", permanent=True)
    assert describe_failure(refused) == "Slack answered channel_not_found"


def test_anything_else_is_said_by_its_first_line_or_its_name() -> None:
    assert describe_failure(RuntimeError("  database is locked\n  at line 3\n")) == (
        "database is locked"
    )
    assert describe_failure(ConnectionError()) == "ConnectionError"


def _attempt(went: Partly | None, fails_at: int) -> Partly | None:
    """One try at a message in three parts whose part `fails_at` is refused: what went."""

    def send(part: str) -> tuple[str, str]:
        if part == f"p{fails_at}":
            raise SendFailed("Slack answered internal_error")
        return ("D1", part)

    message = Queued(id=1, kind="k", subject="s", recipient="staff:1", payload={}, went=went)
    try:
        send_in_parts(message, ("p0", "p1", "p2"), send)
    except SendFailed as failed:
        return failed.went
    return None


def test_a_part_failing_again_counts_its_tries_and_a_later_part_starts_afresh() -> None:
    went = _attempt(None, fails_at=1)
    assert went == Partly(1, ("D1", "p0"), failed=1)
    went = _attempt(went, fails_at=1)
    assert went == Partly(1, ("D1", "p0"), failed=2)
    assert _attempt(went, fails_at=2) == Partly(2, ("D1", "p0"), failed=1)


def test_what_went_and_its_tries_are_kept_in_the_descriptor() -> None:
    went = Partly(2, ("D1", "p0"), failed=3)
    payload = json.loads(claims._keeping(json.dumps({"card": "c"}), went))
    assert claims.went_of(payload) == went and payload == {"card": "c"}
    payload[claims.WENT] = {"parts": 1, "first": None}  # kept before tries were counted
    assert claims.went_of(payload) == Partly(1, None, failed=0)
