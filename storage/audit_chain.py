"""The audit trail's hash chain: each entry carries the hash of the one before it, so an edited,
deleted or reordered entry shows. One definition of the hash, used to write (`append`), to
backfill (migration 0004) and to check (`verify`).

Writers are serialized on the one `audit_head` row, which also remembers the newest entry so
that deleting the last entries — which leaves no broken link behind — is caught too. Someone
able to rewrite the database can still recompute the whole chain and the head; `verify` prints
the newest hash so it can be noted somewhere they cannot reach (see the README).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from storage import touched
from storage.db import dialect_insert, run
from storage.models import AuditEntry, AuditHead, Declaration

GENESIS = "0" * 64  # the prev_hash of the first entry
HEAD_ID = 1
_VERSION = "nolan-audit/1"  # changes only with a new encoding (and a migration)
_ENTRIES = AuditEntry.__table__  # type: ignore[attr-defined]
_HEAD = AuditHead.__table__  # type: ignore[attr-defined]
_BATCH = 1000
_NEWEST = "recorded as the newest entry's"  # by audit_head
_NOTED = "noted for it"  # outside the database, given to verify
_HASHED = ("id", "at", "actor_id", "action", "declaration_id", "detail")  # entry_hash's columns


def entry_hash(
    *,
    id: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    declaration_id: int | None,
    detail: str,
    prev_hash: str,
) -> str:
    """SHA-256 of a JSON array of the entry's fields and prev_hash: positions, not separators,
    keep the fields apart, and `at` is UTC to the microsecond as both databases store it."""
    stamp = at.astimezone(UTC).isoformat(timespec="microseconds")
    fields = [_VERSION, id, stamp, actor_id, action, declaration_id, detail, prev_hash]
    encoded = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def hash_of(row: Any, prev_hash: str) -> str:
    """The hash of an AuditEntry or a row with the same column names."""
    return entry_hash(**{name: getattr(row, name) for name in _HASHED}, prev_hash=prev_hash)


def append(session: Session, entry: AuditEntry) -> None:
    """Insert `entry` complete — id, prev_hash and hash — as the chain's newest link."""
    append_all(session, [entry])


def append_all(session: Session, entries: list[AuditEntry]) -> None:
    """Insert `entries`, in order, as the chain's newest links, each complete — id,
    prev_hash and hash.

    The rows are append-only, so nothing is written twice: the batch's ids are taken as the
    head is held, by the same statement (the sequence's on PostgreSQL; on SQLite, which holds
    the write lock, one past the highest and the next ones), then the links go in and the
    head moves on. On PostgreSQL that is one statement (the INSERT in a WITH of the head's
    UPDATE) for a batch of up to `_JOINED` entries: two statements a batch in all, each a
    round trip. SQLite takes no INSERT in a WITH: an executemany, then the head's UPDATE
    (issue 10).
    The head's lock lasts until the caller's transaction ends, so the chain never forks:
    `storage.audit.record` calls this as the transaction commits, to hold it briefly.
    """
    if not entries:
        return
    session.flush()  # what the entries refer to (a new declaration, say) go in first
    prev, ids = _claim_head(session, len(entries))
    rows = []
    for entry, id_ in zip(entries, ids, strict=True):
        entry.id = id_
        entry.prev_hash = prev
        entry.hash = prev = hash_of(entry, prev)
        rows.append({name: getattr(entry, name) for name in _WRITTEN})
    head = {"head_id": entries[-1].id, "head_hash": prev}
    if session.get_bind().dialect.name == "postgresql" and len(rows) <= _JOINED:
        joined = {f"e{n}_{name}": v for n, row in enumerate(rows) for name, v in row.items()}
        run(session, _add_and_set_head(len(rows)), joined | head)
    else:
        run(session, _ADD, rows)  # a Core INSERT: no ORM flush a link
        run(session, _SET_HEAD, head)
    touched.note_entries(session, entries)


_WRITTEN = (*_HASHED, "prev_hash", "hash")
_ADD = _ENTRIES.insert()
_JOINED = 16  # the most entries added in the head's statement (a change writes one to three)


# Every audited commit runs these: built once (per database kind), not at each commit.
_SET_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == HEAD_ID)
    .values(last_id=bindparam("head_id"), last_hash=bindparam("head_hash"))
)


