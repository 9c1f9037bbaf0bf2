"""Keeping Homes current: one mechanism for every feature.

storage.touched reports, after each commit, the declarations and people its audit entries
name. The refresher notes them (no I/O in the committing thread) and, when the unit of work
is done — after each listener (bot.app runs listeners on an executor that settles after
each) and at the end of a sweep (bot.sweep.run_sweep) — re-publishes the Home of everyone
concerned: a declaration's declarant and everyone in its approval chain, and the people
named (a delegation's delegator and deputy, a renewed clearance's holder, the actor). A
failed publish is logged; it never breaks the action that caused it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlmodel import col, select

from bot.notifier import Notifier
from bot.settings import Settings
from handlers.home.ids import Pages
from handlers.home.store import load_home
from handlers.home.views import home_view, unknown_home_view
from storage import touched as touched_store
from storage.db import Database
from storage.models import ApprovalStep, Declaration, Staff
from storage.touched import Touched
from storage.types import utcnow

log = logging.getLogger(__name__)

CHUNK = 500  # ids per IN (…), well inside every database's bound-parameter limit


class HomeRefresher:
    def __init__(
        self,
        db: Database,
        notifier: Notifier,
        settings: Settings,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db, self.notifier, self.settings, self.clock = db, notifier, settings, clock
        self._lock = threading.Lock()
        self._pending = Touched()
        # Per person: one publish at a time (else an older load could land last), and the
        # pages they last saw, so a refresh doesn't send them back to the first page.
        self._people_locks: dict[str, threading.Lock] = {}
        self._pages: dict[str, Pages] = {}

    def watch(self) -> HomeRefresher:
        touched_store.subscribe(self.db, self)
        return self

    # -- storage.touched.Watcher ------------------------------------------------------------

    def touched(self, touched: Touched) -> None:
        with self._lock:
            self._pending.declaration_ids |= touched.declaration_ids
            self._pending.staff_ids |= touched.staff_ids

    def settle(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, Touched()
        if not pending:
            return
        for slack_user_id in self._people(pending):
            self.publish(slack_user_id)

    # -- publishing -------------------------------------------------------------------------

    def publish(self, slack_user_id: str, pages: Pages | None = None) -> bool:
        """Publish one person's Home at `pages` (default: the pages they last saw); False
        (logged) if it could not be."""
        with self._lock:
            person_lock = self._people_locks.setdefault(slack_user_id, threading.Lock())
        with person_lock:
            if pages is None:
                pages = self._pages.get(slack_user_id, Pages())
            try:
                with self.db.session() as session:
                    home = load_home(
                        session,
                        slack_user_id=slack_user_id,
                        policy=self.settings.policy,
                        now=self.clock(),
                        pages=pages,
                    )
                view = home_view(home) if home is not None else unknown_home_view()
                self.notifier.publish_home(slack_user_id, view)
            except Exception:
                log.warning("Could not publish the Home of %s", slack_user_id, exc_info=True)
                return False
            self._pages[slack_user_id] = pages
            return True

    def _people(self, pending: Touched) -> list[str]:
        """The Slack ids of everyone the changes concern, active and known to Slack."""
        ids = set(pending.staff_ids)
        declaration_ids = sorted(pending.declaration_ids)
        with self.db.session() as session:
            for i in range(0, len(declaration_ids), CHUNK):
                chunk = declaration_ids[i : i + CHUNK]
                ids |= set(
                    session.exec(
                        select(Declaration.declarant_id).where(col(Declaration.id).in_(chunk))
                    ).all()
                )
                for approver, deputy_for in session.exec(
                    select(ApprovalStep.approver_id, ApprovalStep.delegated_from_id).where(
                        col(ApprovalStep.declaration_id).in_(chunk)
                    )
                ).all():
                    ids |= {approver, deputy_for or approver}
            wanted = sorted(ids)
            found: set[str] = set()
            for i in range(0, len(wanted), CHUNK):
                found |= {
                    slack
                    for slack in session.exec(
                        select(Staff.slack_user_id).where(
                            col(Staff.id).in_(wanted[i : i + CHUNK]), col(Staff.active).is_(True)
                        )
                    ).all()
                    if slack
                }
        return sorted(found)
