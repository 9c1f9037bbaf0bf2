"""The approval messages a change owes, queued in its transaction (handlers.outgoing) and drawn
when the outbox's worker sends them: an approver's card, the card redrawn after a decision (the
buttons gone), an information copy, the outcome told to the declarant, and — the one declare
path every kind shares — a new declaration's cards and receipt."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from bot.notifier import Message, Posted
from bot.outbox import Queued, queue, to_staff
from bot.rules import approvals as rules
from bot.rules.status import StepStatus
from handlers.approvals.delivery import card_for
from handlers.approvals.kinds import kind_of
from handlers.approvals.messages import approval_message, moved_message, outcome_message
from handlers.outgoing import After, Drawn, card
from storage import audit, declarations, outbox
from storage.declarations import Record
from storage.models import ApprovalStep, Declaration

log = logging.getLogger(__name__)

APPROVAL, UPDATE, MOVED, INFORM, OUTCOME = (
    "approval",
    "approval_update",
    "approval_moved",
    "inform",
    "outcome",
)


def _subject(step_id: int) -> str:
    return f"step:{step_id}"


# -- queued by the use cases, in their transaction ------------------------------------------


def owe_cards(session: Session, steps: list[ApprovalStep]) -> None:
    """Each step's approver is sent its card, with the buttons."""
    for step in steps:
        assert step.id is not None
        queue(
            session,
            APPROVAL,
            subject=_subject(step.id),
            recipient=to_staff(step.approver_id),
            step_id=step.id,
        )


def owe_updates(session: Session, step_ids: list[int]) -> None:
    """Each step's card is redrawn where it was posted (decided, closed, withdrawn): after the
    card itself, if that has not gone yet."""
    for step_id in step_ids:
        posted = outbox.latest(session, kind=APPROVAL, subject=_subject(step_id))
        queue(
            session,
            UPDATE,
            subject=_subject(step_id),
            recipient=posted.recipient if posted else "",
            updates_id=posted.id if posted else None,
            step_id=step_id,
        )


def owe_inform(session: Session, declaration_id: int, staff_id: int) -> None:
    """An information copy of the card, with no buttons (a refused gift, to the manager)."""
    queue(
        session,
        INFORM,
        subject=f"declaration:{declaration_id}",
        recipient=to_staff(staff_id),
        declaration_id=declaration_id,
    )


def owe_outcome(
    session: Session, *, declarant_id: int, step_id: int, opened: list[int], decider_id: int
) -> None:
    """The declarant is told what was decided, by whom, and who decides next."""
    queue(
        session,
        OUTCOME,
        subject=_subject(step_id),
        recipient=to_staff(declarant_id),
        step_id=step_id,
        opened=opened,
        decider_id=decider_id,
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
    with `details`)."""
    assert declaration.id is not None
    owe_cards(session, steps)
    if inform_staff_id is not None:
        owe_inform(session, declaration.id, inform_staff_id)
    queue(
        session,
        receipt,
        subject=f"declaration:{declaration.id}",
        recipient=to_staff(declaration.declarant_id),
        declaration_id=declaration.id,
        **details,
    )


def receipt_card(name: str, build: Callable[[Record, str, str], Message]) -> None:
    """Register a kind's receipt: `build(record, explanation, next_step)`."""

    @card(name)
    def draw(session: Session, message: Queued) -> Drawn | None:
        record = declarations.load_record(
            session, declaration_id=int(message.payload["declaration_id"])
        )
        if record is None:
            return None
        payload = message.payload
        return Drawn(build(record, payload["explanation"], payload["next_step"]))


def notified(told: str, **detail: Any) -> After:
    """What a message's sending writes in the audit trail: "notified", who was told, about
    the declaration (or step) the message names."""

    def after(session: Session, message: Queued, _posted: Posted | None) -> None:
        ids = {k: int(v) for k in ("step_id", "declaration_id") if (v := message.payload.get(k))}
        if "step_id" in ids:
            step = declarations.get_step(session, step_id=ids["step_id"])
            if step is None:
                return
            ids["declaration_id"] = step.declaration_id
        audit.record(session, action="notified", **ids, told=[told], **detail)

    return after


