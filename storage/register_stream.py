"""A register of any size read a batch at a time: the declarations of one kind in a date
range, each completed with its steps and the people they name, in a fixed number of queries
a batch (the exports, the published register, the annual report)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from storage.declarations import DETAIL_MODELS, Record, people_ids
from storage.models import ApprovalStep, Declaration, Staff
from storage.models import GiftOffer as GiftRow


def gift_register(
    session: Session, *, date_from: date | None = None, date_to: date | None = None
) -> list[Record]:
    """Every offer in the register, oldest offer first; dates offered inclusive."""
    return list(stream_gifts(session, date_from=date_from, date_to=date_to))


def stream_gifts(
    session: Session, *, date_from: date | None = None, date_to: date | None = None
) -> Iterator[Record]:
    """`gift_register` a batch at a time (stream_register)."""
    return stream_register(
        session,
        kind="gift",
        date_column=col(GiftRow.date_offered),
        date_from=date_from,
        date_to=date_to,
    )


# Rows read and completed at a time: small enough that a batch's steps and people fit well
# within any driver's bound-parameter limit, large enough that the round trips do not count.
BATCH_ROWS = 1000


def stream_register(
    session: Session,
    *,
    kind: str,
    date_column: Any,
    date_from: date | None = None,
    date_to: date | None = None,
    batch: int = BATCH_ROWS,
) -> Iterator[Record]:
    """Every declaration of `kind` whose `date_column` (of its detail table) falls in the
    range, inclusive, ordered by that date, one at a time, for a register of any size.

    The declarations (with their detail rows and declarants) come from one query read
    `batch` rows at a time (a server-side cursor on PostgreSQL); each batch then takes one
    query for its steps and one for the people they name. Memory stays that of one batch
    whatever the register's size, and the query count is 1 + 2 per batch.
    """
    model = DETAIL_MODELS[kind]
    detail_id = model.declaration_id  # type: ignore[attr-defined]
    query = (
        select(Declaration, model, Staff)
        .join(model, col(detail_id) == col(Declaration.id))
        .join(Staff, col(Staff.id) == col(Declaration.declarant_id))
        .where(Declaration.kind == kind)
    )
    if date_from is not None:
        query = query.where(date_column >= date_from)
    if date_to is not None:
        query = query.where(date_column <= date_to)
    result = session.exec(
        query.order_by(date_column, col(Declaration.id)).execution_options(
            populate_existing=True, yield_per=batch
        )
    )
    for rows in result.partitions():
        yield from _complete(session, rows)


def _complete(session: Session, rows: Sequence[Any]) -> list[Record]:
    """Records for a batch of (declaration, detail, declarant) rows: two queries."""
    ids = [declaration.id for declaration, _, _ in rows]
    steps_by_declaration: dict[int, list[ApprovalStep]] = {}
    for step in session.exec(
        select(ApprovalStep)
        .where(col(ApprovalStep.declaration_id).in_(ids))
        .order_by(col(ApprovalStep.declaration_id), col(ApprovalStep.position))
        .execution_options(populate_existing=True)
    ):
        steps_by_declaration.setdefault(step.declaration_id, []).append(step)
    wanted: set[int] = set()
    for declaration, _, _ in rows:
        wanted |= people_ids(declaration, steps_by_declaration.get(declaration.id, []))
    wanted -= {declarant.id for _, _, declarant in rows}
    named = (
        {
            p.id: p
            for p in session.exec(
                select(Staff)
                .where(col(Staff.id).in_(wanted))
                .execution_options(populate_existing=True)
            )
            if p.id is not None
        }
        if wanted
        else {}
    )
    for _, _, declarant in rows:
        named[declarant.id] = declarant
    records = []
    for declaration, detail, declarant in rows:
        assert declaration.id is not None and declarant.id is not None
        steps = steps_by_declaration.get(declaration.id, [])
        people = {i: named[i] for i in people_ids(declaration, steps) if i in named}
        records.append(Record(declaration, detail, declarant, steps, people))
    return records
