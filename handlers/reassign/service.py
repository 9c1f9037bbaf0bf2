"""Moving waiting steps between approvers — when the org chart gives someone a new line
manager, or when an admin reassigns an item — and telling the people concerned.

The database work (engine.move, conditional) commits first; the DMs follow, and a DM that
fails is reported through `warn`, never undoing the move."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlmodel import col, select

from bot import engine
from bot.notifier import Message, Notifier
from bot.rules.roles import ApproverRole
from bot.rules.routing import Approver, approver_for
from bot.rules.status import DeclarationStatus, StepStatus
from handlers.approvals import delivery
from handlers.approvals.kinds import kind_of
from handlers.text import clip, escape
from storage import declarations, staff
from storage.db import Database
from storage.models import ApprovalStep, Declaration
from storage.staff import ManagerChange

log = logging.getLogger(__name__)

ORG_CHART_CHANGED = "the org chart changed"

Warn = Callable[[str], None]


def follow_new_managers(
    db: Database, changes: Sequence[ManagerChange], *, now: datetime
) -> list[engine.Moved]:
    """Waiting line-manager steps of people whose manager changed go to the new manager.

    Only steps the old manager holds in their own right move: a step a deputy holds, one
    escalated above the old manager, or one routed past a named colleague is not the old
    manager's to hand on. The new manager is found by the ordinary routing rules, so nobody
    gets their own declaration, a named colleague is skipped and a deputy in force stands in.
    """
    moves: list[engine.Moved] = []
    wanted = [c for c in changes if c.old_manager_id is not None and c.new_manager_id]
    if not wanted:
        return moves
    with db.session() as session:
        org = staff.org_view(session, on=now.date())
        for change in wanted:
            rows = session.exec(
                select(ApprovalStep, Declaration)
                .join(Declaration, col(Declaration.id) == col(ApprovalStep.declaration_id))
                .where(
                    Declaration.declarant_id == change.staff_id,
                    Declaration.status == DeclarationStatus.PENDING,
                    ApprovalStep.status == StepStatus.PENDING,
                    ApprovalStep.role == ApproverRole.LINE_MANAGER.value,
                    ApprovalStep.approver_id == change.old_manager_id,
                    col(ApprovalStep.delegated_from_id).is_(None),
                )
                .order_by(col(ApprovalStep.id))
            ).all()
            for step, declaration in rows:
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
                if moved is not None:
                    moves.append(moved)
        session.commit()
    return moves


def follow_and_announce(
    db: Database,
    notifier: Notifier,
    changes: Sequence[ManagerChange],
    *,
    now: datetime,
    warn: Warn,
) -> int:
    """After an org chart import: waiting steps follow the new line managers (committed
    first), then everyone concerned is told. How many steps moved."""
    moves = follow_new_managers(db, changes, now=now)
    announce_moves(
        db,
        notifier,
        moves,
        why=ORG_CHART_CHANGED,
        declarant_suffix=", your line manager in the updated org chart.",
        warn=warn,
    )
    return len(moves)


def announce_moves(
    db: Database,
    notifier: Notifier,
    moves: Sequence[engine.Moved],
    *,
    why: str,
    declarant_suffix: str,
    warn: Warn,
) -> None:
    """After the moves are committed: the old DM loses its buttons and says where the step
    went, the new approver gets the card, and the member of staff is told who has it now
    ("… is now with Eve Other" + `declarant_suffix`)."""
    for moved in moves:
        with db.session() as session:
            record = declarations.load_record(session, declaration_id=moved.declaration_id)
            from_person = staff.by_id(session, staff_id=moved.from_id)
        if record is None:
            continue
        reference = record.declaration.reference or ""
        to_name = record.name_of(moved.to_id) or "someone else"
        from_name = from_person.display_name if from_person else "the previous approver"
        _guarded(
            warn,
            f"could not update {from_name}'s message about {reference}",
            delivery.moved_away,
            db,
            notifier,
            step_id=moved.step_id,
            channel=moved.old_channel,
            ts=moved.old_ts,
            why=why,
        )
        _guarded(
            warn,
            f"could not send {reference} to {to_name}",
            delivery.deliver,
            db,
            notifier,
            [moved.step_id],
        )
        what = kind_of(record.declaration.kind).describe(record)
        text = f"{escape(sentence_case(what))} ({reference}) is now with {escape(to_name)}"
        _guarded(
            warn,
            f"could not tell {record.declarant.display_name} that {reference} moved",
            delivery.tell,
            notifier,
            record.declarant.slack_user_id,
            Message(text=clip(text + declarant_suffix, 3000)),
        )


def _guarded(warn: Warn, what: str, send: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    """A DM that fails is reported, and the others still go."""
    try:
        send(*args, **kwargs)
    except SlackApiError as exc:
        warn(f"{what}: Slack answered {exc.response.get('error') or exc.response.status_code}")
    except (SlackClientError, OSError) as exc:
        warn(f"{what}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")


def warn_to_log(message: str) -> None:
    log.warning("%s", message)


def sentence_case(text: str) -> str:
    """Capitalise the first letter only ("the gift from Acme" -> "The gift from Acme")."""
    return text[:1].upper() + text[1:]
