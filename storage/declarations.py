"""Repository functions for declarations and their approval steps."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select

from bot.rules.chains import Chain, format_chain
from bot.rules.gifts import Assessment, GiftOffer
from bot.rules.status import StepStatus
from storage.db import run
from storage.models import ApprovalStep, Declaration, Interest, Notice, OutsideWork, Staff
from storage.models import GiftOffer as GiftRow
from storage.shared_records import shared_or_loaded
from storage.types import utcnow

# Each kind of declaration: its reference prefix and its detail table.
REFERENCE_PREFIX = {"gift": "GH", "interest": "INT", "outside_work": "OW", "notice": "CN"}
DETAIL_MODELS: dict[str, type[SQLModel]] = {
    "gift": GiftRow,
    "interest": Interest,
    "outside_work": OutsideWork,
    "notice": Notice,
}


def create_declaration(session: Session, *, chain: Chain = (), **draft: Any) -> Declaration:
    """Insert the shared row (`draft`: draft_declaration's fields) and give it its reference;
    the caller adds the detail row. The chain and the time declared (the injected clock's;
    default now) go in with the row: its reference is then its one UPDATE, not one more for
    each (issue 10)."""
    return insert_declaration(session, draft_declaration(**draft), chain)


def draft_declaration(
    kind: str, declarant: Staff, status: str, *, chosen_approver_id: int | None = None,
    named_staff_id: int | None = None, created_at: datetime | None = None,
) -> Declaration:
    """The shared row, not yet inserted: for a chain chosen by routing the declaration
    (bot.engine.route_seat reads who declared it, named and chose), so that the row goes in
    with its chain (`insert_declaration`)."""
    assert declarant.id is not None
    return Declaration(
        kind=kind,
        declarant_id=declarant.id,
        status=status,
        chosen_approver_id=chosen_approver_id,
        named_staff_id=named_staff_id,
        created_at=created_at or utcnow(),
    )


def insert_declaration(session: Session, draft: Declaration, chain: Chain) -> Declaration:
    """Insert a drafted declaration with its chain, and give it its reference."""
    draft.chain = format_chain(chain)
    session.add(draft)
    session.flush()
    assert draft.id is not None
    draft.reference = f"{REFERENCE_PREFIX[draft.kind]}-{draft.id:05d}"
    return draft


def create_gift(
    session: Session,
    *,
    declarant: Staff,
    offer: GiftOffer,
    assessment: Assessment,
    chosen_approver_id: int | None = None,
    chain: Chain = (),
    created_at: datetime | None = None,
) -> tuple[Declaration, GiftRow]:
    """Insert the declaration and its register row; the caller commits. `chain` and
    `created_at`: as create_declaration's."""
    declaration = create_declaration(
        session,
        kind="gift",
        declarant=declarant,
        status=assessment.status,
        chosen_approver_id=chosen_approver_id,
        chain=chain,
        created_at=created_at,
    )
    assert declaration.id is not None
    row = GiftRow(
        declaration_id=declaration.id,
        kind=offer.kind.value,
        gift_type=offer.gift_type.value if offer.gift_type else None,
        offered_by=offer.offered_by,
        relationship=offer.relationship.value,
        description=offer.description,
        value_pence=offer.value_pence,
        date_offered=offer.date_offered,
        event_date=offer.event_date,
        response=offer.response.value,
        reason=offer.reason,
        use_at_work=offer.use_at_work,
        unsolicited=offer.unsolicited,
        flags=";".join(sorted(f.value for f in assessment.flags)),
    )
    session.add(row)
    return declaration, row


def add_step(
    session: Session,
    *,
    declaration: Declaration,
    role: str,
    purpose: str,
    approver_id: int,
    position: int = 1,
) -> ApprovalStep:
    assert declaration.id is not None
    step = ApprovalStep(
        declaration_id=declaration.id,
        position=position,
        role=role,
        purpose=purpose,
        approver_id=approver_id,
    )
    session.add(step)
    session.flush()
    return step


def claim_decision(
    session: Session,
    *,
    step_id: int,
    outcome: str,
    decided_by_id: int,
    reason: str | None,
    at: datetime,
) -> bool:
    """Record a decision only if the step is still pending: two presses, one winner (the WHERE
    clause makes the database the referee). The row comes back in the same statement and
    refreshes the step this session loaded: nothing read again. The caller commits."""
    decision = {"step": step_id, "outcome": outcome, "by": decided_by_id, "why": reason, "at": at}
    return session.execute(_CLAIM, decision).first() is not None


_CLAIM = (  # built once: building it and its cache key cost more than running it
    update(ApprovalStep)
    .where(col(ApprovalStep.id) == bindparam("step"))
    .where(col(ApprovalStep.status) == StepStatus.PENDING)
    .values(status=bindparam("outcome"), decided_by_id=bindparam("by"), reason=bindparam("why"))
    .values(decided_at=bindparam("at"))
    .returning(ApprovalStep)
    .execution_options(synchronize_session=False, populate_existing=True)
)


def get_step(session: Session, *, step_id: int) -> ApprovalStep | None:
    return session.get(ApprovalStep, step_id, populate_existing=True)


_DECLARATION_OF_STEP = sa_select(ApprovalStep.declaration_id).where(
    col(ApprovalStep.id) == bindparam("step_id")
)


def declaration_of_step(session: Session, *, step_id: int) -> int | None:
    """The declaration a step belongs to (None: no such step), by one column."""
    return run(session, _DECLARATION_OF_STEP, {"step_id": step_id}).scalar()  # type: ignore[no-any-return]


def steps_for(session: Session, *, declaration_id: int) -> list[ApprovalStep]:
    return list(session.exec(_STEPS_OF, params={"ids": [declaration_id]}))


@dataclass(frozen=True)
class Record:
    """A declaration of any kind with everything a message or a register shows about it:
    the shared row, its kind's detail row, the declarant, the steps and the people in them."""

    declaration: Declaration
    detail: Any
    declarant: Staff
    steps: list[ApprovalStep]
    people: dict[int, Staff]

    @property
    def offer(self) -> GiftRow:
        """The gift row, for a gift declaration."""
        assert isinstance(self.detail, GiftRow)
        return self.detail

    @property
    def decisive_step(self) -> ApprovalStep | None:
        decided = [s for s in self.steps if s.decided_at is not None]
        return decided[-1] if decided else None

    @property
    def pending_steps(self) -> list[ApprovalStep]:
        return [s for s in self.steps if s.status == StepStatus.PENDING]

    def name_of(self, staff_id: int | None) -> str | None:
        person = self.people.get(staff_id) if staff_id is not None else None
        return person.display_name if person else None


GiftRecord = Record


# Built once, the ids bound at each call: every Home and card loads records through these,
# and building a statement and its cache key cost more than running it (issue 10).
@cache  # once a model and column: a new statement is a new cache key to compute
def _where_in(model: type[SQLModel], column: str) -> Any:
    """The rows of `model` whose `column` is among :ids, read afresh (populate_existing)."""
    among = col(getattr(model, column)).in_(bindparam("ids", expanding=True))
    return select(model).where(among).execution_options(populate_existing=True)


_STEPS_OF = (
    select(ApprovalStep)
    .where(col(ApprovalStep.declaration_id).in_(bindparam("ids", expanding=True)))
    .order_by(col(ApprovalStep.declaration_id), col(ApprovalStep.position))
)


def people_ids(declaration: Declaration, steps: list[ApprovalStep]) -> set[int]:
    """The staff a declaration and its steps name: a Record's people."""
    ids = {declaration.declarant_id}
    for step in steps:
        ids |= {step.approver_id, step.decided_by_id or 0, step.delegated_from_id or 0}
    ids |= {declaration.named_staff_id or 0, declaration.chosen_approver_id or 0}
    return ids - {0}


_KINDS = tuple(DETAIL_MODELS)
# A declaration with its kind's detail row in one statement (each kind's joined; one matches),
# read afresh: every card, outcome and receipt drawn loads one.
_DETAILED = select(
    Declaration, *DETAIL_MODELS.values()  # type: ignore[call-overload]
).execution_options(populate_existing=True)
for _model in DETAIL_MODELS.values():
    _DETAILED = _DETAILED.outerjoin(
        _model, col(_model.declaration_id) == col(Declaration.id)  # type: ignore[attr-defined]
    )
# One declaration with its detail and its steps, a row a step (or one row with no step): a
# Record in two statements, this and its people's, not three (issue 10).
_WITH_STEPS = (
    _DETAILED.add_columns(ApprovalStep)
    .outerjoin(ApprovalStep, col(ApprovalStep.declaration_id) == col(Declaration.id))
    .order_by(col(ApprovalStep.position))
)
_WITH_DETAIL = _WITH_STEPS.where(col(Declaration.id) == bindparam("declaration_id"))
# A step's declaration found by the step, in the same statement.
_OF_STEP = _WITH_STEPS.where(col(Declaration.id) == _DECLARATION_OF_STEP.scalar_subquery())


def load_record(session: Session, *, declaration_id: int) -> Record | None:
    """Read once for an outbox pass's messages about it (storage.shared_records)."""
    load = partial(_read, session, _WITH_DETAIL, {"declaration_id": declaration_id})
    return shared_or_loaded(session, load, declaration_id=declaration_id)


def record_of_step(session: Session, *, step_id: int) -> Record | None:
    """The record of a step's declaration (None: no such step), found in the same statement."""
    load = partial(_read, session, _OF_STEP, {"step_id": step_id})
    return shared_or_loaded(session, load, step_id=step_id)


def _read(session: Session, statement: Any, params: dict[str, int]) -> Record | None:
    return _with_steps(session, session.exec(statement, params=params).all())


def _with_steps(session: Session, rows: Sequence[Any]) -> Record | None:
    """A Record from the rows of _WITH_STEPS: its people added."""
    if not rows:
        return None
    declaration, detail = _detail(rows[0][:-1])
    assert detail is not None and declaration.id is not None
    steps = [row[-1] for row in rows if row[-1] is not None]
    people = _people(session, people_ids(declaration, steps))
    return Record(declaration, detail, people[declaration.declarant_id], steps, people)


_PEOPLE = _where_in(Staff, "id")
_DETAILED_AMONG = _DETAILED.where(col(Declaration.id).in_(bindparam("ids", expanding=True)))


def _detail(found: Any) -> tuple[Declaration, Any]:
    """A row of _DETAILED: the declaration and its kind's detail (None if it has none)."""
    declaration, *details = found
    return declaration, details[_KINDS.index(declaration.kind)]


def _people(session: Session, ids: set[int]) -> dict[int, Staff]:
    return {p.id: p for p in session.exec(_PEOPLE, params={"ids": list(ids)}) if p.id}


def load_records(session: Session, ids: Sequence[int]) -> list[Record]:
    """Several declarations in the order given (missing ones left out), in three statements
    whatever their number and kinds — the declarations with their details, the steps, the
    people — rather than four per declaration. For a page of a list."""
    if not ids:
        return []
    found = dict(
        (d.id, (d, detail))
        for d, detail in map(_detail, session.exec(_DETAILED_AMONG, params={"ids": list(ids)}))
        if detail is not None
    )
    steps: dict[int, list[ApprovalStep]] = {i: [] for i in found if i is not None}
    for step in session.exec(_STEPS_OF, params={"ids": list(steps)}):
        steps[step.declaration_id].append(step)
    wanted: set[int] = set()
    for i, (declaration, _) in found.items():
        wanted |= people_ids(declaration, steps[i or 0])
    people = _people(session, wanted)
    return [
        Record(found[i][0], found[i][1], people[found[i][0].declarant_id], steps[i], people)
        for i in ids
        if i in found
    ]


def load_gift(session: Session, *, declaration_id: int) -> Record | None:
    record = load_record(session, declaration_id=declaration_id)
    return record if record is not None and record.declaration.kind == "gift" else None


def records_of(
    session: Session, *, declarant_id: int, kinds: tuple[str, ...] | None = None, limit: int = 20
) -> list[Record]:
    """A person's own declarations, newest first."""
    query = select(Declaration.id).where(Declaration.declarant_id == declarant_id)
    if kinds:
        query = query.where(col(Declaration.kind).in_(kinds))
    ids = session.exec(query.order_by(col(Declaration.id).desc()).limit(limit)).all()
    return load_records(session, [i for i in ids if i is not None])


def gifts_of(session: Session, *, declarant_id: int, limit: int = 20) -> list[Record]:
    return records_of(session, declarant_id=declarant_id, kinds=("gift",), limit=limit)


# -- a declaration's writers, one at a time --------------------------------------------------
# Whatever changes a declaration or its steps — a decision, a withdrawal, a move, a reminder
# taken — holds the declaration first, before reading any of it: then two approvers of one
# stage deciding at once take turns, and the second reads the first's decision (at READ
# COMMITTED each statement after the lock sees every commit before it). Declarations, then
# their steps; several in id order: two writers never wait for each other in a circle.


def _held(where: Any) -> Any:
    """The declarations `where` picks, locked in id order until the transaction ends. FOR NO
    KEY UPDATE: a row inserted elsewhere that refers to the declaration (an audit entry, by
    its foreign key) does not wait for it, as it would behind FOR UPDATE."""
    return (
        sa_select(Declaration.id)
        .where(where)
        .order_by(Declaration.id)
        .with_for_update(key_share=True)
    )


_LOCK = _held(col(Declaration.id).in_(bindparam("ids", expanding=True)))
_LOCK_OF_STEPS = _held(
    col(Declaration.id).in_(
        sa_select(ApprovalStep.declaration_id).where(
            col(ApprovalStep.id).in_(bindparam("ids", expanding=True))
        )
    )
)


def lock(session: Session, declaration_ids: Iterable[int]) -> None:
    """Hold these declarations for the caller's transaction (see above): the first thing a
    writer of a declaration or its steps does."""
    _hold(session, _LOCK, declaration_ids)


def lock_of_steps(session: Session, step_ids: Iterable[int]) -> None:
    """`lock` the declarations these steps belong to, found in the same statement."""
    _hold(session, _LOCK_OF_STEPS, step_ids)


def _hold(session: Session, statement: Any, ids: Iterable[int]) -> None:
    wanted = sorted(set(ids))
    if not wanted:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        run(session, statement, {"ids": wanted})
        return
    # SQLite locks the whole database for a writer: taken now, not at the first write, so
    # what is read next is as the last writer left it. (In a transaction already, a write
    # has taken it: pysqlite begins one at the first write.)
    sqlite: Any = connection.connection.dbapi_connection
    if not sqlite.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
