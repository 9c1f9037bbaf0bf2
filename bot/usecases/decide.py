"""Deciding a step: the guard, the conditional update, the chain moving on, and the messages
it owes, in one transaction (the outbox's worker sends them after the ack). For every
decision button and form, on every platform, for every kind of declaration. The declaration
is locked before it is read (storage.declarations.lock): two approvers of one stage deciding
at once take turns, and the second moves the chain on from the first's decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from sqlmodel import Session

from bot import engine
from bot.rules import approvals as rules
from bot.rules.permissions import Verdict, may_decide_step
from bot.rules.refusal import STALE_BUTTON, Refused
from bot.rules.roles import Role
from bot.rules.status import StepStatus
from bot.usecases import owed
from bot.usecases.kinds import kind_of
from storage import audit, declarations, staff
from storage.db import Database
from storage.declarations import Record
from storage.models import ApprovalStep, Staff

UNKNOWN = "Nolan doesn't know you or this declaration any more."
NOT_A_DECISION = "That is not a decision this step can take."


@dataclass(frozen=True)
class Decidable:
    """The step waits for this person's decision: enough to ask them for its words."""

    step_id: int
    reference: str
    purpose: str


@dataclass(frozen=True)
class Outcome:
    """A decision recorded: the step, the declaration's status after it, the steps the chain
    opened next and those it closed; the messages owed are in the outbox."""

    step_id: int
    declaration_id: int
    reference: str
    purpose: str
    outcome: str
    status: str  # the declaration's, once the chain has moved on
    decider_name: str
    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    # The decided step and its record as the decision left them (committed), for an answer
    # that redraws the step's card at once (Teams' invoke response) without reading it again.
    decided: tuple[ApprovalStep, Record] | None = field(default=None, compare=False, repr=False)


def _load(
    session: Session, actor: Staff | None, step_id: int
) -> tuple[Staff, ApprovalStep, Record, Verdict]:
    """The step, its declaration, and whether the actor may decide it. The actor is the
    adapter's row, read in this request (by the platform's id): not read again (issue 10)."""
    found = owed.step_and_record(session, step_id) if actor is not None else None
    if actor is None or actor.id is None or found is None:
        raise Refused(UNKNOWN)
    step, record = found
    verdict = may_decide_step(
        actor.id,
        approver_id=step.approver_id,
        declarant_id=record.declarant.id or 0,
        named_staff_id=record.declaration.named_staff_id,
        delegated_from_id=step.delegated_from_id,
        actor_is_monitoring_officer=Role.MONITORING_OFFICER in actor.role_set,
        approver_name=record.name_of(step.approver_id) or "the assigned approver",
    )
    return actor, step, record, verdict


def _already(record: Record, step: ApprovalStep) -> str:
    name = record.name_of(step.decided_by_id) or "someone else"
    if step.status in (StepStatus.CLOSED, StepStatus.WITHDRAWN):
        return f"This is no longer waiting for a decision ({step.status})."
    return f"This was already decided ({step.status.replace('_', ' ')}) by {name}."


def check(db: Database, *, actor: Staff | None, step_id: int) -> Decidable:
    """May this person decide this step now? (Before opening a form for its words.) Raises
    Refused with the reason when not."""
    with db.session() as session:
        _actor, step, record, verdict = _load(session, actor, step_id)
        if not verdict.allowed:
            raise Refused(verdict.reason)
        if step.status != StepStatus.PENDING:
            raise Refused(_already(record, step))
        return Decidable(step_id, record.declaration.reference or "", step.purpose)


def decide(
    db: Database,
    *,
    actor: Staff | None,
    step_id: int,
    outcome: str,
    reason: str | None,
    now: datetime,
    tz: tzinfo = UTC,
    redrawn: str | None = None,
) -> Outcome:
    """Record the decision once, move the chain on, and owe its messages — the card redrawn
    without buttons, the next stage's cards, the outcome to the declarant — in one short
    transaction, committed before the platform is answered. Raises Refused (nothing decided)
    for someone who may not decide it, a decision the step can't take, missing words, or a
    step no longer waiting; a refused attempt is in the audit trail. `redrawn`: the place
    (ts) of the copy of the card pressed, when the platform's answer to the press redraws it
    (Teams: the invoke response replaces the pressed card): that copy's update is recorded as
    made, not sent again (owed.owe_decided)."""
    with db.session() as session:
        declarations.lock_of_steps(session, [step_id])  # before anything of it is read
        return _decide(
            session, _load(session, actor, step_id), step_id=step_id, outcome=outcome,
            reason=reason, now=now, tz=tz, redrawn=redrawn,
        )


def press(
    db: Database,
    *,
    actor: Staff | None,
    step_id: int,
    outcome: str,
    now: datetime,
    tz: tzinfo = UTC,
) -> Outcome | Decidable:
    """A decision button pressed: decided at once (as `decide`), or, where the decision needs
    words (a refusal's reason, conditions), the step to ask them for, nothing decided. Refused
    as `check` refuses (nothing audited), and for an outcome the step cannot take. One
    transaction: the step is read once, not once to check and again to decide (issue 10)."""
    with db.session() as session:
        declarations.lock_of_steps(session, [step_id])  # before anything of it is read
        loaded = _load(session, actor, step_id)
        _actor, step, record, verdict = loaded
        if not verdict.allowed:
            raise Refused(verdict.reason)
        if step.status != StepStatus.PENDING:
            raise Refused(_already(record, step))
        spec = rules.spec(step.purpose, outcome)
        if spec is None:
            raise Refused(STALE_BUTTON)
        if spec.text is not rules.Text.NONE:
            return Decidable(step_id, record.declaration.reference or "", step.purpose)
        return _decide(
            session, loaded, step_id=step_id, outcome=outcome, reason=None, now=now, tz=tz
        )


def _decide(
    session: Session,
    loaded: tuple[Staff, ApprovalStep, Record, Verdict],
    *,
    step_id: int,
    outcome: str,
    reason: str | None,
    now: datetime,
    tz: tzinfo,
    redrawn: str | None = None,
) -> Outcome:
    actor, step, record, verdict = loaded
    assert actor.id is not None
    if not verdict.allowed:
        audit.for_step(session, step, action="decision_refused", actor_id=actor.id, outcome=outcome)
        session.commit()
        raise Refused(verdict.reason)
    if not rules.valid_outcome(step.purpose, outcome):
        raise Refused(NOT_A_DECISION)
    problem = rules.text_problem(step.purpose, outcome, reason or "")
    if problem:
        raise Refused(problem)
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
        raise Refused(_already(fresh, fresh_step) if fresh and fresh_step else UNKNOWN)
    # The claim refreshed `step`, one of record.steps, with the row it changed; its decider
    # is one of the record's people now. The other steps were read under the declaration's
    # lock, after any other approver's decision committed: the chain moves on from them.
    record.people.setdefault(actor.id, actor)
    audit.for_step(
        session,
        step,
        action="decided",
        actor_id=actor.id,
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
    owed.owe_decided(
        session,
        step,
        redrawn=redrawn,
        closed=closed,
        opened=list(advanced.opened.steps),
        declarant_id=record.declarant.id or 0,
        decider_id=actor.id,
    )
    session.commit()
    return Outcome(
        step_id=step_id,
        declaration_id=step.declaration_id,
        reference=record.declaration.reference or "",
        purpose=step.purpose,
        outcome=outcome,
        status=advanced.status,
        decider_name=actor.display_name,
        opened=opened,
        closed=closed,
        decided=(step, record),
    )
