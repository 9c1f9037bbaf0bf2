"""storage.declarations.load_records: a page of declarations of any kinds in a few queries,
the same records load_record gives one at a time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import event
from sqlmodel import Session

from storage import declarations
from storage.db import Database
from storage.models import ApprovalStep, Declaration, GiftOffer, Interest, Staff


def _person(session: Session, key: str) -> Staff:
    person = Staff(email=f"{key}@x.example", name=key.title())
    session.add(person)
    session.flush()
    return person


def _declare(session: Session, who: Staff, approver: Staff, kind: str, n: int) -> int:
    assert who.id is not None and approver.id is not None
    row = Declaration(kind=kind, declarant_id=who.id, status="pending")
    session.add(row)
    session.flush()
    assert row.id is not None
    if kind == "gift":
        session.add(
            GiftOffer(
                declaration_id=row.id,
                kind="gift",
                offered_by=f"Giver {n}",
                relationship="other",
                description="Wine",
                value_pence=100 * n,
                date_offered=date(2026, 6, 1),
                response="accepted",
            )
        )
    else:
        session.add(
            Interest(
                declaration_id=row.id,
                category="financial",
                organisation=f"Org {n}",
                description="Shares",
                started_on=date(2020, 1, 1),
            )
        )
    for position in (1, 2):
        session.add(
            ApprovalStep(
                declaration_id=row.id,
                position=position,
                role="line_manager",
                purpose="authorise",
                approver_id=approver.id,
            )
        )
    session.flush()
    return row.id


@contextmanager
def selects(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def test_a_page_of_mixed_kinds_loads_in_order_in_few_queries(db: Database) -> None:
    with db.session() as session:
        alice, manny = _person(session, "alice"), _person(session, "manny")
        ids = [_declare(session, alice, manny, ("gift", "interest")[n % 2], n) for n in range(12)]
        session.commit()
    wanted = [*reversed(ids[:10]), 999_999]  # newest first, and one that doesn't exist
    with db.session() as session, selects(db) as seen:
        records = declarations.load_records(session, wanted)
    assert len(seen) == 3  # declarations with their details (gift, interest), steps, people
    assert [r.declaration.id for r in records] == wanted[:10]
    with db.session() as session:
        for record in records:
            one = declarations.load_record(session, declaration_id=record.declaration.id or 0)
            assert one is not None
            assert one.detail == record.detail
            assert [s.id for s in one.steps] == [s.id for s in record.steps]
            assert one.declarant.id == record.declarant.id
    assert declarations.load_records(Session(db.engine), []) == []