@cache
def _add_and_set_head(n: int) -> Any:
    """PostgreSQL: `n` links added and the head moved on to the last, in one statement (the
    INSERT, in the WITH, sees and locks nothing the UPDATE does), built once for each `n`.
    Text with typed parameters: SQLAlchemy does not cache a multi-row VALUES, and compiling it
    at each commit cost more than the round trip it saves."""
    values = ", ".join(
        "(" + ", ".join(f":e{i}_{name}" for name in _WRITTEN) + ")" for i in range(n)
    )
    sql = (
        f"WITH added AS (INSERT INTO {_ENTRIES.name} ({', '.join(_WRITTEN)}) VALUES {values}) "
        f"UPDATE {_HEAD.name} SET last_id = :head_id, last_hash = :head_hash WHERE id = {HEAD_ID}"
    )
    typed = [
        bindparam(f"e{i}_{name}", type_=_ENTRIES.c[name].type)
        for i in range(n)
        for name in _WRITTEN
    ]
    return text(sql).bindparams(*typed)


@cache
def _claim(dialect: str) -> Any:
    """The head locked, with the newest hash and the first id of the entries to add."""
    return (
        dialect_insert(dialect, _HEAD)
        .values(id=HEAD_ID, last_id=None, last_hash=None)
        .on_conflict_do_update(index_elements=[_HEAD.c.id], set_={"last_id": _HEAD.c.last_id})
        .returning(_HEAD.c.last_hash, _first_id(dialect))
    )


def _first_id(dialect: str) -> Any:
    """The next entry's id (PostgreSQL: the next `n` ids, an array), as RETURNING computes it
    once the head row is held."""
    if dialect == "postgresql":
        return _NEXT_IDS
    # Never reuse the number of an entry that has been deleted from the end.
    highest = select(func.max(_ENTRIES.c.id)).scalar_subquery()
    return func.max(func.coalesce(highest, 0), func.coalesce(_HEAD.c.last_id, 0)) + 1


# On PostgreSQL, the ids of a batch's entries: n numbers from the sequence (sorted, they keep
# the entries' order), in the statement that holds the head.
_NEXT_IDS = (
    select(func.array_agg(func.nextval(func.pg_get_serial_sequence("audit_entry", "id"))))
    .select_from(func.generate_series(1, bindparam("n")))
    .scalar_subquery()
)


def _claim_head(session: Session, n: int) -> tuple[str, list[int]]:
    """Lock the head; the newest hash, and the ids of the next `n` entries, ascending.

    The head is written before anything is read: on PostgreSQL the write locks the head row
    until commit (a second writer waits here, then gets the head the first one left); on
    SQLite it takes the database's write lock with a fresh snapshot. Reading first would let
    two writers read the same head (PostgreSQL) or fail the upgrade to a writer at once
    (SQLite's WAL). The ids come once the head is held, in the same statement: no one else
    takes the sequence's next numbers (PostgreSQL), or adds an entry past the highest
    (SQLite), until this transaction ends.

    An upsert, so a head row that has gone (a table emptied) starts again from the genesis
    value — if entries remain, `verify` shows the break — at no extra query."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        last_hash, taken = run(session, _claim(dialect), {"n": n}).one()
        return last_hash or GENESIS, sorted(int(id_) for id_ in taken)
    last_hash, first = run(session, _claim(dialect)).one()
    return last_hash or GENESIS, list(range(int(first), int(first) + n))


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold: the entry it names and what is wrong."""

    entry_id: int | None
    at: datetime | None
    action: str | None
    reference: str | None
    problem: str

    def describe(self) -> str:
        if self.entry_id is None:
            return self.problem
        when = self.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if self.at else "?"
        ref = f", {self.reference}" if self.reference else ""
        return f"Entry #{self.entry_id} ({when}, {self.action}{ref}): {self.problem}"


@dataclass(frozen=True)
class Verdict:
    entries: int
    newest_id: int | None
    newest_hash: str | None
    broken: Break | None


