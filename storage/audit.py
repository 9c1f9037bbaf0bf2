"""The audit trail: every step (submitted, routed, notified, decided, exported) with actor
and time. Written only through `record`; the database refuses updates and deletes, and each
entry is chained to the one before it by hash (storage.audit_chain)."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from storage import audit_chain
from storage.models import AuditEntry


def record(
    session: Session,
    *,
    action: str,
    actor_id: int | None = None,
    declaration_id: int | None = None,
    **detail: Any,
) -> AuditEntry:
    """Append an entry to the trail, chained to the newest one. Written at once (not at commit)
    and holding the chain's lock until the caller's transaction ends: commit soon after."""
    entry = AuditEntry(
        action=action,
        actor_id=actor_id,
        declaration_id=declaration_id,
        detail=json.dumps(detail, sort_keys=True, default=str),
    )
    audit_chain.append(session, entry)
    return entry


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
