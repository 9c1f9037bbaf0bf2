"""More information (issue 3): instead of deciding, an approver asks the member of staff a
question; the answer goes back to them and the step's escalation clock starts again. Each is
one transaction with its audit entry and the messages it owes queued in the outbox: the
question to the member of staff; then the question's message redrawn with the answer, and the
answer to the asker (and to whoever holds the step now, if it moved meanwhile)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.outbox import owe, queue, to_staff
from bot.rules.permissions import Why, may_decide_step
from bot.rules.refusal import Refused
from bot.rules.roles import Role
from bot.rules.status import StepStatus
from bot.ui import questions as ui
from bot.ui.cards import Card
from bot.ui.questions import ANSWER_MAX, QUESTION_MAX, Block
from bot.usecases.kinds import card_for, kind_of
from storage import audit, declarations, outbox, staff
from storage import questions as store
from storage.declarations import Record
from storage.models import ApprovalStep, Question, Staff

# The messages drawn by each platform (Slack: handlers/questions/cards.py).
QUESTION = "question"  # to the member of staff, with a Reply button
ANSWERED = "question_answered"  # the question's message, redrawn with the answer
ANSWER = "question_answer"  # to the approver: the question and its answer

ALREADY_ANSWERED = "You already answered this question."
UNKNOWN = "Nolan doesn't know you or this declaration any more."


def _subject(question_id: int) -> str:
    return f"question:{question_id}"


def _checked(text: str | None, field: str, what: str, most: int) -> str:
    """The words, trimmed; Refused on the form's field if there are none or too many."""
    text = (text or "").strip()
    if not text:
        raise Refused(f"Please write your {what}.", field)
    if len(text) > most:
        raise Refused(f"Please keep this to {most} characters or fewer.", field)
    return text


def _no_longer_waiting(step: ApprovalStep, so: str, field: str) -> Refused:
    return Refused(
        f"This is no longer waiting for a decision ({step.status.replace('_', ' ')}), so {so}.",
        field,
    )


# -- asking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Asking:
    asker: Staff
    step: ApprovalStep
    record: Record


def may_ask(session: Session, actor: Staff | None, step_id: int) -> Asking:
    """Whoever may decide the step (its approver, the monitoring officer, or the approver a
    deputy stands in for) may ask, while it waits; anyone else is Refused with why not."""
    step = declarations.get_step(session, step_id=step_id)
    if actor is None or actor.id is None or step is None:
        raise Refused(UNKNOWN, Block.QUESTION)
    record = declarations.load_record(session, declaration_id=step.declaration_id)
    assert record is not None
    verdict = may_decide_step(
        actor.id,
        approver_id=step.approver_id,
        declarant_id=record.declarant.id or 0,
        named_staff_id=record.declaration.named_staff_id,
        delegated_from_id=step.delegated_from_id,
        actor_is_monitoring_officer=Role.MONITORING_OFFICER in actor.role_set,
    )
    if verdict.why is Why.OWN:
        raise Refused("You can't ask questions about your own declaration.", Block.QUESTION)
    if not verdict.allowed:
        approver = record.name_of(step.approver_id) or "the approver"
        raise Refused(
            f"Only {approver} (or the monitoring officer) can ask about this declaration.",
            Block.QUESTION,
        )
    if step.status != StepStatus.PENDING:
        raise _no_longer_waiting(step, "there is nothing to ask", Block.QUESTION)
    return Asking(actor, step, record)


@dataclass(frozen=True)
class Asked:
    question_id: int
    declarant_name: str


def ask(
    session: Session, *, asker: Staff | None, step_id: int, text: str | None, now: datetime
) -> Asked:
    """Record the question and owe it to the member of staff; commits. Asking alone does not
    restart the escalation clock (the sweep does not chase a step awaiting an answer)."""
    question_text = _checked(text, Block.QUESTION, "question", QUESTION_MAX)
    # Its declaration held before the step is read, as a decision does: a question asked as
    # the step is decided reads the decision, and is refused, rather than put to the member
    # of staff about a declaration already decided.
    declarations.lock_of_steps(session, [step_id])
    asking = may_ask(session, asker, step_id)
    assert asking.asker.id is not None
    question = Question(
        step_id=step_id, asked_by_id=asking.asker.id, question=question_text, asked_at=now
    )
    session.add(question)
    session.flush()
    assert question.id is not None
    record = asking.record
    audit.for_step(
        session,
        asking.step,
        action="question_asked",
        actor_id=asking.asker.id,
        question_id=question.id,
    )
    declarant_id = record.declaration.declarant_id
    owe(session, QUESTION, declarant_id, about=_subject(question.id), question_id=question.id)
    session.commit()
    return Asked(question.id, record.declarant.display_name)


# -- answering ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answering:
    question: Question
    step: ApprovalStep
    record: Record
    asker: Staff | None


