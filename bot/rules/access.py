"""Who may see a declaration: one rule for every view, list and search. Pure: no Slack, no SQL
(storage.access holds the same rule as a SQL filter, and tests hold the two together).

"Information concerning an employee's private affairs must not be supplied to any person
unless the consent of the officer is first obtained or where such disclosure is required or
sanctioned by law" (cumbria "Disclosure of Information"; combined-authority §3.4; derbyshire
§8). So a declaration is seen by:

- its declarant ("own");
- whoever it was routed to — an approval step's approver, the approver a deputy stands in for,
  whoever decided a step (the monitoring officer may decide in the approver's place) — while
  the step is theirs ("routed"); a step escalated or reassigned away goes with its access;
- the register keepers ("officer"): the monitoring officer, with whom the Register of
  Hospitality and Gifts is kept (derbyshire §3 g; cumbria undertaking), and the head of office,
  who keeps the Register of Officer's Interests (derbyshire §6) and grants outside work
  (derbyshire §12).

Notifications that cannot wait are narrower: charges, proceedings and vetting changes are
notified to the head of office (derbyshire §11; avon-and-somerset §3.11, §3.16) and the
vetting office (avon-and-somerset §3.16; warwickshire "Vetting"), not to the register keeper,
so the monitoring officer sees one only when it was routed to them.

Admins keep the org chart and the policies; the role alone shows them no declaration.
Every view by an officer of someone else's declaration is audited (issue 5, "Access").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.rules.roles import Role

# Kinds an officer sees only as head of office (or when routed to them).
CONFIDENTIAL_KINDS = frozenset({"notice"})
OFFICER_ROLES = frozenset({Role.MONITORING_OFFICER, Role.HEAD_OF_OFFICE})


class Why(StrEnum):
    OWN = "own"
    ROUTED = "routed"
    OFFICER = "officer"


@dataclass(frozen=True)
class Viewer:
    staff_id: int
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Subject:
    """What the rule needs to know of a declaration."""

    declarant_id: int
    kind: str
    # Everyone a step of it is routed to: approvers, those a deputy stands in for, deciders.
    routed_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Access:
    allowed: bool
    why: Why | None = None
    # An officer looking at someone else's declaration: the view goes in its audit trail.
    audited: bool = False


def is_officer(roles: Iterable[str]) -> bool:
    """The monitoring officer and the head of office keep and search the registers."""
    return bool(OFFICER_ROLES & set(roles))


def officer_sees(roles: Iterable[str], kind: str) -> bool:
    """Whether an officer's role alone shows them declarations of `kind`."""
    held = set(roles)
    if kind in CONFIDENTIAL_KINDS:
        return Role.HEAD_OF_OFFICE in held
    return is_officer(held)


def may_see(viewer: Viewer, subject: Subject) -> Access:
    """Own first, then routed, then officer: the first reason that applies is the one given."""
    own = viewer.staff_id == subject.declarant_id
    audited = is_officer(viewer.roles) and not own
    if own:
        return Access(True, Why.OWN)
    if viewer.staff_id in subject.routed_ids:
        return Access(True, Why.ROUTED, audited)
    if officer_sees(viewer.roles, subject.kind):
        return Access(True, Why.OFFICER, audited)
    return Access(False)


# The registers published or exported for the public (bot.registers); notices never are.
PUBLISHABLE_KINDS = frozenset({"gift", "interest", "outside_work"})


def may_withhold(roles: Iterable[str], kind: str, *, own: bool = False) -> bool:
    """The register keepers decide what the published register leaves out, with a reason
    (combined-authority §3.3, cumbria "Disclosure of Information": items "not for
    publication" are for the monitoring officer to advise on) — never for their own
    declaration, as no one approves their own (DOMAIN.md, People and roles)."""
    return is_officer(roles) and kind in PUBLISHABLE_KINDS and not own
