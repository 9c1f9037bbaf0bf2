"""The one guard for acting on a waiting step (bot.rules.permissions.may_decide_step)."""

from __future__ import annotations

from bot.rules.permissions import Verdict, Why, may_decide_step

APPROVER, DECLARANT, NAMED, DELEGATOR, MO, STRANGER = 1, 2, 3, 4, 5, 6


def verdict(actor: int, *, delegated_from: int | None = None) -> Verdict:
    return may_decide_step(
        actor,
        approver_id=APPROVER,
        declarant_id=DECLARANT,
        named_staff_id=NAMED,
        delegated_from_id=delegated_from,
        actor_is_monitoring_officer=actor == MO,
        approver_name="Manny Manager",
    )


def test_the_approver_and_the_monitoring_officer_may() -> None:
    assert verdict(APPROVER).allowed and verdict(MO).allowed


def test_nobody_acts_on_their_own_declaration() -> None:
    refused = verdict(DECLARANT)
    assert (refused.allowed, refused.why) == (False, Why.OWN)
    assert "your own declaration" in refused.reason


def test_nobody_named_in_it_may_even_as_its_approver() -> None:
    refused = may_decide_step(
        NAMED,
        approver_id=NAMED,
        declarant_id=DECLARANT,
        named_staff_id=NAMED,
        delegated_from_id=None,
        actor_is_monitoring_officer=False,
    )
    assert (refused.allowed, refused.why) == (False, Why.NAMED)


def test_the_approver_who_delegated_may_still_decide_their_own() -> None:
    assert verdict(DELEGATOR, delegated_from=DELEGATOR).allowed
    refused = verdict(DELEGATOR)
    assert (refused.allowed, refused.why) == (False, Why.NOT_APPROVER)
    assert refused.reason.startswith("Only Manny Manager (or the monitoring officer)")


def test_anyone_else_may_not() -> None:
    assert verdict(STRANGER, delegated_from=DELEGATOR).why is Why.NOT_APPROVER
