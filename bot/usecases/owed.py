"""The approval messages a change owes, queued in its transaction (bot.outbox.queue) by card
name; each platform's sender draws them by that name when it sends them (Slack: the `@card`
drawers in handlers.approvals.owed): an approver's card, the card redrawn after a decision
(the buttons gone), an information copy, the outcome told to the declarant, and — the one
declare path every kind shares — a new declaration's cards and receipt."""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session

from bot.outbox import REDRAWN, Owed, Queued, queue_all, to_staff
from bot.rules import approvals as rules
from bot.rules.status import StepStatus
from bot.ui.approval import ApprovalCard, outcome_text
from bot.usecases.kinds import full_card_for, kind_of
from storage import audit, declarations, outbox
from storage.declarations import Record
from storage.models import ApprovalStep, Declaration

log = logging.getLogger(__name__)

# The cards' names, as queued and as each platform's sender draws them.
APPROVAL, UPDATE, MOVED, INFORM, OUTCOME = (
    "approval",
    "approval_update",
    "approval_moved",
    "inform",
    "outcome",
)


def step_subject(step_id: int) -> str:
    return f"step:{step_id}"


def declaration_subject(declaration_id: int) -> str:
    return f"declaration:{declaration_id}"


def _about_step(
    card: str, step_id: int, recipient: str, *, updates_id: int | None = None, **payload: Any
) -> Owed:
    """The message `card` about a step (its subject, and step_id first in the payload)."""
    return Owed(card, step_subject(step_id), recipient, {"step_id": step_id, **payload}, updates_id)


def _to_approver(card: str, step: ApprovalStep) -> Owed:
    """The message `card` to the step's approver (payload: step_id, declaration_id)."""
    assert step.id is not None
    recipient = to_staff(step.approver_id)
    return _about_step(card, step.id, recipient, declaration_id=step.declaration_id)


def owe_to_approver(session: Session, card: str, step: ApprovalStep) -> None:
    """Owe the message `card` to the step's approver (payload: step_id, declaration_id)."""
    queue_all(session, [_to_approver(card, step)])


def _about_declaration(card: str, declaration_id: int, staff_id: int, **payload: Any) -> Owed:
    """The message `card` to a member of staff about a declaration (declaration_id first in
    the payload)."""
    subject, recipient = declaration_subject(declaration_id), to_staff(staff_id)
    return Owed(card, subject, recipient, {"declaration_id": declaration_id, **payload})


def _updates(session: Session, step_ids: list[int], *, redrawn: str | None = None) -> list[Owed]:
    """`owe_updates`' messages."""
    marked = {REDRAWN: redrawn} if redrawn else {}
    owed = []
    for step_id in step_ids:
        posted = outbox.newest_about(session, kind=APPROVAL, subject=step_subject(step_id))
        updates_id, recipient = posted if posted else (None, "")
        owed.append(_about_step(UPDATE, step_id, recipient, updates_id=updates_id, **marked))
    return owed


def owe_updates(session: Session, step_ids: list[int], *, redrawn: str | None = None) -> None:
    """Each step's card is redrawn where it was posted (decided, closed, withdrawn): after the
    card itself, if that has not gone yet. `redrawn`: the place (ts) of a copy the answer to
    the press already redrew (bot.outbox.REDRAWN): that copy's update is recorded, not sent."""
    queue_all(session, _updates(session, step_ids, redrawn=redrawn))


def owe_moved(session: Session, *, step_id: int, recipient: str, updates_id: int) -> None:
    """A card that reached someone the step had already left loses its buttons."""
    queue_all(session, [_about_step(MOVED, step_id, recipient, updates_id=updates_id)])


