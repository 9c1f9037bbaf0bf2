"""What every kind of declaration does when it is made: the `submitted` audit entry (what it
said, and the risk flags the approvers were shown, so the tamper-evident trail keeps both)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.settings import Settings
from storage import audit
from storage.models import Declaration, Staff
from storage.risk import snapshot


def audit_submitted(
    session: Session,
    me: Staff,
    declaration: Declaration,
    settings: Settings,
    now: datetime,
    **detail: Any,
) -> None:
    """The `submitted` entry, with the kind's `detail` and the risks as of `now`."""
    assert declaration.id is not None
    audit.record(
        session,
        action="submitted",
        actor_id=me.id,
        declaration_id=declaration.id,
        **detail,
        risks=snapshot(
            session, declaration.id, settings.policy, now.astimezone(settings.policy.tz).date()
        ),
    )
