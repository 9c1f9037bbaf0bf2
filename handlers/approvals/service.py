"""Deciding a step: the guard, the conditional update, then the DMs. Shared by every
decision button and the decline form."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.notifier import Notifier, Posted
from bot.rules.approvals import declaration_status
from bot.rules.permissions import Verdict, may_decide
from bot.rules.roles import Role
from handlers.approvals.messages import approval_message
from handlers.gifts.cards import declarant_outcome, gift_card
from storage import audit, declarations, staff
from storage.db import Database
from storage.models import ApprovalStep, Staff

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    decided: bool
    message: str = ""  # for the person who pressed, when nothing changed
    reference: str = ""
    # Set when a decision was recorded: what `announce` tells people about.
    record: declarations.GiftRecord | None = None
    step: ApprovalStep | None = None
    decider_name: str = ""


def _load(
    session: Session, actor_slack_id: str, step_id: int
) -> tuple[Staff, ApprovalStep, declarations.GiftRecord, Verdict] | None:
    """The actor, the step, its declaration, and whether the actor may decide it."""
    actor = staff.by_slack_id(session, slack_user_id=actor_slack_id)
    step = declarations.get_step(session, step_id=step_id)
    if actor is None or actor.id is None or step is None:
        return None
    record = declarations.load_gift(session, declaration_id=step.declaration_id)
    assert record is not None
    approver = record.people.get(step.approver_id)
    verdict = may_decide(
        actor.id,
        approver_id=step.approver_id,
        declarant_id=record.declarant.id or 0,
        actor_is_monitoring_officer=Role.MONITORING_OFFICER in actor.role_set,
        approver_name=approver.display_name if approver else "the assigned approver",
    )
    return actor, step, record, verdict


UNKNOWN = "Nolan doesn't know you or this declaration any more."


def check(db: Database, *, actor_slack_id: str, step_id: int) -> Outcome:
    """May this person decide this step now? (Before opening a form for it.)"""
    with db.session() as session:
        loaded = _load(session, actor_slack_id, step_id)
        if loaded is None:
            return Outcome(False, UNKNOWN)
        _actor, step, record, verdict = loaded
        if not verdict.allowed:
            return Outcome(False, verdict.reason)
        if step.status != "pending":
            return Outcome(False, _already(record.people, step))
        return Outcome(True, reference=record.declaration.reference or "")


def _already(people: dict, step: ApprovalStep) -> str:
    who = people.get(step.decided_by_id) if step.decided_by_id else None
    name = who.display_name if who else "someone else"
    return f"This was already decided ({step.status.replace('_', ' ')}) by {name}."


def decide(
    db: Database,
    *,
    actor_slack_id: str,
    step_id: int,
    outcome: str,
    reason: str | None,
    now: datetime,
) -> Outcome:
    """Record the decision once (fast: safe before acking a form); `announce` tells people."""
    with db.session() as session:
        loaded = _load(session, actor_slack_id, step_id)
        if loaded is None:
            return Outcome(False, UNKNOWN)
        actor, step, record, verdict = loaded
        assert actor.id is not None
        if not verdict.allowed:
            audit.record(
                session,
                action="decision_refused",
                actor_id=actor.id,
                declaration_id=step.declaration_id,
                step_id=step_id,
                outcome=outcome,
            )
            session.commit()
            return Outcome(False, verdict.reason)
        last = step.position == max(s.position for s in record.steps)
        new_status = declaration_status(step.purpose, outcome, last_step=last)
        if not declarations.claim_decision(
            session,
            step_id=step_id,
            outcome=outcome,
            decided_by_id=actor.id,
            reason=reason,
            at=now,
        ):
            session.rollback()
            fresh = declarations.get_step(session, step_id=step_id)
            people = staff.by_ids(
                session, ids={fresh.decided_by_id} if fresh and fresh.decided_by_id else set()
            )
            return Outcome(False, _already(people, fresh) if fresh else "Already decided.")
        record.declaration.status = new_status
        if step.purpose == "dispose":
            record.offer.disposal = outcome
        session.add(record.declaration)
        session.add(record.offer)
        audit.record(
            session,
            action="decided",
            actor_id=actor.id,
            declaration_id=step.declaration_id,
            step_id=step_id,
            outcome=outcome,
            reason=reason,
            on_behalf_of=step.approver_id if step.approver_id != actor.id else None,
        )
        session.commit()
        session.expire_all()  # the decision was a Core UPDATE: reload what it changed
        record = declarations.load_gift(session, declaration_id=step.declaration_id)
        assert record is not None
        step = next(s for s in record.steps if s.id == step_id)
        return Outcome(True, record=record, step=step, decider_name=actor.display_name)


def announce(db: Database, notifier: Notifier, outcome: Outcome) -> None:
    """After the decision is safe in the database: update the DM, tell the declarant."""
    record, step, decider_name = outcome.record, outcome.step, outcome.decider_name
    if record is None or step is None:
        return
    told: list[str] = []
    if step.dm_channel and step.dm_ts:
        notifier.update(
            Posted(step.dm_channel, step.dm_ts), approval_message(gift_card(record, step))
        )
        told.append("approver_dm_updated")
    if record.declarant.slack_user_id:
        notifier.dm(record.declarant.slack_user_id, declarant_outcome(record, step, decider_name))
        told.append("declarant")
    with db.session() as session:
        audit.record(
            session,
            action="notified",
            declaration_id=record.declaration.id,
            step_id=step.id,
            told=told,
        )
        session.commit()
