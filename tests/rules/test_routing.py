"""Who decides, and who may press the buttons."""

from __future__ import annotations

from bot.rules.approvals import declaration_status, valid_outcome
from bot.rules.permissions import may_decide
from bot.rules.roles import ApproverRole
from bot.rules.routing import (
    Approver,
    NeedsChoice,
    NoApprover,
    OfficeHolders,
    Person,
    disposal_approver,
    line_approver,
)

HEAD, MO, MANAGER, STAFF = 1, 2, 3, 4
HOLDERS = OfficeHolders(head_of_office_id=HEAD, monitoring_officer_id=MO)


def test_line_manager_decides_for_ordinary_staff() -> None:
    assert line_approver(Person(STAFF, line_manager_id=MANAGER), HOLDERS) == Approver(
        MANAGER, ApproverRole.LINE_MANAGER
    )


def test_head_of_office_goes_to_the_monitoring_officer() -> None:
    head = Person(HEAD, roles=frozenset({"head_of_office"}))
    assert line_approver(head, HOLDERS) == Approver(MO, ApproverRole.MONITORING_OFFICER)


def test_monitoring_officer_goes_to_the_head_of_office_even_with_a_manager() -> None:
    mo = Person(MO, roles=frozenset({"monitoring_officer"}), line_manager_id=MANAGER)
    assert line_approver(mo, HOLDERS) == Approver(HEAD, ApproverRole.HEAD_OF_OFFICE)


def test_no_manager_asks_the_declarant_to_choose() -> None:
    assert line_approver(Person(STAFF), HOLDERS) == NeedsChoice()
    assert line_approver(Person(STAFF), HOLDERS, chosen_id=MANAGER) == Approver(
        MANAGER, ApproverRole.LINE_MANAGER
    )


def test_nobody_approves_their_own_declaration() -> None:
    assert isinstance(line_approver(Person(STAFF), HOLDERS, chosen_id=STAFF), NoApprover)
    assert isinstance(line_approver(Person(STAFF, line_manager_id=STAFF), HOLDERS), NeedsChoice)
    both = Person(HEAD, roles=frozenset({"head_of_office", "monitoring_officer"}))
    assert isinstance(line_approver(both, OfficeHolders(HEAD, HEAD)), NoApprover)


def test_missing_office_holder_is_reported_not_guessed() -> None:
    head = Person(HEAD, roles=frozenset({"head_of_office"}))
    result = line_approver(head, OfficeHolders(head_of_office_id=HEAD))
    assert isinstance(result, NoApprover)
    assert "monitoring officer" in result.reason


def test_unsolicited_gifts_go_to_the_monitoring_officer_and_theirs_to_the_head() -> None:
    assert disposal_approver(Person(STAFF, line_manager_id=MANAGER), HOLDERS) == Approver(
        MO, ApproverRole.MONITORING_OFFICER
    )
    mo = Person(MO, roles=frozenset({"monitoring_officer"}))
    assert disposal_approver(mo, HOLDERS) == Approver(HEAD, ApproverRole.HEAD_OF_OFFICE)


def test_only_the_assigned_approver_or_the_monitoring_officer_may_decide() -> None:
    def verdict(actor: int, *, mo: bool = False):
        return may_decide(
            actor,
            approver_id=MANAGER,
            declarant_id=STAFF,
            actor_is_monitoring_officer=mo,
            approver_name="Pat",
        )

    assert verdict(MANAGER).allowed
    assert verdict(MO, mo=True).allowed
    refused = verdict(HEAD)
    assert not refused.allowed and "Pat" in refused.reason
    assert not verdict(STAFF).allowed


def test_the_monitoring_officer_cannot_decide_their_own() -> None:
    verdict = may_decide(MO, approver_id=HEAD, declarant_id=MO, actor_is_monitoring_officer=True)
    assert not verdict.allowed
    assert "own" in verdict.reason


def test_decision_outcomes_fit_the_step() -> None:
    assert valid_outcome("authorise", "approved")
    assert not valid_outcome("authorise", "kept")
    assert valid_outcome("dispose", "handed_on")
    assert declaration_status("authorise", "approved", last_step=True) == "approved"
    assert declaration_status("authorise", "approved", last_step=False) == "pending"
    assert declaration_status("authorise", "declined", last_step=False) == "declined"


# -- routing by role, with exclusions and deputies ----------------------------------------

from bot.rules.routing import Org, approver_for, escalation_target, next_up  # noqa: E402

DEPUTY, RELATIVE = 5, 6
PEOPLE = {
    HEAD: Person(HEAD, roles=frozenset({"head_of_office"})),
    MO: Person(MO, roles=frozenset({"monitoring_officer"}), line_manager_id=HEAD),
    MANAGER: Person(MANAGER, line_manager_id=HEAD),
    STAFF: Person(STAFF, line_manager_id=MANAGER),
    DEPUTY: Person(DEPUTY, line_manager_id=HEAD),
    RELATIVE: Person(RELATIVE, line_manager_id=MANAGER),
}
ORG = Org(people=PEOPLE, holders=OfficeHolders(HEAD, MO, vetting_officer_id=DEPUTY))


def test_a_named_colleague_is_skipped_for_the_next_role_up() -> None:
    routed = approver_for(ApproverRole.LINE_MANAGER, PEOPLE[STAFF], ORG, named=frozenset({MANAGER}))
    assert routed == Approver(HEAD, ApproverRole.LINE_MANAGER)


def test_deputy_takes_the_approvers_items() -> None:
    org = Org(people=PEOPLE, holders=ORG.holders, deputies={MANAGER: DEPUTY})
    assert approver_for(ApproverRole.LINE_MANAGER, PEOPLE[STAFF], org) == Approver(
        DEPUTY, ApproverRole.LINE_MANAGER, delegated_from=MANAGER
    )


def test_a_deputy_who_is_the_declarant_does_not_decide() -> None:
    org = Org(people=PEOPLE, holders=ORG.holders, deputies={MANAGER: STAFF})
    assert approver_for(ApproverRole.LINE_MANAGER, PEOPLE[STAFF], org) == Approver(
        MANAGER, ApproverRole.LINE_MANAGER
    )


def test_office_roles_route_to_their_holders() -> None:
    assert approver_for(ApproverRole.HEAD_OF_OFFICE, PEOPLE[STAFF], ORG).person_id == HEAD
    assert approver_for(ApproverRole.HEAD_OF_OFFICE, PEOPLE[HEAD], ORG).person_id == MO
    assert approver_for(ApproverRole.VETTING_OFFICER, PEOPLE[STAFF], ORG).person_id == DEPUTY


def test_next_up_and_escalation() -> None:
    assert next_up(MANAGER, ORG) == HEAD
    assert next_up(HEAD, ORG) == MO
    assert escalation_target(MANAGER, STAFF, ORG) == Approver(HEAD, ApproverRole.LINE_MANAGER)
    # The head has no manager: the monitoring officer; never the declarant.
    assert escalation_target(HEAD, MO, ORG) == NoApprover("There is no one above to escalate to.")
