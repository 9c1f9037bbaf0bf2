"""Publishing a person's Home on Slack (views.publish): at once when they open the tab or
page a list (in the request's listener: they are looking at it), and when the outbox's
worker sends a Home refresh a change owed them (the card `home`, bot.usecases.homes).

The pages each person last saw are kept here, in the Slack end, not in the refresh's
payload: paging is how Slack's Home tab draws long lists (Teams draws its own), and a
refresh is queued once for many changes, any of them before the person's latest page turn —
so it is drawn at the pages they were on when it is sent. Kept in memory: after a restart,
or in another process, a refresh shows the first pages, as opening the tab does.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from datetime import datetime

from slack_sdk.models.views import View
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.outbox import Queued, SendFailed
from bot.settings import Settings
from bot.usecases.homes import HOME
from handlers.home.ids import Pages
from handlers.home.store import load_home
from handlers.home.views import home_view, unknown_home_view
from handlers.notifier import Notifier
from handlers.outgoing import Drawn, card
from storage import staff
from storage.db import Database
from storage.models import Staff
from storage.types import utcnow

log = logging.getLogger(__name__)


class SlackHomes:
    """The Slack Home of everyone in one database: drawn from its state, at the pages each
    person last saw."""

    def __init__(
        self,
        db: Database,
        notifier: Notifier,
        settings: Settings,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db, self.notifier, self.settings, self.clock = db, notifier, settings, clock
        self._lock = threading.Lock()
        self._pages: dict[str, Pages] = {}

    def attach(self) -> SlackHomes:
        """Draw the `home` refreshes queued in this database (held weakly: keep the
        reference)."""
        _attached[self.db.engine] = self
        return self

    def publish(self, slack_user_id: str, pages: Pages | None = None) -> bool:
        """Publish one person's Home now at `pages` (default: the pages they last saw), and
        remember them; False (logged) if it could not be."""
        try:
            with self.db.session() as session:
                view = self.view(session, slack_user_id, pages)
            self.notifier.publish_home(slack_user_id, view)
        except Exception:
            log.warning("Could not publish the Home of %s", slack_user_id, exc_info=True)
            return False
        return True

    def view(
        self,
        session: Session,
        slack_user_id: str,
        pages: Pages | None = None,
        *,
        me: Staff | None = None,
    ) -> View:
        """The person's Home at `pages` (default: the pages they last saw), remembered as
        the pages they see next. `me`: the person, if the caller has loaded them."""
        with self._lock:
            if pages is None:
                pages = self._pages.get(slack_user_id, Pages())
            self._pages[slack_user_id] = pages
        home = load_home(
            session,
            slack_user_id=slack_user_id,
            policy=self.settings.policy,
            now=self.clock(),
            pages=pages,
            me=me,
        )
        return home_view(home) if home is not None else unknown_home_view()


_attached: weakref.WeakKeyDictionary[Engine, SlackHomes] = weakref.WeakKeyDictionary()


def detach(db: Database) -> None:
    """No Slack Home drawn from `db`'s queue any longer (as `storage.touched.forget`)."""
    _attached.pop(db.engine, None)


@card(HOME)
def draw_home(session: Session, message: Queued) -> Drawn | None:
    """A Home refresh: the person's Home as it is now, at the pages they last saw; nothing
    for someone who has left or has no Slack account."""
    bind = session.get_bind()
    homes = _attached.get(bind) if isinstance(bind, Engine) else None
    if homes is None:  # a process that does not draw Homes (e.g. a CLI run): another will
        raise SendFailed("no Slack Home attached to draw it")
    person = staff.by_id(session, staff_id=int(message.payload["staff_id"]))
    if person is None or not person.active or not person.slack_user_id:
        return None
    return Drawn(home=homes.view(session, person.slack_user_id, me=person))