# -- drawn when sent ---------------------------------------------------------------------------


def _step_and_record(
    session: Session, step_id: int
) -> tuple[ApprovalStep, declarations.Record] | None:
    step = declarations.get_step(session, step_id=step_id)
    if step is None:
        return None
    record = declarations.load_record(session, declaration_id=step.declaration_id)
    return (step, record) if record is not None else None


def _card_sent(session: Session, message: Queued, posted: Posted | None) -> None:
    """Keep where the card went, for its updates — unless the step moved to someone else
    while it was on its way: then that card loses its buttons too (every copy does)."""
    step_id = int(message.payload["step_id"])
    if posted is None:
        return
    held = session.execute(
        update(ApprovalStep)
        .where(
            col(ApprovalStep.id) == step_id,
            col(ApprovalStep.approver_id) == int(message.recipient.removeprefix("staff:")),
        )
        .values(dm_channel=posted.channel, dm_ts=posted.ts)
        .execution_options(synchronize_session=False)
    )
    if held.rowcount != 1:
        queue(
            session,
            MOVED,
            subject=_subject(step_id),
            recipient=message.recipient,
            updates_id=message.id,
            step_id=step_id,
        )
        return
    notified("approver")(session, message, posted)


@card(APPROVAL, after=_card_sent)
def draw_card(session: Session, message: Queued) -> Drawn | None:
    found = _step_and_record(session, int(message.payload["step_id"]))
    if found is None:
        return None
    step, record = found
    # Decided, or handed to someone else, before its card went: nothing to ask of them.
    if step.status != StepStatus.PENDING or message.recipient != to_staff(step.approver_id):
        return None
    kind = kind_of(record.declaration.kind)
    card_ = card_for(record, step, kind.history(session, record), kind.risks(session, record))
    return Drawn(approval_message(card_))


@card(UPDATE)
def draw_update(session: Session, message: Queued) -> Drawn | None:
    found = _step_and_record(session, int(message.payload["step_id"]))
    if found is None:
        return None
    step, record = found
    if not (step.dm_channel and step.dm_ts):
        return None  # its card never went (or went elsewhere): nothing to redraw
    # The flags stay on the decided card: they are part of what was decided on.
    flags = kind_of(record.declaration.kind).risks(session, record)
    message_ = approval_message(card_for(record, step, None, flags))
    return Drawn(message_, update=Posted(step.dm_channel, step.dm_ts))


@card(MOVED)
def draw_moved(session: Session, message: Queued) -> Drawn | None:
    """A card that reached someone the step had already left: its buttons go."""
    found = _step_and_record(session, int(message.payload["step_id"]))
    if found is None or message.updates is None:
        return None
    step, record = found
    to_name = record.name_of(step.approver_id) or "someone else"
    moved = moved_message(card_for(record, step), to_name, "it was passed on")
    return Drawn(moved, update=Posted(*message.updates))


@card(INFORM, after=notified("line_manager"))
def draw_inform(session: Session, message: Queued) -> Drawn | None:
    record = declarations.load_record(
        session, declaration_id=int(message.payload["declaration_id"])
    )
    if record is None:
        return None
    flags = kind_of(record.declaration.kind).risks(session, record)
    return Drawn(approval_message(card_for(record, None, None, flags)))


@card(OUTCOME, after=notified("declarant"))
def draw_outcome(session: Session, message: Queued) -> Drawn | None:
    found = _step_and_record(session, int(message.payload["step_id"]))
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
    return Drawn(
        outcome_message(
            reference=record.declaration.reference or "",
            what=kind.describe(record),
            past=spec.past,
            decider=record.name_of(int(message.payload["decider_id"])) or "someone",
            text=step.reason,
            text_label=spec.text_name,
            next_names=next_names,
            advice=kind.advice(record, step),
        )
    )
