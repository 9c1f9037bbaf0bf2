"""Who decides on a declaration.

"No one approves their own declaration. Where the line manager is the declarant's only route
(e.g. the head of office declares), it goes to the next role up" (DOMAIN.md, People and roles).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from bot.rules.roles import ApproverRole, Role


@dataclass(frozen=True)
class Person:
    id: int
    roles: frozenset[str] = frozenset()
    line_manager_id: int | None = None


class Holders(Protocol):
    """The current holder of each office-wide role, if the org chart names one: an
    OfficeHolders, or a view that reads them when routing first asks (storage.staff)."""

    @property
    def head_of_office_id(self) -> int | None: ...

    @property
    def monitoring_officer_id(self) -> int | None: ...

    @property
    def vetting_officer_id(self) -> int | None: ...


@dataclass(frozen=True)
class OfficeHolders:
    """The current holder of each office-wide role, if the org chart names one."""

    head_of_office_id: int | None = None
    monitoring_officer_id: int | None = None
    vetting_officer_id: int | None = None


@dataclass(frozen=True)
class Approver:
    person_id: int
    role: ApproverRole
    delegated_from: int | None = None  # the approver whose deputy this is


@dataclass(frozen=True)
class NeedsChoice:
    """The org chart gives no line manager: the declarant picks one in the form."""


@dataclass(frozen=True)
class NoApprover:
    reason: str


Routing = Approver | NeedsChoice | NoApprover


def _office_holder(
    declarant: Person, holders: Holders, role: ApproverRole
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
    declarant: Person, holders: Holders, chosen_id: int | None = None
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


def disposal_approver(declarant: Person, holders: Holders) -> Approver | NoApprover:
    """Gifts received without warning go to the monitoring officer, who decides whether to
    return them or how to deal with them (combined-authority §15.6); the monitoring
    officer's own go to the head of office."""
    if Role.MONITORING_OFFICER in declarant.roles:
        return _office_holder(declarant, holders, ApproverRole.HEAD_OF_OFFICE)
    return _office_holder(declarant, holders, ApproverRole.MONITORING_OFFICER)


@dataclass(frozen=True)
class Org:
    """What routing needs to know of the office: values, or views of the database that read
    only what routing asks of them (storage.staff.org_view)."""

    people: Mapping[int, Person]
    holders: Holders
    # delegator -> deputy, for delegations in force today
    deputies: Mapping[int, int] = field(default_factory=dict)


def next_up(person_id: int, org: Org, excluded: frozenset[int] = frozenset()) -> int | None:
    """The next role up from a person: their own line manager, else the monitoring officer,
    else the head of office — skipping anyone excluded (DOMAIN.md, People and roles)."""
    person = org.people.get(person_id)
    candidates = [
        person.line_manager_id if person else None,
        org.holders.monitoring_officer_id,
        org.holders.head_of_office_id,
    ]
    for candidate in candidates:
        if candidate is not None and candidate != person_id and candidate not in excluded:
            return candidate
    return None


def _seat(role: ApproverRole, declarant: Person, org: Org, chosen_id: int | None) -> Routing:
    holders = org.holders
    if role is ApproverRole.LINE_MANAGER:
        return line_approver(declarant, holders, chosen_id)
    if role is ApproverRole.HEAD_OF_OFFICE:
        if Role.HEAD_OF_OFFICE in declarant.roles:
            return _office_holder(declarant, holders, ApproverRole.MONITORING_OFFICER)
        return _office_holder(declarant, holders, ApproverRole.HEAD_OF_OFFICE)
    if role is ApproverRole.MONITORING_OFFICER:
        return disposal_approver(declarant, holders)
    if holders.vetting_officer_id is None:
        return NoApprover("The org chart names no vetting officer.")
    if holders.vetting_officer_id == declarant.id:
        return _office_holder(declarant, holders, ApproverRole.HEAD_OF_OFFICE)
    return Approver(holders.vetting_officer_id, role)


def approver_for(
    role: ApproverRole,
    declarant: Person,
    org: Org,
    *,
    named: frozenset[int] = frozenset(),
    chosen_id: int | None = None,
) -> Routing:
    """Who sits in `role` for this declaration, today.

    Nobody decides on their own declaration, nor where they are named in it (a relative in a
    recruitment, say): the step moves to the next role up (combined-authority §6; warwickshire
    "Conflicts of Interest"). An approver on leave has handed their approvals to a deputy.
    """
    excluded = named | {declarant.id}
    seat = _seat(role, declarant, org, chosen_id)
    if not isinstance(seat, Approver):
        return seat
    person_id: int | None = seat.person_id
    seen: set[int] = set()
    while person_id is not None and person_id in excluded and person_id not in seen:
        seen.add(person_id)
        person_id = next_up(person_id, org, excluded)
    if person_id is None or person_id in excluded:
        return NoApprover("Everyone who could decide this is named in it.")
    return _or_deputy(person_id, seat.role, org, excluded)


def escalation_target(
    approver_id: int, declarant_id: int, org: Org, named: frozenset[int] = frozenset()
) -> Approver | NoApprover:
    """Where a step that has waited too long goes: the approver's own line manager, else the
    monitoring officer (issue 3: approvals that never stall)."""
    excluded = named | {declarant_id, approver_id}
    target = next_up(approver_id, org, excluded)
    if target is None:
        return NoApprover("There is no one above to escalate to.")
    return _or_deputy(target, ApproverRole.LINE_MANAGER, org, excluded)


def _or_deputy(person_id: int, role: ApproverRole, org: Org, excluded: frozenset[int]) -> Approver:
    """The person, or the deputy standing in for them unless the deputy is excluded too."""
    deputy = org.deputies.get(person_id)
    if deputy is not None and deputy not in excluded:
        return Approver(deputy, role, delegated_from=person_id)
    return Approver(person_id, role)


def step_escalation_target(
    *,
    approver_id: int,
    delegated_from_id: int | None,
    declarant_id: int,
    named_staff_id: int | None,
    holding_waiting_steps: Iterable[int],
    previous_holders: Iterable[int],
    org: Org,
) -> Approver | NoApprover:
    """Where one waiting step escalates: the next role up from whoever holds the seat (the
    delegator, for a deputy's step), never the declarant, anyone named, anyone holding another
    of the declaration's waiting steps, or anyone who held the step before (so it never goes
    back down). The sweep's chase and the morning digest's forecast both ask this."""
    excluded = set(holding_waiting_steps) | set(previous_holders)
    if named_staff_id is not None:
        excluded.add(named_staff_id)
    seat_owner = delegated_from_id or approver_id
    return escalation_target(seat_owner, declarant_id, org, frozenset(excluded))
