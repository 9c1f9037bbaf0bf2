"""A waiting step that moved to someone else — escalated, delegated, handed back, reassigned,
following the org chart — announced one way: through the outbox, in the transaction of the move.

What a move owes, in the order people should get it: the old approver's card loses its buttons
and says where the step went; the new approver gets the card; then, as the reason for the move
asks, a note to the new approver, the old one and the member of staff. Each platform draws
these messages by name (Slack: handlers/approvals/moves.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session

from bot.engine import Moved
from bot.outbox import Worker, owe
from bot.usecases.owed import APPROVAL
from bot.usecases.owed import step_subject as _subject
from storage import outbox
from storage.db import Database
from storage.models import Declaration

MOVED_AWAY = "step_moved_away"
MOVE_NOTE = "step_move_note"


class Because(StrEnum):
    """Why a step moved, as far as the notes beside the cards are concerned."""

    ESCALATED = "escalated"  # notes: the new approver, the old one, the member of staff
    REASSIGNED = "reassigned"  # by an admin; note: the member of staff
    ORG_CHART = "org_chart"  # a new line manager; note: the member of staff
    DELEGATION = "delegation"  # starting, ending or replaced: the delegation's own messages


class Told(StrEnum):
    NEW_APPROVER = "new_approver"
    OLD_APPROVER = "old_approver"
    DECLARANT = "declarant"


NOTES: dict[Because, tuple[Told, ...]] = {
    Because.ESCALATED: (Told.NEW_APPROVER, Told.OLD_APPROVER, Told.DECLARANT),
    Because.REASSIGNED: (Told.DECLARANT,),
    Because.ORG_CHART: (Told.DECLARANT,),
    Because.DELEGATION: (),
}


@dataclass(frozen=True)
class Owed:
    """One message queued, and what it does in words ("send GH-00001 to Eve Other"), for
    whoever reports what could not be sent."""

    id: int
    what: str


def owe_card(session: Session, *, step_id: int, approver_id: int) -> int:
    """The step's approver is sent its card, with the buttons."""
    return owe(session, APPROVAL, approver_id, about=_subject(step_id), step_id=step_id)


def owe_moved(
    session: Session,
    moved: Moved,
    *,
    why: str,
    because: Because,
    waited: int | None = None,
    names: dict[int, str] | None = None,
    reference: str = "",
) -> list[Owed]:
    """Queue what one move owes (see the module's docstring). `why` is said on the old card
    ("no decision after 6 working days"); `waited`, the working days an escalated step waited;
    `names` (staff id → name) and `reference` only word the list returned."""
    names, reference = names or {}, reference or f"step {moved.step_id}"
    old = names.get(moved.from_id, "the previous approver")
    new = names.get(moved.to_id, "the new approver")
    owed: list[Owed] = []
    if moved.old_channel and moved.old_ts:  # its card went out: it loses its buttons
        old_card = {"step_id": moved.step_id, "channel": moved.old_channel, "ts": moved.old_ts}
        about = _subject(moved.step_id)
        message = owe(session, MOVED_AWAY, moved.from_id, about=about, why=why, **old_card)
        owed.append(Owed(message, f"update {old}'s message about {reference}"))
    card = owe_card(session, step_id=moved.step_id, approver_id=moved.to_id)
    owed.append(Owed(card, f"send {reference} to {new}"))
    declaration = session.get(Declaration, moved.declaration_id)
    recipients = {
        Told.NEW_APPROVER: moved.to_id,
        Told.OLD_APPROVER: moved.from_id,
        Told.DECLARANT: declaration.declarant_id if declaration else None,
    }
    for told in NOTES[because]:
        staff_id = recipients[told]
        if staff_id is None:
            continue
        note = {"step_id": moved.step_id, "from_id": moved.from_id, "to_id": moved.to_id}
        note |= {"told": told.value, "because": because.value, "waited": waited}
        message = owe(session, MOVE_NOTE, staff_id, about=_subject(moved.step_id), **note)
        owed.append(
            Owed(message, f"tell the {told.value.replace('_', ' ')} that {reference} moved")
        )
    return owed


def owe_moves(
    session: Session, moves: Iterable[Moved], *, why: str, because: Because
) -> list[Owed]:
    """`owe_moved` for each of several moves (a delegation starting or ending)."""
    return [o for moved in moves for o in owe_moved(session, moved, why=why, because=because)]


def unsent(session: Session, owed: Sequence[Owed]) -> list[str]:
    """What of `owed` the platform refused (it is tried again, unless no retry can mend it),
    each as "could not <what>: <the platform's error>"."""
    rows = outbox.states(session, ids=[o.id for o in owed])
    lines = []
    for item in owed:
        state = rows.get(item.id)
        if state is not None and state.failed:
            lines.append(f"could not {item.what}: {state.error or 'not sent'}")
    return lines


def send_now(db: Database, worker: Worker | None, owed: Sequence[Owed]) -> list[str]:
    """Send what is owed at once, where a run reports what failed (the daily sweep, an org
    chart import), and say what the platform refused (`unsent`)."""
    if not owed or worker is None:
        return []
    worker.run_once()
    with db.session() as session:
        return unsent(session, owed)
