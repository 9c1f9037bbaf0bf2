"""/conduct reassign: an admin moves any waiting item to another approver (issue 3,
"Reassignment"), from a modal or as `/conduct reassign GH-00001 @person [reason]`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt import Ack
from sqlmodel import Session, select

from bot import engine
from bot.notifier import Notifier
from bot.rules.notices import join_words
from bot.rules.roles import ApproverRole, Role
from bot.rules.routing import Approver
from bot.rules.status import DeclarationStatus
from handlers.conduct import ConductRequest
from handlers.reassign.ids import REASON_MAX, Field, action_id
from handlers.reassign.service import announce_moves, warn_to_log
from handlers.reassign.views import done_view, reassign_modal
from storage import declarations, staff
from storage.db import Database
from storage.models import Declaration, Staff

NOT_ADMIN = "Only an admin can reassign approvals. Ask an admin, or the monitoring officer."
USAGE = (
    "To reassign: `/conduct reassign` for the form, or `/conduct reassign GH-00001 @person` "
    "followed by the reason."
)
SHORTCUT_REASON = "reassigned by an admin"

_REFERENCE = re.compile(r"^[A-Za-z]{2,4}-\d{1,9}$")
# With should_escape, Slack sends a mention as <@U123|name> (or <@U123>).
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def parse_reference(raw: str) -> str | None:
    text = raw.strip()
    return text.upper() if _REFERENCE.match(text) else None


def parse_mention(raw: str) -> str | None:
    match = _MENTION.match(raw.strip())
    return match.group(1) if match else None


def _admin(session: Session, slack_id: str) -> Staff | None:
    me = staff.by_slack_id(session, slack_user_id=slack_id)
    return me if me is not None and Role.ADMIN in me.role_set else None


@dataclass(frozen=True)
class Problem:
    field: Field
    message: str


@dataclass(frozen=True)
class Done:
    moved: engine.Moved
    reference: str
    from_name: str
    to_name: str
    why: str


def reassign(
    session: Session,
    *,
    admin: Staff,
    reference: str,
    to_slack_id: str | None,
    from_slack_id: str | None,
    reason: str,
    now: datetime,
) -> Done | Problem:
    """Check the request against the routing rules and move the step; the caller commits.
    Nobody decides their own declaration, nor one they are named in (combined-authority §6;
    warwickshire "Conflicts of Interest")."""
    declaration = session.exec(
        select(Declaration).where(Declaration.reference == reference)
    ).first()
    if declaration is None or declaration.id is None:
        return Problem(Field.REFERENCE, f"No declaration has the reference {reference}.")
    record = declarations.load_record(session, declaration_id=declaration.id)
    assert record is not None
    waiting = record.pending_steps
    if declaration.status != DeclarationStatus.PENDING or not waiting:
        status = declaration.status.replace("_", " ")
        return Problem(Field.REFERENCE, f"{reference} is not waiting for anyone ({status}).")
    names = join_words([record.name_of(s.approver_id) or "someone" for s in waiting])
    if from_slack_id:
        current = staff.by_slack_id(session, slack_user_id=from_slack_id)
        steps = [
            s
            for s in waiting
            if current is not None and current.id in (s.approver_id, s.delegated_from_id)
        ]
        if not steps:
            return Problem(
                Field.CURRENT, f"{reference} is not waiting for them; it is with {names}."
            )
        step = steps[0]
    elif len(waiting) > 1:
        return Problem(Field.CURRENT, f"{reference} is with {names}: say whose step moves.")
    else:
        step = waiting[0]
    to = staff.by_slack_id(session, slack_user_id=to_slack_id or "")
    if to is None or to.id is None:
        return Problem(Field.APPROVER, "That person isn't in the org chart: choose someone who is.")
    if to.id == declaration.declarant_id:
        return Problem(Field.APPROVER, "Nobody decides their own declaration: choose someone else.")
    if to.id == declaration.named_staff_id:
        return Problem(
            Field.APPROVER, "They are named in this declaration, so they can't decide it."
        )
    if to.id == step.approver_id:
        return Problem(Field.APPROVER, f"{reference} is already with {to.display_name}.")
    if any(s.approver_id == to.id for s in waiting):
        return Problem(Field.APPROVER, f"{to.display_name} is already deciding {reference}.")
    from_name = record.name_of(step.approver_id) or "the approver"
    why = f"reassigned by {admin.display_name}: {reason}"
    moved = engine.move(
        session,
        step=step,
        to=Approver(to.id, ApproverRole(step.role)),
        why=reason,
        actor_id=admin.id,
        now=now,
    )
    if moved is None:
        return Problem(Field.REFERENCE, f"{reference} changed just now: please try again.")
    return Done(moved, reference, from_name, to.display_name, why)


def _confirmation(done: Done) -> str:
    return (
        f"{done.reference} is now with {done.to_name} (it was with {done.from_name}). "
        "They, and the member of staff, have been told."
    )


def _announce(db: Database, notifier: Notifier, done: Done) -> None:
    announce_moves(
        db,
        notifier,
        [done.moved],
        why=done.why,
        declarant_suffix=", who will decide it.",
        warn=warn_to_log,
    )


def reassign_command(request: ConductRequest) -> None:
    """`/conduct reassign` opens the form (prefilled with a reference if one is given);
    `/conduct reassign GH-00001 @person [reason]` does it at once."""
    with request.db.session() as session:
        admin = _admin(session, request.user_id)
    if admin is None:
        request.reply(NOT_ADMIN)
        return
    args = request.args
    if len(args) <= 1:
        reference = parse_reference(args[0]) if args else ""
        if args and reference is None:
            request.reply(USAGE)
            return
        request.ack()
        request.client.views_open(
            trigger_id=request.command["trigger_id"],
            view=reassign_modal(reference=reference or ""),
        )
        return
    reference, to_slack_id = parse_reference(args[0]), parse_mention(args[1])
    if reference is None or to_slack_id is None:
        request.reply(USAGE)
        return
    reason = " ".join(args[2:]).strip()[:REASON_MAX] or SHORTCUT_REASON
    with request.db.session() as session:
        admin = _admin(session, request.user_id)
        assert admin is not None
        done = reassign(
            session,
            admin=admin,
            reference=reference,
            to_slack_id=to_slack_id,
            from_slack_id=None,
            reason=reason,
            now=request.clock(),
        )
        if isinstance(done, Problem):
            session.rollback()
            hint = " Use `/conduct reassign` for the form." if done.field is Field.CURRENT else ""
            request.reply(done.message + hint)
            return
        session.commit()
    request.reply(_confirmation(done))
    _announce(request.db, request.notifier, done)


def _state(values: dict[str, Any], field: Field) -> dict[str, Any]:
    return values.get(field.value, {}).get(action_id(field), {}) or {}


def submit_reassign(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    db: Database,
    notifier: Notifier,
    clock: Callable[[], datetime],
) -> None:
    values = view["state"]["values"]
    raw_reference = _state(values, Field.REFERENCE).get("value") or ""
    reason = (_state(values, Field.REASON).get("value") or "").strip()
    errors: dict[str, str] = {}
    reference = parse_reference(raw_reference)
    if reference is None:
        errors[Field.REFERENCE] = "Give the reference as in the messages, e.g. GH-00001."
    to_slack_id = _state(values, Field.APPROVER).get("selected_user")
    if not to_slack_id:
        errors[Field.APPROVER] = "Please choose the new approver."
    if not reason:
        errors[Field.REASON] = "Please say why: it goes in the audit trail."
    elif len(reason) > REASON_MAX:
        errors[Field.REASON] = f"Please keep this to {REASON_MAX} characters or fewer."
    if errors:
        ack(response_action="errors", errors=errors)
        return
    assert reference is not None
    with db.session() as session:
        admin = _admin(session, body["user"]["id"])
        if admin is None:
            ack(response_action="errors", errors={Field.REFERENCE: NOT_ADMIN})
            return
        done = reassign(
            session,
            admin=admin,
            reference=reference,
            to_slack_id=to_slack_id,
            from_slack_id=_state(values, Field.CURRENT).get("selected_user"),
            reason=reason,
            now=clock(),
        )
        if isinstance(done, Problem):
            session.rollback()
            ack(response_action="errors", errors={done.field: done.message[:150]})
            return
        session.commit()
    ack(response_action="update", view=done_view(_confirmation(done)))
    _announce(db, notifier, done)
