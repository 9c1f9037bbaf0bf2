"""May this person decide this step? One function, used by every decision button and form."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""


def may_decide(
    actor_id: int,
    *,
    approver_id: int,
    declarant_id: int,
    actor_is_monitoring_officer: bool,
    approver_name: str = "the assigned approver",
) -> Verdict:
    """The assigned approver decides; the monitoring officer, who keeps the registers, may
    decide in their place. Nobody decides on their own declaration (DOMAIN.md, People and
    roles: "No one approves their own declaration")."""
    if actor_id == declarant_id:
        return Verdict(False, "You can't decide on your own declaration.")
    if actor_id == approver_id or actor_is_monitoring_officer:
        return Verdict(True)
    return Verdict(
        False, f"Only {approver_name} (or the monitoring officer) can decide on this declaration."
    )
