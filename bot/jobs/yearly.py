"""What the sweep's jobs that write to many people once a year or once ever (the annual
declaration, the undertaking) share: each person's message owed once by its key, what the
sweep's report says of them, and the audit entry of what went."""

from __future__ import annotations

from typing import Any

from bot.ledger import owe_unless_sent
from bot.sweep import Owed, Sweep
from storage import audit
from storage.reminders import Key


def people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def owe(
    sweep: Sweep,
    owed: dict[Key, int | None],
    key: Key,
    *,
    counted_as: str,
    failed: str,
    **payload: Any,
) -> None:
    """Owe `key`'s message (its card is the key's kind), due at the sweep's now (held for the
    recipient's working hours), unless it was sent; counted as `counted_as` once delivered."""
    queued = owe_unless_sent(sweep.db, owed, key, key.kind, due_at=sweep.now, **payload)
    if queued is not None:
        sweep.owe(Owed(queued, counted_as, None, failed=failed))


def report_sent(
    sweep: Sweep, action: str, went: list[Owed], *, sent_line: str, reminded_line: str
) -> tuple[int, int]:
    """`action`_sent and `action`_reminded, counted from what `went`, each said when any
    went (the lines say {people}); (sent, reminded)."""
    sent = sum(o.kind == f"{action}_sent" for o in went)
    reminded = sum(o.kind == f"{action}_reminded" for o in went)
    if sent:
        sweep.report.did(f"{action}_sent", sent_line.format(people=people(sent)), n=sent)
    if reminded:
        sweep.report.did(
            f"{action}_reminded", reminded_line.format(people=people(reminded)), n=reminded
        )
    return sent, reminded


def audited(sweep: Sweep, action: str, **detail: Any) -> None:
    """The audit entry for what a run sent, in a transaction of its own (the messages are
    already owed and delivered in theirs)."""
    with sweep.db.session() as session:
        audit.record(session, action=action, **detail)
        session.commit()
