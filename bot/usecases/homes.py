"""Keeping every person's Home current, on every platform, through the outbox.

storage.touched reports, after each commit, the declarations and people its audit entries
name. The refresher notes them (no I/O in the committing thread) and, when the unit of work
is done — after each listener (bot.app runs listeners on an executor that settles after
each) and at the end of a sweep (bot.sweep.run_sweep) — owes each active person concerned a
Home refresh in the outbox, in one short transaction of its own: the card `home` about
`home:{staff_id}`. The platform's sender draws the Home from the latest state when it sends
it (Slack: views.publish; Teams: the Home card updated in place), so:

- one refresh still waiting covers every change before it: none is queued beside it
  (storage.outbox.queue_unless_waiting), and a person whose Home changes ten times while the
  worker is busy gets one publish showing all ten;
- a refresh is due a moment after it is owed (HOME_REFRESH_SECONDS; the running bot's), so
  that changes in that moment merge into it even when the worker is idle: under load a
  manager whose Home twenty decisions touch gets one publish every few seconds, not twenty
  (the outbox's idle barrier, for tests, does not wait the moment out: Worker.wait_idle);
- a refresh already in a worker's hands may have been drawn before the change: a change
  then queues another;
- a refresh that fails is retried with the outbox's back-off, and one queued survives a
  restart — rather than a publish logged and lost.

A refresh is published on the outbox worker's thread, never on a listener's (opening the Home
or paging it is the adapter's, at once). Each platform adapter settles storage.touched after
each request it handles (Slack: bot.app.SettlingExecutor), so that one request's changes
make one refresh per person.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.outbox import queue_unless_waiting, to_staff
from bot.ui.home_model import Pages
from storage import staff as staff_store
from storage import touched as touched_store
from storage.db import Database
from storage.touched import Touched
from storage.types import utcnow

HOME = "home"  # the card every platform draws as the person's Home

log = logging.getLogger(__name__)

# A Home shown at once (the tab opened, a page turned) where the refreshes are not drawn, told
# to the process that draws them (bot.delivery_process) so that a refresh keeps the person at
# their pages: their key on the platform (Slack user id, Teams staff id), the pages, and the
# digest of the Home shown where the platform's end keeps one (Slack), else None.
Shown = Callable[[str, Pages, bytes | None], None]


def subject(staff_id: int) -> str:
    """What a Home refresh is about: one person's Home."""
    return f"home:{staff_id}"


def owe_home(session: Session, staff_id: int, *, not_before: datetime | None = None) -> bool:
    """Owe `staff_id` a Home refresh in the caller's transaction, unless one is waiting;
    due at `not_before` (default: at once)."""
    return queue_unless_waiting(
        session,
        HOME,
        subject=subject(staff_id),
        recipient=to_staff(staff_id),
        not_before=not_before,
        staff_id=staff_id,
    )


def note_opened(
    db: Database,
    at: datetime,
    *,
    slack_user_id: str | None = None,
    staff_id: int | None = None,
    last: datetime | None = None,
) -> None:
    """The person is looking at their Home (Slack: the tab opened; Teams: the Home card shown,
    a page turned, `home` typed): changes keep it current for HOME_WATCH_HOURS. Noted in a
    transaction of its own before the Home is drawn, so a change committed while it is drawn
    is refreshed after. A failure is logged: the Home is still drawn, only its later
    refreshes are missed. `last`: when it was last noted, where the caller has the person's
    row: within the minute, no statement at all (Teams asks for a card at each showing)."""
    if last is not None and last > at - staff_store.NOTED_EVERY:
        return
    try:
        with db.session() as session:
            staff_store.note_home_opened(
                session, at=at, slack_user_id=slack_user_id, staff_id=staff_id
            )
            session.commit()
    except Exception:
        log.warning(
            "Could not note that %s opened their Home", slack_user_id or staff_id, exc_info=True
        )


class HomeRefresher:
    """A storage.touched.Watcher: notes who each commit concerns, and queues their Home
    refreshes when the work that made the changes has finished (`settle`)."""

    def __init__(
        self,
        db: Database,
        *,
        delay: timedelta = timedelta(0),
        now: Callable[[], datetime] = utcnow,
        watched: timedelta | None = None,
        opened_by: Callable[[], datetime] | None = None,
    ) -> None:
        """`delay`: how long after it is owed a refresh is due (changes until then merge
        into it); `now` must be the clock of the worker that sends them. `watched`: only the
        Homes opened within that long are refreshed (Slack, where opening the tab draws it
        afresh; Teams, whose Home card asks for itself afresh when shown); None: everyone's.
        `opened_by`: the clock the openings are noted by (default `now`)."""
        self.db, self.delay, self.now, self.watched = db, delay, now, watched
        self.opened_by = opened_by or now
        self._lock = threading.Lock()
        self._pending = Touched()

    def watch(self) -> HomeRefresher:
        """Watch `db`'s commits; keep the reference (it is watched weakly)."""
        touched_store.subscribe(self.db, self)
        return self

    # -- storage.touched.Watcher ------------------------------------------------------------

    def touched(self, touched: Touched) -> None:
        with self._lock:
            self._pending.declaration_ids |= touched.declaration_ids
            self._pending.staff_ids |= touched.staff_ids

    def settle(self) -> list[int]:
        """Queue the Home refreshes the changes since the last call owe; returns the staff ids
        concerned. A failure puts the changes back, for the next call."""
        with self._lock:
            pending, self._pending = self._pending, Touched()
        if not (pending.declaration_ids or pending.staff_ids):
            return []
        try:
            now = self.now()
            due = now + self.delay if self.delay else None
            since = self.opened_by() - self.watched if self.watched is not None else None
            with self.db.session() as session:
                people = touched_store.concerned(session, pending, opened_since=since)
                for staff_id in people:
                    owe_home(session, staff_id, not_before=due)
                session.commit()
        except Exception:
            self.touched(pending)
            raise
        return people
