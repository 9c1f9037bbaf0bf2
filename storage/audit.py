"""The audit trail: every step (submitted, routed, notified, decided, exported) with actor
and time. Written only through `record`; the database refuses updates and deletes, and each
entry is chained to the one before it by hash (storage.audit_chain)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql.util import find_tables
from sqlmodel import Session, col, select

from storage import audit_chain
from storage.models import ApprovalStep, AuditEntry


def record(
    session: Session,
    *,
    action: str,
    actor_id: int | None = None,
    declaration_id: int | None = None,
    **detail: Any,
) -> AuditEntry:
    """Add an entry to the trail, written when the caller's transaction commits — chained to
    the newest entry then, so the chain's lock is held only for the inserts and the commit, not
    for the whole request. A rolled-back transaction writes none of its entries."""
    entry = AuditEntry(
        action=action,
        actor_id=actor_id,
        declaration_id=declaration_id,
        detail=json.dumps(detail, sort_keys=True, default=str),
    )
    session.connection()  # begin the transaction, so that its rollback drops the entry too
    session.info.setdefault(_PENDING, []).append(entry)
    return entry


def for_step(session: Session, step: ApprovalStep, *, action: str, **detail: Any) -> AuditEntry:
    """An entry about one approval step: its declaration and the step's id, then `actor_id`
    and the detail as for `record`."""
    return record(
        session, action=action, declaration_id=step.declaration_id, step_id=step.id, **detail
    )


_PENDING = "nolan.audit.pending"


@event.listens_for(OrmSession, "before_commit")
def _write_pending(session: OrmSession) -> None:
    pending: list[AuditEntry] = session.info.pop(_PENDING, [])
    if pending:
        audit_chain.append_all(session, pending)  # type: ignore[arg-type]


@event.listens_for(OrmSession, "do_orm_execute")
def _write_before_reading(state: ORMExecuteState) -> None:
    """A transaction that reads the trail sees its own entries (as if written at once): then
    they are written now, and the lock is held from here to the commit, as it always was."""
    if _PENDING in state.session.info and state.is_select and _reads_trail(state.statement):
        _write_pending(state.session)


def _reads_trail(statement: Any) -> bool:
    return any(t is _TABLE for t in find_tables(statement, include_joins=True))


_TABLE = AuditEntry.__table__  # type: ignore[attr-defined]


@event.listens_for(OrmSession, "after_soft_rollback")
def _drop_pending(session: OrmSession, _previous: Any) -> None:
    # "soft": fired even when nothing had reached the database yet.
    session.info.pop(_PENDING, None)


def trail(session: Session, *, declaration_id: int) -> list[AuditEntry]:
    return list(
        session.exec(
            select(AuditEntry)
            .where(AuditEntry.declaration_id == declaration_id)
            .order_by(col(AuditEntry.id))
        )
    )


# Staff ids an entry's detail may hold, to load their names in one query.
PERSON_KEYS = ("approver_id", "from_id", "to_id", "delegated_from", "on_behalf_of")


def detail_of(entry: AuditEntry) -> dict[str, Any]:
    try:
        found = json.loads(entry.detail or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def people_in(entries: list[AuditEntry]) -> set[int]:
    ids = {e.actor_id for e in entries if e.actor_id}
    for entry in entries:
        detail = detail_of(entry)
        ids |= {v for k in PERSON_KEYS if isinstance(v := detail.get(k), int)}
    return {i for i in ids if i}
