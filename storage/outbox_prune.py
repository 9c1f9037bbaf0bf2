"""Clearing the outbox of what no one will read again: the Home refreshes done with.

Every change owes each person concerned who is looking at their Home a refresh
(bot.usecases.homes), an outbox row each: at a police force's size, hundreds of thousands of
rows a year that nothing reads once they have gone, unlike the messages people were sent (the
registers' history, "was this year's annual declaration sent"). A refresh done with (sent,
skipped or given up) goes once it is older than the days kept, but for the newest that went
with a place (Teams: the Home card the next refresh updates in place, storage.outbox.last_sent)
and any that another message updates.

Read a batch at a time in id order by the index over the Home refreshes alone (migration
0015: partial, so the kind is written into the statement, not bound), each batch in the
caller's short transaction, so that on SQLite no writer waits long behind it; the ids follow
the time rows were made, so the walk stops at the first row not yet old enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Integer, String, TextClause, bindparam, delete, func, select, text
from sqlmodel import Session

from bot.rules.status import OutboxStatus
from storage.db import run
from storage.models import OutboxMessage
from storage.types import UTCDateTime

BATCH = 1000
HOME = "home"  # the Home refreshes' kind (bot.usecases.homes.HOME): the partial index's

_ROWS = OutboxMessage.__table__  # type: ignore[attr-defined]
_DONE = frozenset({OutboxStatus.SENT, OutboxStatus.SKIPPED, OutboxStatus.DEAD})


@cache
def _next(dialect: str) -> TextClause:
    """The next batch of refreshes after an id. Written out: SQLite, without statistics,
    prefers any index with an equality on `kind` and sorts every refresh; told which to use
    (INDEXED BY), it reads from the id on. SQLAlchemy has no SQLite table hints."""
    hint = " INDEXED BY ix_outbox_home_id" if dialect == "sqlite" else ""
    return text(
        f"SELECT id, subject, status, ts, created_at FROM outbox{hint} "
        f"WHERE kind = '{HOME}' AND id > :after ORDER BY id LIMIT :batch"
    ).columns(id=Integer, subject=String, status=String, ts=String, created_at=UTCDateTime)


_NEWEST_PLACED = (
    select(func.max(_ROWS.c.id))
    .where(
        _ROWS.c.kind == HOME,
        _ROWS.c.subject.in_(bindparam("subjects", expanding=True)),
        _ROWS.c.status == OutboxStatus.SENT,
        _ROWS.c.ts.is_not(None),
    )
    .group_by(_ROWS.c.subject)
)
_UPDATED = select(_ROWS.c.updates_id).where(
    _ROWS.c.updates_id.in_(bindparam("ids", expanding=True))
)
_REMOVE = delete(_ROWS).where(
    _ROWS.c.id.in_(bindparam("ids", expanding=True)), _ROWS.c.status.in_(sorted(_DONE))
)


@dataclass(frozen=True)
class Pruned:
    removed: int
    after: int | None  # the id to go on after; None: nothing older is left to look at


def prune_homes(
    session: Session, *, before: datetime, after: int = 0, batch: int = BATCH
) -> Pruned:
    """Remove, in the caller's transaction, the Home refreshes done with and made before
    `before` among the next `batch` of them after id `after`."""
    statement = _next(session.get_bind().dialect.name)
    rows = run(session, statement, {"after": after, "batch": batch}).all()
    old = [r for r in rows if r.created_at < before]
    done = [r for r in old if r.status in _DONE]
    placed = {r.subject for r in done if r.status == OutboxStatus.SENT and r.ts is not None}
    keep: set[int] = set()
    if placed:
        keep |= set(run(session, _NEWEST_PLACED, {"subjects": sorted(placed)}).scalars())
    ids = [r.id for r in done if r.id not in keep]
    if ids:
        keep |= set(run(session, _UPDATED, {"ids": ids}).scalars())
        ids = [i for i in ids if i not in keep]
    removed: int = run(session, _REMOVE, {"ids": ids}).rowcount if ids else 0
    more = len(rows) == batch and len(old) == len(rows)
    return Pruned(removed, rows[-1].id if more else None)