def may_answer(session: Session, actor: Staff | None, question_id: int) -> Answering:
    """Only the member of staff answers, once, while the step still waits."""
    question = session.get(Question, question_id, populate_existing=True)
    step = declarations.get_step(session, step_id=question.step_id) if question else None
    if actor is None or question is None or step is None:
        raise Refused(UNKNOWN, Block.ANSWER)
    record = declarations.load_record(session, declaration_id=step.declaration_id)
    assert record is not None
    if actor.id != record.declarant.id:
        raise Refused(
            f"Only {record.declarant.display_name} can answer this question.", Block.ANSWER
        )
    if question.answered_at is not None:
        raise Refused(ALREADY_ANSWERED, Block.ANSWER)
    if step.status != StepStatus.PENDING:
        raise _no_longer_waiting(step, "no answer is needed", Block.ANSWER)
    asker = staff.by_id(session, staff_id=question.asked_by_id)
    return Answering(question, step, record, asker)


@dataclass(frozen=True)
class Answered:
    question_id: int
    clock_restarted: bool
    told: list[int]  # staff ids of the approvers owed the answer


def answer(
    session: Session,
    *,
    declarant: Staff | None,
    question_id: int,
    text: str | None,
    now: datetime,
    shown_at: tuple[str, str] | None = None,
) -> Answered:
    """Record the answer once, restart the step's clock, and owe the question's message
    redrawn with the answer and the answer to the approvers; commits. `shown_at`: where the
    question's message is (the platform's reference), if it was not sent through the outbox."""
    answer_text = _checked(text, Block.ANSWER, "answer", ANSWER_MAX)
    asked = session.get(Question, question_id)
    if asked is not None:  # its declaration held before the step is read, as a decision does
        declarations.lock_of_steps(session, [asked.step_id])
    answering = may_answer(session, declarant, question_id)
    if not store.record_answer(session, question_id=question_id, answer=answer_text, at=now):
        session.rollback()
        raise Refused(ALREADY_ANSWERED, Block.ANSWER)
    assert answering.step.id is not None
    restarted = store.restart_clock(session, step_id=answering.step.id, at=now)
    record = answering.record
    audit.for_step(
        session,
        answering.step,
        action="question_answered",
        actor_id=record.declarant.id,
        question_id=question_id,
        clock_restarted=restarted,
    )
    posted = outbox.latest(session, kind=QUESTION, subject=_subject(question_id))
    where = {"channel": shown_at[0], "ts": shown_at[1]} if shown_at else {}
    queue(
        session,
        ANSWERED,
        subject=_subject(question_id),
        recipient=to_staff(record.declaration.declarant_id),
        updates_id=posted.id if posted else None,
        question_id=question_id,
        **where,
    )
    # The asker, and whoever holds the step now if it has moved since.
    told = sorted({answering.question.asked_by_id, answering.step.approver_id})
    for approver_id in told:
        owe(session, ANSWER, approver_id, about=_subject(question_id), question_id=question_id)
    session.commit()
    return Answered(question_id, restarted, told)


# -- what the messages show ------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A question as its messages show it (QUESTION, ANSWERED, ANSWER), on every platform."""

    question: Question
    step: ApprovalStep
    record: Record
    asker: str

    @property
    def reference(self) -> str:
        return self.record.declaration.reference or ""

    @property
    def what(self) -> str:
        """The declaration in the member of staff's words."""
        return kind_of(self.record.declaration.kind).describe(self.record)

    @property
    def heading(self) -> str:
        """The declaration as its approver's card heads it."""
        return card_for(self.record, self.step).heading

    def question_card(self) -> Card:
        """QUESTION: to the member of staff, with a Reply button."""
        assert self.question.id is not None
        q = self.question
        return ui.question_card(
            question_id=q.id,
            asker=self.asker,
            reference=self.reference,
            what=self.what,
            question=q.question,
        )

    def answered_card(self) -> Card:
        """ANSWERED: the question's message once answered: no button, and what they said."""
        q = self.question
        return ui.answered_card(
            asker=self.asker,
            reference=self.reference,
            what=self.what,
            question=q.question,
            answer=q.answer or "",
        )

    def answer_card(self) -> Card:
        """ANSWER: to the approver, the question and its answer."""
        q = self.question
        return ui.answer_card(
            declarant=self.record.declarant.display_name,
            reference=self.reference,
            what=self.heading,
            question=q.question,
            answer=q.answer or "",
        )


def shown(session: Session, question_id: int) -> Shown | None:
    """The question, its step and declaration, and who asked; None when any is gone."""
    question = session.get(Question, question_id)
    step = declarations.get_step(session, step_id=question.step_id) if question else None
    record = declarations.load_record(session, declaration_id=step.declaration_id) if step else None
    if question is None or step is None or record is None:
        return None
    asker = staff.by_id(session, staff_id=question.asked_by_id)
    return Shown(question, step, record, asker.display_name if asker else "The approver")
