"""Deciding a step: the guard, the conditional update, the chain moving on, and the messages
it owes, in one transaction (the outbox's worker sends them after the ack). Shared by every
decision button and form, for every kind of declaration."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from sqlmodel import Session

from bot import engine
from bot.rules import approvals as rules
from bot.rules.permissions import Verdict, may_decide
from bot.rules.roles import Role
from bot.rules.status import StepStatus
from handlers.approvals import owed
from handlers.approvals.kinds import kind_of
from storage import audit, declarations, staff
from storage.db import Database
from storage.declarations import Record
from storage.models import ApprovalStep, Staff

log = logging.getLogger(__name__)

UNKNOWN = "Nolan doesn't know you or this declaration any more."


@dataclass(frozen=True)
class Outcome:
    decided: bool
    message: str = ""  # for the person who pressed, when nothing changed
    reference: str = ""
    purpose: str = ""
    declaration_id: int | None = None
    step_id: int | None = None
    decider_name: str = ""
    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)


def _load(
    session: Session, actor_slack_id: str, step_id: int
) -> tuple[Staff, ApprovalStep, Record, Verdict] | None:
    """The actor, the step, its declaration, and whether the actor may decide it."""
    actor = staff.by_slack_id(session, slack_user_id=actor_slack_id)
    step = declarations.get_step(session, step_id=step_id)
    if actor is None or actor.id is None or step is None:
        return None
    record = declarations.load_record(session, declaration_id=step.declaration_id)
    assert record is not None
    named = record.declaration.named_staff_id
    verdict = may_decide(
        actor.id,
        approver_id=step.approver_id,
        declarant_id=record.declarant.id or 0,
        actor_is_monitoring_officer=Role.MONITORING_OFFICER in actor.role_set,
        approver_name=record.name_of(step.approver_id) or "the assigned approver",
    )
    if verdict.allowed and actor.id == named:
        verdict = Verdict(False, "You are named in this declaration, so you can't decide it.")
    if not verdict.allowed and actor.id == step.delegated_from_id:
        verdict = Verdict(True)  # the approver who delegated may still decide their own
    return actor, step, record, verdict


def _already(record: Record, step: ApprovalStep) -> str:
    name = record.name_of(step.decided_by_id) or "someone else"
    if step.status in (StepStatus.CLOSED, StepStatus.WITHDRAWN):
        return f"This is no longer waiting for a decision ({step.status})."
    return f"This was already decided ({step.status.replace('_', ' ')}) by {name}."


def check(db: Database, *, actor_slack_id: str, step_id: int) -> Outcome:
    """May this person decide this step now? (Before opening a form for it.)"""
    with db.session() as session:
        loaded = _load(session, actor_slack_id, step_id)
        if loaded is None:
            return Outcome(False, UNKNOWN)
        _actor, step, record, verdict = loaded
        if not verdict.allowed:
            return Outcome(False, verdict.reason)
        if step.status != StepStatus.PENDING:
            return Outcome(False, _already(record, step))
        return Outcome(True, reference=record.declaration.reference or "", purpose=step.purpose)


def decide(
    db: Database,
    *,
    actor_slack_id: str,
    step_id: int,
    outcome: str,
    reason: str | None,
    now: datetime,
    tz: tzinfo = UTC,
) -> Outcome:
    """Record the decision once, move the chain on, and owe its messages — the card redrawn
    without buttons, the next stage's cards, the outcome to the declarant — in one short
    transaction, committed before the ack."""
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
        if not rules.valid_outcome(step.purpose, outcome):
            return Outcome(False, "That is not a decision this step can take.")
        problem = rules.text_problem(step.purpose, outcome, reason or "")
        if problem:
            return Outcome(False, problem)
        if not engine.claim(
            session,
            step_id=step_id,
            outcome=outcome,
            decided_by_id=actor.id,
            reason=reason or None,
            at=now,
        ):
            session.rollback()
            fresh = declarations.load_record(session, declaration_id=step.declaration_id)
            fresh_step = next(s for s in fresh.steps if s.id == step_id) if fresh else None
            return Outcome(False, _already(fresh, fresh_step) if fresh and fresh_step else "")
        session.expire_all()  # the decision was a Core UPDATE: reload what it changed
        record = declarations.load_record(session, declaration_id=step.declaration_id)
        assert record is not None
        step = next(s for s in record.steps if s.id == step_id)
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
        kind_of(record.declaration.kind).on_decided(session, record, step)
        # Delegations run by the office's calendar days.
        org = staff.org_view(session, on=now.astimezone(tz).date())
        advanced = engine.advance(session, record=record, step=step, org=org, now=now)
        opened = [s.id for s in advanced.opened.steps if s.id]
        closed = [s.id for s in advanced.closed if s.id]
        owed.owe_updates(session, [step_id, *closed])
        owed.owe_cards(session, list(advanced.opened.steps))
        owed.owe_outcome(
            session,
            declarant_id=record.declarant.id or 0,
            step_id=step_id,
            opened=opened,
            decider_id=actor.id,
        )
        session.commit()
        return Outcome(
            True,
            reference=record.declaration.reference or "",
            purpose=step.purpose,
            declaration_id=step.declaration_id,
            step_id=step_id,
            decider_name=actor.display_name,
            opened=opened,
            closed=closed,
        )
