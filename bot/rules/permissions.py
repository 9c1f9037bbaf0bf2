"""May this person decide this step? One function, used by every decision button and form;
`may_decide_step` adds what a step knows (who is named in it, who delegated it) and is the
one guard for acting on a waiting step — deciding it, or asking its declarant a question."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Why(StrEnum):
    """Why someone may not act on a step, for callers that word it their own way."""

    OWN = "own"  # it is their own declaration
    NAMED = "named"  # they are named in it
    NOT_APPROVER = "not_approver"  # neither its approver nor the monitoring officer


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""
    why: Why | None = None


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
        return Verdict(False, "You can't decide on your own declaration.", Why.OWN)
    if actor_id == approver_id or actor_is_monitoring_officer:
        return Verdict(True)
    return Verdict(
        False,
        f"Only {approver_name} (or the monitoring officer) can decide on this declaration.",
        Why.NOT_APPROVER,
    )


def may_decide_step(
    actor_id: int,
    *,
    approver_id: int,
    declarant_id: int,
    named_staff_id: int | None,
    delegated_from_id: int | None,
    actor_is_monitoring_officer: bool,
    approver_name: str = "the assigned approver",
) -> Verdict:
    """`may_decide` for a waiting step: nobody decides a declaration they are named in
    (combined-authority §6; warwickshire "Conflicts of Interest"), and an approver who handed
    their approvals to a deputy may still decide their own (issue 3, "Delegation": both names
    stay on the step)."""
    if actor_id != declarant_id and actor_id == named_staff_id:
        return Verdict(
            False, "You are named in this declaration, so you can't decide it.", Why.NAMED
        )
    verdict = may_decide(
        actor_id,
        approver_id=approver_id,
        declarant_id=declarant_id,
        actor_is_monitoring_officer=actor_is_monitoring_officer,
        approver_name=approver_name,
    )
    if not verdict.allowed and verdict.why is Why.NOT_APPROVER and actor_id == delegated_from_id:
        return Verdict(True)
    return verdict
