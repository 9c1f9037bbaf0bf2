"""Saying what a job's messages became when some may be parked (Teams answers 403 where Nolan
is not installed, for a person or a channel's team): `Sweep.deliver` counts a parked message
as gone; these say it waits instead, as a note — it goes by itself once Nolan is installed
(bot.teams.edge, bot.teams.channels), so no run need try it again."""

from __future__ import annotations

from dataclasses import dataclass

from bot.rules.status import OutboxStatus
from bot.sweep import Owed, Sweep
from storage import outbox


@dataclass(frozen=True)
class Said:
    """How the report words one message: `line` (counted as `kind`) once sent, `waiting` while
    it is parked."""

    kind: str
    line: str
    waiting: str


def owe(sweep: Sweep, message_id: int, said: Said, *, failed: str, words: dict[int, Said]) -> None:
    """`sweep.owe` the message, its words kept in `words` for `deliver`."""
    sweep.owe(Owed(message_id, said.kind, None, failed=failed))
    words[message_id] = said


def deliver(sweep: Sweep, words: dict[int, Said]) -> None:
    """`sweep.deliver()`, then each message that went said as sent, or as waiting."""
    went = sweep.deliver()
    with sweep.db.session() as session:
        rows = outbox.by_ids(session, ids=[o.id for o in went])
    for o in went:
        said = words.pop(o.id, None)
        if said is None:
            continue
        row = rows.get(o.id)
        if row is not None and row.status == OutboxStatus.PARKED:
            sweep.report.note(said.waiting)
        else:
            sweep.report.did(said.kind, said.line)
