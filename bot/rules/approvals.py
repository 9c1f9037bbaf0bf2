"""What a decision on one step means for the declaration as a whole."""

from __future__ import annotations

from bot.rules.gifts import Disposal

AUTHORISE_OUTCOMES = frozenset({"approved", "declined"})
DISPOSE_OUTCOMES = frozenset(d.value for d in Disposal)


def valid_outcome(purpose: str, outcome: str) -> bool:
    """An authorising step is approved or declined; a gift received without warning is
    returned, kept for the office or handed on (combined-authority §15.6)."""
    if purpose == "dispose":
        return outcome in DISPOSE_OUTCOMES
    return outcome in AUTHORISE_OUTCOMES


def declaration_status(purpose: str, outcome: str, *, last_step: bool) -> str:
    """A declined step ends the declaration; an approval ends it only at the chain's end."""
    if not valid_outcome(purpose, outcome):
        raise ValueError(f"{outcome!r} is not a decision for a {purpose!r} step")
    if outcome == "approved" and not last_step:
        return "pending"
    return outcome
