"""Who decides on a declaration.

"No one approves their own declaration. Where the line manager is the declarant's only route
(e.g. the head of office declares), it goes to the next role up" (DOMAIN.md, People and roles).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.rules.roles import ApproverRole, Role


@dataclass(frozen=True)
class Person:
    id: int
    roles: frozenset[str] = frozenset()
    line_manager_id: int | None = None


@dataclass(frozen=True)
class OfficeHolders:
    """The current holder of each office-wide role, if the org chart names one."""

    head_of_office_id: int | None = None
    monitoring_officer_id: int | None = None


@dataclass(frozen=True)
class Approver:
    person_id: int
    role: ApproverRole


@dataclass(frozen=True)
class NeedsChoice:
    """The org chart gives no line manager: the declarant picks one in the form."""


@dataclass(frozen=True)
class NoApprover:
    reason: str


Routing = Approver | NeedsChoice | NoApprover


def _office_holder(
    declarant: Person, holders: OfficeHolders, role: ApproverRole
) -> Approver | NoApprover:
    person_id = (
        holders.monitoring_officer_id
        if role is ApproverRole.MONITORING_OFFICER
        else holders.head_of_office_id
    )
    if person_id is None:
        return NoApprover(f"The org chart names no {role.value.replace('_', ' ')}.")
    if person_id == declarant.id:
        return NoApprover("You hold the only role that could decide this.")
    return Approver(person_id, role)


def line_approver(
    declarant: Person, holders: OfficeHolders, chosen_id: int | None = None
) -> Routing:
    """The first approver of a gift or hospitality declaration: the line manager.

    Hospitality is authorised by the line manager (cumbria "Hospitality and Gifts";
    combined-authority §15.2). The head of office has no manager above, so goes to the
    monitoring officer; the monitoring officer's own declaration goes to the head of office.
    Anyone else without a manager in the org chart picks one, and may not pick themselves.
    """
    if Role.HEAD_OF_OFFICE in declarant.roles:
        return _office_holder(declarant, holders, ApproverRole.MONITORING_OFFICER)
    if Role.MONITORING_OFFICER in declarant.roles:
        return _office_holder(declarant, holders, ApproverRole.HEAD_OF_OFFICE)
    if declarant.line_manager_id is not None and declarant.line_manager_id != declarant.id:
        return Approver(declarant.line_manager_id, ApproverRole.LINE_MANAGER)
    if chosen_id is not None:
        if chosen_id == declarant.id:
            return NoApprover("You can't approve your own declaration: choose your manager.")
        return Approver(chosen_id, ApproverRole.LINE_MANAGER)
    return NeedsChoice()


def disposal_approver(declarant: Person, holders: OfficeHolders) -> Approver | NoApprover:
    """Gifts received without warning go to the monitoring officer, who decides whether to
    return them or how to deal with them (combined-authority §15.6); the monitoring
    officer's own go to the head of office."""
    if Role.MONITORING_OFFICER in declarant.roles:
        return _office_holder(declarant, holders, ApproverRole.HEAD_OF_OFFICE)
    return _office_holder(declarant, holders, ApproverRole.MONITORING_OFFICER)
