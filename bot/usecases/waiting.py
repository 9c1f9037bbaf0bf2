"""The sweep's messages about decisions waiting (owed by bot.jobs.waiting and
bot.jobs.approvals), as every platform's drawer reads them when the outbox sends them: their
card names, the items still waiting for the approver then, and what sending one records in
the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from bot.outbox import Queued
from bot.ui.waiting import DigestItem, Item, ReminderItem, from_payload
from storage import audit
from storage import waiting as store

# The cards' names (and the ledger keys' kinds), as owed and as each platform draws them.
DIGEST = "waiting_digest"  # an approver's morning digest of decisions waiting
REMINDER = "approval_reminder"  # an approver's one escalation reminder


def _still_waiting(session: Session, message: Queued, kind: type[Item]) -> list[Item]:
    raw: Sequence[dict[str, Any]] = message.payload.get("items") or []
    waiting = store.still_waiting(
        session,
        step_ids=[int(i["step_id"]) for i in raw],
        approver_id=int(message.payload["approver_id"]),
    )
    return [from_payload(kind, i) for i in raw if int(i["step_id"]) in waiting]


def digest_items(session: Session, message: Queued) -> list[DigestItem]:
    """A digest's items still waiting for its approver as it is drawn (none: nothing to say
    any more)."""
    return _still_waiting(session, message, DigestItem)


def reminder_items(session: Session, message: Queued) -> list[ReminderItem]:
    """A reminder's items still waiting for its approver as it is drawn."""
    return _still_waiting(session, message, ReminderItem)


def record_reminded(via: str | None = None) -> Any:
    """A sender's after-hook: once the message is sent, a "reminded" audit entry for each
    step it reminded of (a digest: those it carried the reminder of) that still waits for
    its approver."""

    def after(session: Session, message: Queued, _where: Any) -> None:
        approver_id = int(message.payload["approver_id"])
        raw = [i for i in message.payload.get("items") or [] if via is None or i.get("reminder")]
        waiting = store.still_waiting(
            session, step_ids=[int(i["step_id"]) for i in raw], approver_id=approver_id
        )
        detail = {"via": via} if via else {}
        for i in raw:
            if int(i["step_id"]) in waiting:
                audit.record(
                    session,
                    action="reminded",
                    declaration_id=int(i["declaration_id"]),
                    step_id=int(i["step_id"]),
                    approver_id=approver_id,
                    working_days=int(i["working_days"]),
                    **detail,
                )

    return after


reminded_by_digest = record_reminded(via=DIGEST)
