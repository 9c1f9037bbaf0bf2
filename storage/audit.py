"""The audit trail: every step (submitted, routed, notified, decided, exported) with actor
and time. Written only through `record`; the database refuses updates and deletes."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from storage.models import AuditEntry


def record(
    session: Session,
    *,
    action: str,
    actor_id: int | None = None,
    declaration_id: int | None = None,
    **detail: Any,
) -> AuditEntry:
    entry = AuditEntry(
        action=action,
        actor_id=actor_id,
        declaration_id=declaration_id,
        detail=json.dumps(detail, sort_keys=True, default=str),
    )
    session.add(entry)
    return entry


def trail(session: Session, *, declaration_id: int) -> list[AuditEntry]:
    return list(
        session.exec(
            select(AuditEntry)
            .where(AuditEntry.declaration_id == declaration_id)
            .order_by(col(AuditEntry.id))
        )
    )
