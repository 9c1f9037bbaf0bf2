"""Withdrawing a declaration still waiting for a decision: the member of staff takes it back.
It stays on the register as withdrawn; the steps still waiting close with it, each
approver's card loses its buttons and the approver is told — all owed in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.rules.notices import join_words
from bot.rules.refusal import Refused
from bot.rules.status import DeclarationStatus, StepStatus
from bot.rules.words import STATUS_WORDS
from bot.ui.text import clip, escape
from bot.usecases.decide import UNKNOWN
from bot.usecases.declare import reachable
from bot.usecases.kinds import card_for, kind_of
from bot.usecases.owed import owe_to_approver, owe_updates
from storage import audit, declarations
from storage.db import Database
from storage.models import ApprovalStep, Declaration

# The approver told that a step waiting for them was withdrawn (payload: step_id).
WITHDRAWN = "withdrawn"

__all__ = [
    "NOTICE",
    "NOT_YOURS",
    "UNKNOWN",
    "WITHDRAWN",
    "Withdrawn",
    "withdraw",
    "withdrawn_text",
]

NOT_YOURS = "Only the person who made a declaration can withdraw it."
NOTICE = (
    "A notification can't be withdrawn: the officers have already been told. If something "
    "has changed, send a new one with `/conduct notify`."
)


@dataclass(frozen=True)
class Withdrawn:
    """A declaration withdrawn: the steps closed with it, and who is being told. `text` is
    the answer to the member of staff (marked text, bot.ui.text)."""

    declaration_id: int
    reference: str
    what: str  # the declaration in the declarant's words (its kind's describe)
    steps: list[int] = field(default_factory=list)
    approvers: list[int] = field(default_factory=list)  # told, staff ids
    text: str = ""


def _not_waiting(declaration: Declaration) -> str:
    status = STATUS_WORDS.get(declaration.status, declaration.status).lower()
    return (
        f"{declaration.reference} is no longer waiting for a decision ({status}), so it can't "
        "be withdrawn."
    )


def withdraw(db: Database, *, actor_id: int, declaration_id: int) -> Withdrawn:
    """Withdraw the declaration if it is the actor's and still waits; Refused otherwise (a
    notice, which the officers have already had, can't be withdrawn)."""
    with db.session() as session:
        # Held first, as a decision holds it: one waits for the other, then sees what it did
        # (the steps a decision opened meanwhile close with it too).
        declarations.lock(session, [declaration_id])
        declaration = session.get(Declaration, declaration_id, populate_existing=True)
        if declaration is None:
            raise Refused(UNKNOWN)
        if declaration.declarant_id != actor_id:
            raise Refused(NOT_YOURS)
        if declaration.kind == "notice":
            raise Refused(NOTICE)
        # The database referees a race with a decision: only a declaration still pending
        # becomes withdrawn, and only steps still pending close with it.
        withdrawn = session.execute(
            update(Declaration)
            .where(
                col(Declaration.id) == declaration_id,
                col(Declaration.status) == DeclarationStatus.PENDING,
            )
            .values(status=DeclarationStatus.WITHDRAWN)
            .execution_options(synchronize_session=False)
        )
        if withdrawn.rowcount != 1:
            session.rollback()
            fresh = session.get(Declaration, declaration_id, populate_existing=True)
            raise Refused(_not_waiting(fresh or declaration))
        waiting = session.exec(
            select(ApprovalStep.id).where(
                ApprovalStep.declaration_id == declaration_id,
                ApprovalStep.status == StepStatus.PENDING,
            )
        )
        step_ids = [i for i in waiting if i is not None]
        if step_ids:
            session.execute(
                update(ApprovalStep)
                .where(
                    col(ApprovalStep.id).in_(step_ids),
                    col(ApprovalStep.status) == StepStatus.PENDING,
                )
                .values(status=StepStatus.WITHDRAWN)
                .execution_options(synchronize_session=False)
            )
        audit.record(
            session,
            action="withdrawn",
            actor_id=actor_id,
            declaration_id=declaration_id,
            step_ids=step_ids,
        )
        session.expire_all()  # the updates above were Core UPDATEs
        record = declarations.load_record(session, declaration_id=declaration_id)
        assert record is not None
        owe_updates(session, step_ids)  # the approvers' cards lose their buttons
        told: list[int] = []
        for step in record.steps:
            if step.id in step_ids and reachable(record.people.get(step.approver_id)):
                owe_to_approver(session, WITHDRAWN, step)
                told.append(step.approver_id)
        session.commit()
    names: list[str] = []
    for person_id in told:
        name = record.name_of(person_id)
        if name and name not in names:
            names.append(name)
    reference = record.declaration.reference or ""
    what = kind_of(record.declaration.kind).describe(record)
    text = f"Withdrawn: {escape(what)} ({reference}). It stays on record as withdrawn."
    if names:
        verb = "has" if len(names) == 1 else "have"
        text += f" {escape(join_words(names))} {verb} been told."
    return Withdrawn(
        declaration_id=declaration_id,
        reference=reference,
        what=what,
        steps=step_ids,
        approvers=told,
        text=clip(text, 3000),
    )


def withdrawn_text(session: Session, step_id: int) -> str | None:
    """The WITHDRAWN message's words (marked text): the approver told that what waited for
    them was withdrawn; None when the step or its declaration is gone."""
    step = declarations.get_step(session, step_id=step_id)
    record = declarations.load_record(session, declaration_id=step.declaration_id) if step else None
    if step is None or record is None:
        return None
    heading = card_for(record, step).heading
    text = (
        f":wastebasket: {escape(record.declarant.display_name)} has withdrawn "
        f"{record.declaration.reference or ''} ({escape(heading)}): no decision is needed."
    )
    return clip(text, 3000)