def owe_decided(
    session: Session,
    step: ApprovalStep,
    *,
    redrawn: str | None,
    closed: list[int],
    opened: list[ApprovalStep],
    declarant_id: int,
    decider_id: int,
) -> None:
    """A decision's messages, in one statement: the decided step's card redrawn (`redrawn`:
    as `owe_updates`) and the cards of the steps it `closed`, the cards of those it `opened`,
    then the declarant told what was decided, by whom, and who decides next."""
    assert step.id is not None
    told = _about_step(
        OUTCOME,
        step.id,
        to_staff(declarant_id),
        declaration_id=step.declaration_id,
        opened=[s.id for s in opened if s.id],
        decider_id=decider_id,
    )
    queue_all(
        session,
        [
            *_updates(session, [step.id], redrawn=redrawn),
            *_updates(session, closed),
            *(_to_approver(APPROVAL, s) for s in opened),
            told,
        ],
    )


def owe_declared(
    session: Session,
    declaration: Declaration,
    steps: list[ApprovalStep],
    *,
    receipt: str,
    inform_staff_id: int | None = None,
    **details: Any,
) -> None:
    """A new declaration's messages, in the order people should get them: the approvers'
    cards, an information copy, then the declarant's receipt (the card `receipt`, drawn
    with `details`). One statement for them all."""
    assert declaration.id is not None
    owed = [_to_approver(APPROVAL, step) for step in steps]
    if inform_staff_id is not None:
        owed.append(_about_declaration(INFORM, declaration.id, inform_staff_id))
    owed.append(
        _about_declaration(receipt, declaration.id, declaration.declarant_id, **details)
    )
    queue_all(session, owed)


# -- what the messages say and record, on every platform ----------------------------------------


def notified(told: str, **detail: Any) -> Any:
    """What a message's sending writes in the audit trail: "notified", who was told, about
    the declaration (or step) the message names. A sender's after-hook: (session, message,
    where it went)."""

    def after(session: Session, message: Queued, _posted: Any) -> None:
        ids = {k: int(v) for k in ("step_id", "declaration_id") if (v := message.payload.get(k))}
        # A step's message names its declaration too, but not one queued before it did.
        if "step_id" in ids and "declaration_id" not in ids:
            declaration_id = declarations.declaration_of_step(session, step_id=ids["step_id"])
            if declaration_id is None:
                return
            ids["declaration_id"] = declaration_id
        audit.record(session, action="notified", **ids, told=[told], **detail)

    return after


def step_and_record(session: Session, step_id: int) -> tuple[ApprovalStep, Record] | None:
    """A step and its declaration as they now stand; None when either is gone."""
    record = declarations.record_of_step(session, step_id=step_id)
    step = next((s for s in record.steps if s.id == step_id), None) if record else None
    return (step, record) if step is not None and record is not None else None


def card_to_send(session: Session, message: Queued) -> ApprovalCard | None:
    """The APPROVAL message's card, with the history and the risks, as the step now stands;
    None when it was decided, or handed to someone else, before its card went (nothing to
    ask of its recipient)."""
    found = step_and_record(session, int(message.payload["step_id"]))
    if found is None:
        return None
    step, record = found
    if step.status != StepStatus.PENDING or message.recipient != to_staff(step.approver_id):
        return None
    return full_card_for(session, record, step)


def outcome_told(session: Session, message: Queued) -> str | None:
    """The OUTCOME message's words (marked text): what was decided, by whom, and who decides
    next; None when the step is gone or has no outcome to tell."""
    found = step_and_record(session, int(message.payload["step_id"]))
    if found is None:
        return None
    step, record = found
    spec = rules.spec(step.purpose, step.status)
    if spec is None:
        log.warning("Step %s is %s: no outcome to tell", step.id, step.status)
        return None
    kind = kind_of(record.declaration.kind)
    opened = set(message.payload.get("opened") or [])
    next_names = [
        record.name_of(s.approver_id) or "the next approver" for s in record.steps if s.id in opened
    ]
    return outcome_text(
        reference=record.declaration.reference or "",
        what=kind.describe(record),
        past=spec.past,
        decider=record.name_of(int(message.payload["decider_id"])) or "someone",
        text=step.reason,
        text_label=spec.text_name,
        next_names=next_names,
        advice=kind.advice(record, step),
    )
