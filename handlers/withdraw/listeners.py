"""Withdraw: the member of staff takes back a declaration still waiting for a decision, from
the Withdraw button beside it in /conduct mine. It stays on the register as withdrawn; each
approver's DM is updated in place and the approver told (issue 3)."""

from __future__ import annotations

import logging

from slack_bolt import Ack, Respond
from sqlalchemy import update
from sqlmodel import col, select

from bot.notifier import Message, Notifier
from bot.rules.notices import join_words
from bot.rules.refusal import Refused
from bot.rules.status import DeclarationStatus, StepStatus
from bot.rules.words import STATUS_WORDS
from bot.usecases.kinds import kind_of
from bot.usecases.owed import owe_updates
from handlers.approvals import delivery
from handlers.metadata import DeclarationRef
from handlers.replies import tell
from handlers.text import clip, escape
from storage import audit, declarations
from storage.db import Database
from storage.models import ApprovalStep, Declaration, Staff

log = logging.getLogger(__name__)

UNKNOWN = "Nolan doesn't know you or this declaration any more."
NOT_YOURS = "Only the person who made a declaration can withdraw it."
NOTICE = (
    "A notification can't be withdrawn: the officers have already been told. If something "
    "has changed, send a new one with `/conduct notify`."
)


def _not_waiting(declaration: Declaration) -> str:
    status = STATUS_WORDS.get(declaration.status, declaration.status).lower()
    return (
        f"{declaration.reference} is no longer waiting for a decision ({status}), so it can't "
        "be withdrawn."
    )


def withdraw(
    ack: Ack,
    meta: DeclarationRef,
    actor: Staff,
    respond: Respond,
    db: Database,
    notifier: Notifier,
) -> None:
    ack()
    ref, me = meta, actor
    with db.session() as session:
        declaration = session.get(Declaration, ref.declaration_id, populate_existing=True)
        if declaration is None:
            raise Refused(UNKNOWN)
        if declaration.declarant_id != me.id:
            raise Refused(NOT_YOURS)
        if declaration.kind == "notice":
            raise Refused(NOTICE)
        # The database referees a race with a decision: only a declaration still pending
        # becomes withdrawn, and only steps still pending close with it.
        withdrawn = session.execute(
            update(Declaration)
            .where(
                col(Declaration.id) == declaration.id,
                col(Declaration.status) == DeclarationStatus.PENDING,
            )
            .values(status=DeclarationStatus.WITHDRAWN)
            .execution_options(synchronize_session=False)
        )
        if withdrawn.rowcount != 1:
            session.rollback()
            fresh = session.get(Declaration, ref.declaration_id, populate_existing=True)
            raise Refused(_not_waiting(fresh or declaration))
        waiting = list(
            session.exec(
                select(ApprovalStep.id).where(
                    ApprovalStep.declaration_id == declaration.id,
                    ApprovalStep.status == StepStatus.PENDING,
                )
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
            actor_id=me.id,
            declaration_id=declaration.id,
            step_ids=step_ids,
        )
        owe_updates(session, step_ids)  # the approvers' cards lose their buttons
        session.commit()
        record = declarations.load_record(session, declaration_id=declaration.id)
        assert record is not None
    withdrawn_steps = [s for s in record.steps if s.id in step_ids]
    approvers = []
    for step in withdrawn_steps:
        name = record.name_of(step.approver_id)
        if name and name not in approvers:
            approvers.append(name)
    reference = record.declaration.reference or ""
    what = kind_of(record.declaration.kind).describe(record)
    text = f"Withdrawn: {escape(what)} ({reference}). It stays on record as withdrawn."
    if approvers:
        verb = "has" if len(approvers) == 1 else "have"
        text += f" {escape(join_words(approvers))} {verb} been told."
    tell(respond, clip(text, 3000))
    for step in withdrawn_steps:
        approver = record.people.get(step.approver_id)
        heading = delivery.card_for(record, step).heading
        delivery.tell(
            notifier,
            approver.slack_user_id if approver else None,
            Message(
                text=clip(
                    f":wastebasket: {escape(record.declarant.display_name)} has withdrawn "
                    f"{reference} ({escape(heading)}): no decision is needed.",
                    3000,
                )
            ),
        )
    if withdrawn_steps:
        with db.session() as session:
            audit.record(
                session,
                action="notified",
                declaration_id=record.declaration.id,
                told=["approver"],
                step_ids=step_ids,
            )
            session.commit()
