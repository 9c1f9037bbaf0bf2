"""Reassignment (issue 3, "Reassignment"): an admin moves any waiting item to another
approver; and after an org chart import, waiting line-manager steps follow people's new line
managers. Each move owes its messages through the outbox (bot.usecases.moves): the old card
loses its buttons, the new approver gets the card, and the member of staff is told who has it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot import engine
from bot.rules.notices import join_words
from bot.rules.refusal import Refused
from bot.rules.roles import ApproverRole, Role
from bot.rules.routing import Approver, approver_for
from bot.rules.status import DeclarationStatus
from bot.ui.reassign import REASON_MAX
from bot.ui.reassign import ReassignField as Field
from bot.usecases.moves import Because, Owed, owe_moved
from storage import declarations, staff
from storage import reassign as store
from storage.models import Staff
from storage.org_import import ManagerChange

NOT_ADMIN = "Only an admin can reassign approvals. Ask an admin, or the monitoring officer."
BAD_REFERENCE = "Give the reference as in the messages, e.g. GH-00001."
NO_APPROVER = "Please choose the new approver."
NO_REASON = "Please say why: it goes in the audit trail."
ORG_CHART_CHANGED = "the org chart changed"
# A person chosen on the form whom the org chart does not know (staff ids start at 1).
NOBODY = 0


_REFERENCE = re.compile(r"^[A-Za-z]{2,4}-\d{1,9}$")


def is_admin(person: Staff | None) -> bool:
    return person is not None and Role.ADMIN in person.role_set


def parse_reference(raw: str) -> str | None:
    text = raw.strip()
    return text.upper() if _REFERENCE.match(text) else None


def check_form(raw_reference: str, *, approver_chosen: bool, reason: str) -> str:
    """The reassign form's answers, checked before anything is looked up: the reference
    (upper case); Refused with every field found wrong."""
    errors: dict[str, str] = {}
    reference = parse_reference(raw_reference)
    if reference is None:
        errors[Field.REFERENCE] = BAD_REFERENCE
    if not approver_chosen:
        errors[Field.APPROVER] = NO_APPROVER
    if not reason:
        errors[Field.REASON] = NO_REASON
    elif len(reason) > REASON_MAX:
        errors[Field.REASON] = f"Please keep this to {REASON_MAX} characters or fewer."
    if errors or reference is None:
        raise Refused.on_fields(errors)
    return reference


@dataclass(frozen=True)
class Reassigned:
    moved: engine.Moved
    reference: str
    from_name: str
    to_name: str
    owed: list[Owed] = field(default_factory=list)

    @property
    def confirmation(self) -> str:
        """What the admin is told."""
        return (
            f"{self.reference} is now with {self.to_name} (it was with {self.from_name}). "
            "They, and the member of staff, have been told."
        )


def reassign(
    session: Session,
    *,
    admin: Staff | None,
    reference: str,
    to_id: int | None,
    from_id: int | None,
    reason: str,
    now: datetime,
) -> Reassigned:
    """Move the waiting step of `reference` — the one `from_id` holds, or its only one — to
    `to_id`, and owe the messages; commits. Refused (on the form's field) when it may not be.
    Nobody decides their own declaration, nor one they are named in (combined-authority §6;
    warwickshire "Conflicts of Interest"). `to_id` None or NOBODY: not in the org chart."""
    if not is_admin(admin):
        raise Refused(NOT_ADMIN, Field.REFERENCE)
    assert admin is not None
    declaration = store.by_reference(session, reference=reference)
    if declaration is None or declaration.id is None:
        raise Refused(f"No declaration has the reference {reference}.", Field.REFERENCE)
    declarations.lock(session, [declaration.id])  # as a decision does: one at a time
    record = declarations.load_record(session, declaration_id=declaration.id)
    assert record is not None
    waiting = record.pending_steps
    if declaration.status != DeclarationStatus.PENDING or not waiting:
        status = declaration.status.replace("_", " ")
        raise Refused(f"{reference} is not waiting for anyone ({status}).", Field.REFERENCE)
    names = join_words([record.name_of(s.approver_id) or "someone" for s in waiting])
    if from_id is not None:
        steps = [s for s in waiting if from_id in (s.approver_id, s.delegated_from_id)]
        if not steps:
            raise Refused(
                f"{reference} is not waiting for them; it is with {names}.", Field.CURRENT
            )
        step = steps[0]
    elif len(waiting) > 1:
        raise Refused(f"{reference} is with {names}: say whose step moves.", Field.CURRENT)
    else:
        step = waiting[0]
    to = staff.by_id(session, staff_id=to_id) if to_id else None
    if to is None or to.id is None:
        raise Refused("That person isn't in the org chart: choose someone who is.", Field.APPROVER)
    if to.id == declaration.declarant_id:
        raise Refused("Nobody decides their own declaration: choose someone else.", Field.APPROVER)
    if to.id == declaration.named_staff_id:
        raise Refused(
            "They are named in this declaration, so they can't decide it.", Field.APPROVER
        )
    if to.id == step.approver_id:
        raise Refused(f"{reference} is already with {to.display_name}.", Field.APPROVER)
    if any(s.approver_id == to.id for s in waiting):
        raise Refused(f"{to.display_name} is already deciding {reference}.", Field.APPROVER)
    from_name = record.name_of(step.approver_id) or "the approver"
    moved = engine.move(
        session,
        step=step,
        to=Approver(to.id, ApproverRole(step.role)),
        why=reason,
        actor_id=admin.id,
        now=now,
    )
    if moved is None:
        session.rollback()
        raise Refused(f"{reference} changed just now: please try again.", Field.REFERENCE)
    owed = owe_moved(
        session,
        moved,
        why=f"reassigned by {admin.display_name}: {reason}",
        because=Because.REASSIGNED,
        names={moved.from_id: from_name, moved.to_id: to.display_name},
        reference=reference,
    )
    session.commit()
    return Reassigned(moved, reference, from_name, to.display_name, owed)


@dataclass(frozen=True)
class Followed:
    moves: list[engine.Moved] = field(default_factory=list)
    owed: list[Owed] = field(default_factory=list)


def follow_new_managers(
    session: Session, changes: Sequence[ManagerChange], *, now: datetime
) -> Followed:
    """Waiting line-manager steps of people whose manager changed go to the new manager, and
    each owes its messages; commits.

    Only steps the old manager holds in their own right move: a step a deputy holds, one
    escalated above the old manager, or one routed past a named colleague is not the old
    manager's to hand on. The new manager is found by the ordinary routing rules, so nobody
    gets their own declaration, a named colleague is skipped and a deputy in force stands in.
    """
    followed = Followed()
    wanted = [c for c in changes if c.old_manager_id is not None and c.new_manager_id]
    if not wanted:
        return followed
    org = staff.org_view(session, on=now.date())
    held = [
        found
        for change in wanted
        for found in store.held_as_line_manager(
            session, declarant_id=change.staff_id, manager_id=change.old_manager_id or 0
        )
    ]
    # Every declaration whose step may move, held at once (as a decision holds one): each
    # move is conditional on the step as read, so one decided meanwhile stays.
    declarations.lock(session, [d.id for _step, d in held if d.id is not None])
    for step, declaration in held:
        declarant = staff.by_id(session, staff_id=declaration.declarant_id)
        assert declarant is not None
        person = org.people.get(declarant.id or 0) or staff.as_person(declarant)
        named = frozenset({declaration.named_staff_id} - {None})
        target = approver_for(
            ApproverRole.LINE_MANAGER,
            person,
            org,
            named=named,  # type: ignore[arg-type]
            chosen_id=declaration.chosen_approver_id,
        )
        if not isinstance(target, Approver) or target.person_id == step.approver_id:
            continue
        moved = engine.move(
            session, step=step, to=target, why=ORG_CHART_CHANGED, actor_id=None, now=now
        )
        if moved is None:
            continue
        people = staff.by_ids(session, ids={moved.from_id, moved.to_id})
        followed.moves.append(moved)
        followed.owed.extend(
            owe_moved(
                session,
                moved,
                why=ORG_CHART_CHANGED,
                because=Because.ORG_CHART,
                names={i: p.display_name for i, p in people.items()},
                reference=declaration.reference or "",
            )
        )
    session.commit()
    return followed
