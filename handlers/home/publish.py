"""Publishing a person's Home on Slack (views.publish): at once when they open the tab or
page a list (in the request's listener: they are looking at it), and when the outbox's
worker sends a Home refresh a change owed them (the card `home`, bot.usecases.homes).

The pages each person last saw are kept here, in the Slack end, not in the refresh's
payload: paging is how Slack's Home tab draws long lists (Teams draws its own), and a
refresh is queued once for many changes, any of them before the person's latest page turn —
so it is drawn at the pages they were on when it is sent. Kept in memory: after a restart a
refresh shows the first pages, as opening the tab does. Where another process draws the
refreshes (the delivery process), each Home published here at once is told to it (`told`, its
`shown`), pages and digest.

A refresh whose Home is the one this process last published to that person (the neutral
Home's digest: the same model draws the same view) is not drawn as Block Kit nor published
(issue 10: drawing and validating the blocks was a quarter of a publish). Only where one
process draws the refreshes (the delivery process, or HTTP_PROCESSES=1): another's refresh in
between would make the digest wrong. After a restart none is known, so the first refresh
publishes; a failed publish forgets it.
"""

from __future__ import annotations

import hashlib
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
from bot.ui.home_model import Home
from bot.usecases.homes import HOME, Shown, note_opened
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
        # The digest of the Home last published to each person, where this process is the only
        # one publishing; and of each refresh drawn, by outbox id, until Slack has taken it.
        self._unchanged_skipped = settings.http_processes == 1 or settings.delivery_process
        self._published: dict[str, bytes] = {}
        self._drawing: dict[int, tuple[str, bytes]] = {}
        self.told: Shown | None = None  # the process that draws the refreshes, if another

    def attach(self) -> SlackHomes:
        """Draw the `home` refreshes queued in this database (held weakly: keep the
        reference)."""
        _attached[self.db.engine] = self
        return self

    def publish(
        self, slack_user_id: str, pages: Pages | None = None, *, opened: bool = False
    ) -> bool:
        """Publish one person's Home now at `pages` (default: the pages they last saw), and
        remember them; False (logged) if it could not be. `opened`: they have just opened the
        tab, which keeps it current for HOME_WATCH_HOURS (bot.usecases.homes)."""
        if opened:
            note_opened(self.db, self.clock(), slack_user_id=slack_user_id)
        try:
            with self.db.session() as session:
                home = self.home(session, slack_user_id, pages)
            self._forget(slack_user_id)
            self.notifier.publish_home(slack_user_id, _view(home))
        except Exception:
            log.warning("Could not publish the Home of %s", slack_user_id, exc_info=True)
            return False
        digest = _digest(home)
        self._remember(slack_user_id, digest)
        if self.told is not None:
            self.told(slack_user_id, home.pages if home is not None else Pages(), digest)
        return True

    def shown(self, slack_user_id: str, pages: Pages, digest: bytes | None) -> None:
        """Another process published this person's Home at `pages` (its digest): a refresh
        drawn here draws those pages, and is skipped if it is that Home."""
        with self._lock:
            self._pages[slack_user_id] = pages
        if digest is None:
            self._forget(slack_user_id)
        else:
            self._remember(slack_user_id, digest)

    def home(
        self,
        session: Session,
        slack_user_id: str,
        pages: Pages | None = None,
        *,
        me: Staff | None = None,
        manages: bool | None = None,
    ) -> Home | None:
        """The person's Home at `pages` (default: the pages they last saw), remembered as
        the pages they see next, not yet drawn; None for someone not in the org chart. `me`:
        the person, if the caller has loaded them (and `manages`, whether anyone reports to
        them)."""
        with self._lock:
            if pages is None:
                pages = self._pages.get(slack_user_id, Pages())
            self._pages[slack_user_id] = pages
        return load_home(
            session,
            slack_user_id=slack_user_id,
            policy=self.settings.policy,
            now=self.clock(),
            pages=pages,
            me=me,
            manages=manages,
        )

    def refresh(self, message_id: int, slack_user_id: str, home: Home | None) -> View | None:
        """The view a refresh (outbox message `message_id`) publishes; None when it is the
        Home this process last published to the person. `sent` records it once Slack took it."""
        digest = _digest(home)
        with self._lock:
            if self._unchanged_skipped and self._published.get(slack_user_id) == digest:
                return None
            self._published.pop(slack_user_id, None)  # unknown until this publish is answered
            self._drawing[message_id] = (slack_user_id, digest)
        return _view(home)

    def sent(self, message_id: int) -> None:
        """The refresh `message_id` was published: its Home is what the person now sees."""
        with self._lock:
            drawn = self._drawing.pop(message_id, None)
        if drawn is not None:
            self._remember(*drawn)

    def _remember(self, slack_user_id: str, digest: bytes) -> None:
        if self._unchanged_skipped:
            with self._lock:
                self._published[slack_user_id] = digest

    def _forget(self, slack_user_id: str) -> None:
        with self._lock:
            self._published.pop(slack_user_id, None)


def _view(home: Home | None) -> View:
    return home_view(home) if home is not None else unknown_home_view()


def _digest(home: Home | None) -> bytes:
    """The neutral Home's fingerprint: equal models draw equal views (home_view reads nothing
    else), and the model's repr spells out every value it holds."""
    return hashlib.blake2b(repr(home).encode(), digest_size=16).digest()


_attached: weakref.WeakKeyDictionary[Engine, SlackHomes] = weakref.WeakKeyDictionary()


def detach(db: Database) -> None:
    """No Slack Home drawn from `db`'s queue any longer (as `storage.touched.forget`)."""
    _attached.pop(db.engine, None)


def _homes(session: Session) -> SlackHomes:
    bind = session.get_bind()
    homes = _attached.get(bind) if isinstance(bind, Engine) else None
    if homes is None:  # a process that does not draw Homes (e.g. a CLI run): another will
        raise SendFailed("no Slack Home attached to draw it")
    return homes


def _published(session: Session, message: Queued, _posted: object) -> None:
    _homes(session).sent(message.id)


@card(HOME, after=_published)
def draw_home(session: Session, message: Queued) -> Drawn | None:
    """A Home refresh: the person's Home as it is now, at the pages they last saw; nothing
    for someone who has left or has no Slack account, nor when it is the Home they were
    last shown."""
    homes = _homes(session)
    found = staff.active_with_reports(session, staff_id=int(message.payload["staff_id"]))
    person, manages = found if found is not None else (None, None)
    if person is None or not person.slack_user_id:
        return None
    home = homes.home(session, person.slack_user_id, me=person, manages=manages)
    view = homes.refresh(message.id, person.slack_user_id, home)
    return None if view is None else Drawn(home=view, to=person.slack_user_id)
