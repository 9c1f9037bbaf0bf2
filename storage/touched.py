"""Who a committed change concerns, read from the audit trail it wrote.

Every change that matters to a person is audited (storage.audit.record): a declaration
submitted, decided, withdrawn, reassigned, escalated; a delegation set or ended; a vetting
renewal. So instead of each feature telling the App Home who to refresh, this watches the
audit entries a session flushes and, once the transaction commits (never on rollback), hands
their declarations and people to whoever subscribed for that database (and wakes the outbox's
worker when a message was queued). `settle(db)` then runs
the subscribers' deferred work (queueing the Home refreshes of everyone concerned:
bot.usecases.homes), after a listener or a sweep has finished.
"""

from __future__ import annotations

import json
import logging
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, event, union
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from storage.db import Database, run
from storage.models import ApprovalStep, AuditEntry, Declaration, OutboxMessage, Staff

log = logging.getLogger(__name__)

CHUNK = 500  # ids per IN (…), well inside every database's bound-parameter limit

# Keys of an audit entry's detail that name a member of staff the change concerns.
PERSON_KEYS = ("staff_id", "delegator_id", "deputy_id", "approver_id", "from_id", "to_id")
_KEY = "touched"
# Entries that record a message sent, a look or an attempt, not a change anyone's Home shows:
# refreshing for them would redo every Home after each sweep and each officer's look.
UNCHANGING = frozenset(
    {
        "viewed",
        "reminded",
        "notified",
        "exported",
        "published",
        "annual_report",
        "outside_work_review_sent",
        "undertaking_sent",
        "annual_nonresponders_sent",
        "decision_refused",
    }
)


@dataclass
class Touched:
    declaration_ids: set[int] = field(default_factory=set)
    staff_ids: set[int] = field(default_factory=set)
    queued: bool = False  # a message was queued in the outbox: wake its worker

    def __bool__(self) -> bool:
        return bool(self.declaration_ids or self.staff_ids or self.queued)

    def add(self, entry: AuditEntry) -> None:
        if entry.action in UNCHANGING:
            return
        if entry.declaration_id is not None:
            self.declaration_ids.add(entry.declaration_id)
        if entry.actor_id is not None:
            self.staff_ids.add(entry.actor_id)
        try:
            detail = json.loads(entry.detail or "{}")
        except ValueError:
            return
        if isinstance(detail, dict):
            self.staff_ids |= {
                v for k in PERSON_KEYS if isinstance(v := detail.get(k), int) and v > 0
            }


_NAMED = bindparam("staff_ids", expanding=True)
_DECLARATIONS = bindparam("declaration_ids", expanding=True)
# Built once: every listener that changed something runs it after it (a Core statement). The
# people a change names, each declaration's declarant, its approvers and the principals they
# deputise for (NULL for none: matches no one), as one set of ids.
_PEOPLE = union(
    sa_select(Staff.id).where(col(Staff.id).in_(_NAMED)),
    sa_select(Declaration.declarant_id).where(col(Declaration.id).in_(_DECLARATIONS)),
    sa_select(ApprovalStep.approver_id).where(col(ApprovalStep.declaration_id).in_(_DECLARATIONS)),
    sa_select(ApprovalStep.delegated_from_id).where(
        col(ApprovalStep.declaration_id).in_(_DECLARATIONS)
    ),
)
_ACTIVE = sa_select(Staff.id).where(col(Staff.id).in_(_PEOPLE), col(Staff.active).is_(True))
_WATCHING = _ACTIVE.where(col(Staff.home_opened_at) >= bindparam("since"))


def concerned(
    session: Session, touched: Touched, *, opened_since: datetime | None = None
) -> list[int]:
    """The active staff a change concerns: the people it names, and each declaration's
    declarant and everyone in its approval chain (a deputy's principal too). Reads those ids
    only, in one statement (one per CHUNK of each) whatever the size of the office: on every
    action, so each statement saved is a round trip off every action on PostgreSQL.
    `opened_since`: only those who have opened their Home since then."""
    staff_ids, declaration_ids = sorted(touched.staff_ids), sorted(touched.declaration_ids)
    query, since = (_ACTIVE, {}) if opened_since is None else (_WATCHING, {"since": opened_since})
    active: set[int] = set()
    for i in range(0, max(len(staff_ids), len(declaration_ids)), CHUNK):
        chunk = {
            "staff_ids": staff_ids[i : i + CHUNK],
            "declaration_ids": declaration_ids[i : i + CHUNK],
            **since,
        }
        active |= set(run(session, query, chunk).scalars())
    return sorted(active)


class Watcher(Protocol):
    def touched(self, touched: Touched) -> None:
        """Called after commit, in the committing thread: note it, do no I/O here."""

    def settle(self) -> None:
        """Do the deferred work (after a listener or a sweep)."""


_watchers: weakref.WeakKeyDictionary[Engine, weakref.WeakSet[Any]] = weakref.WeakKeyDictionary()


def subscribe(db: Database, watcher: Watcher) -> None:
    """Held weakly: a watcher goes with the app that owns it."""
    _watchers.setdefault(db.engine, weakref.WeakSet()).add(watcher)


def forget(db: Database) -> None:
    """Drop every watcher of `db`, for when the apps that subscribed are done with it and
    others run on the same engine next (the tests keep one engine from test to test): held
    weakly, a stopped app's watchers would otherwise hear commits until collected."""
    _watchers.pop(db.engine, None)


def settle(db: Database) -> None:
    """Run every subscriber's deferred work; a failure is logged, never raised."""
    for watcher in list(_watchers.get(db.engine, ())):
        try:
            watcher.settle()
        except Exception:
            log.warning("Deferred work after a change failed", exc_info=True)


def _watched(session: Session) -> bool:
    bind = session.bind
    return isinstance(bind, Engine) and bool(_watchers.get(bind))


def note_entries(session: Session, entries: list[AuditEntry]) -> None:
    """Audit entries written without the ORM (storage.audit_chain): noted as a flush would."""
    if _watched(session):
        noted = session.info.setdefault(_KEY, Touched())
        for entry in entries:
            noted.add(entry)


def note_queued(session: Session) -> None:
    """Messages became due without a new row (a bulk update): wake the worker on commit."""
    if _watched(session):
        session.info.setdefault(_KEY, Touched()).queued = True


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    if not _watched(session):
        return
    for obj in session.new:
        if isinstance(obj, AuditEntry):
            session.info.setdefault(_KEY, Touched()).add(obj)
        elif isinstance(obj, OutboxMessage) and obj.payload is not None:
            session.info.setdefault(_KEY, Touched()).queued = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    touched = session.info.pop(_KEY, None)
    if not touched or not isinstance(session.bind, Engine):
        return
    for watcher in list(_watchers.get(session.bind, ())):
        try:
            watcher.touched(touched)
        except Exception:
            log.warning("Could not note a change for refreshing", exc_info=True)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_KEY, None)