def verify(engine: Engine, *, noted: Mapping[int, str] | None = None) -> Verdict:
    """Recompute the chain in id order, streaming the rows, and stop at the first break.

    `noted` maps entry numbers to hashes kept outside the database (from an earlier run):
    each must still be there with that hash, which a chain recomputed after tampering is not.
    """
    with engine.connect() as conn:
        # The head first: entries appended while the rows stream chain on from it.
        head = conn.execute(select(_HEAD.c.last_id, _HEAD.c.last_hash)).first()
        known: dict[int, list[tuple[str, str]]] = {
            n: [(h.lower(), _NOTED)] for n, h in (noted or {}).items()
        }
        if head is not None and head.last_id is not None:
            known.setdefault(head.last_id, []).append((head.last_hash, _NEWEST))
        # A database error mid-stream propagates (the CLI words it); the cursor closes anyway.
        with conn.execution_options(yield_per=_BATCH).execute(
            select(_ENTRIES).order_by(_ENTRIES.c.id)
        ) as rows:
            verdict = _walk(rows, known)
        if verdict.broken is None and head is None and verdict.entries:
            problem = "The record of the newest entry (the audit_head table) is missing."
            verdict = replace(verdict, broken=Break(None, None, None, None, problem))
        if verdict.broken and verdict.broken.entry_id is not None:
            verdict = _with_reference(conn, verdict)
        return verdict


def _walk(rows: Iterable[Any], known: dict[int, list[tuple[str, str]]]) -> Verdict:
    count, previous = 0, None
    for row in rows:
        problem = _unhashed(row) or _link_problem(row, previous) or _content_problem(row)
        for expected, source in known.pop(row.id, []):
            if not problem and row.hash != expected:
                problem = (
                    f"its hash is not the one {source} ({expected[:12]}…): the chain was "
                    "recomputed after a change to this entry or one before it"
                )
        if problem:
            return Verdict(count, _id(previous), _hash(previous), _break(row, problem))
        count += 1
        previous = row
    verdict = Verdict(count, _id(previous), _hash(previous), None)
    if not known:
        return verdict
    missing = min(known)
    last = f"after entry #{previous.id}" if previous is not None else "with no entries left"
    expected, source = known[missing][-1]  # the head's, if it is one
    if source == _NEWEST:
        problem = (
            f"The chain ends {last}, but the newest entry recorded was #{missing}: "
            "the last entries were deleted."
        )
    else:
        problem = (
            f"The chain ends {last}, but entry #{missing}, noted with hash {expected[:12]}…, "
            "is not there: it was deleted, with any entries after it."
        )
    return replace(verdict, broken=Break(None, None, None, None, problem))


def _link_problem(row: Any, previous: Any) -> str | None:
    if previous is None:
        if row.prev_hash == GENESIS:
            return None
        return (
            "it is the first entry but does not start the chain (its prev_hash is not the "
            "genesis value): the entries before it were deleted"
        )
    if row.prev_hash == previous.hash:
        return None
    return (
        f"its prev_hash does not match the hash of the entry before it (#{previous.id}): "
        "entries between them were deleted, the entries were reordered, or "
        f"#{previous.id} was rewritten with a new hash"
    )


def _unhashed(row: Any) -> str | None:
    if row.hash is None:
        return "it has no hash: it was written outside the audit trail, or its hash was erased"
    return None


def _content_problem(row: Any) -> str | None:
    if row.hash != hash_of(row, row.prev_hash):
        return "its hash does not match its content: it was edited"
    return None


def _break(row: Any, problem: str) -> Break:
    return Break(row.id, row.at, row.action, None, problem)


def _id(row: Any) -> int | None:
    return row.id if row is not None else None


def _hash(row: Any) -> str | None:
    return row.hash if row is not None else None


def _with_reference(conn: Connection, verdict: Verdict) -> Verdict:
    broken = verdict.broken
    assert broken is not None and broken.entry_id is not None
    declaration = _ENTRIES.c.declaration_id
    reference = conn.execute(
        select(Declaration.__table__.c.reference)  # type: ignore[attr-defined]
        .join(_ENTRIES, declaration == Declaration.__table__.c.id)  # type: ignore[attr-defined]
        .where(_ENTRIES.c.id == broken.entry_id)
    ).scalar()
    named = Break(broken.entry_id, broken.at, broken.action, reference, broken.problem)
    return Verdict(verdict.entries, verdict.newest_id, verdict.newest_hash, named)
