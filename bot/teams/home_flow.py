"""The Home on Teams: sent when Nolan is installed for a person and on `home` (and `conduct`
alone), kept current in place, and paged.

Teams has no Home tab for bots, so the Home is a card in the person's 1:1 chat. Every Home
goes through the outbox as the card `home` about `home:{staff_id}` (the same message the
Home refresher queues after each change that concerns someone): the drawer below draws the
latest state and puts it in place of the last Home card that went (its place is in the
outbox: an update records the place it replaced), so a person has one Home card that keeps
itself current. `home` typed (or Nolan installed) posts a fresh card, which is then the one
kept current.

Whenever Teams shows a Home card it asks for the Home afresh (the card's `refresh`, verb
REFRESH): the answer is the Home as it stands, at the pages the card shows. That showing, a
page turned and `home` typed note the Home as looked at, so that changes push it current
for HOME_WATCH_HOURS (bot.usecases.homes); after that, Teams' own refresh brings it up to
date when next shown, and no Connector call is spent on a card nobody is looking at.

"Previous"/"More" answer the press with the Home at that page (the card replaced in place)
and remember the pages the person last saw, so a refresh keeps them there. The pages are
kept in memory: after a restart a refresh shows the first pages again. Where another process
draws the refreshes (the delivery process), the pages are told to it too (`tell`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from bot import outbox
from bot.outbox import Queued
from bot.settings import Policy
from bot.teams.cards import pressed
from bot.teams.drawers import Drawn, Where, drawer
from bot.teams.edge import NOT_IN_ORG_CHART, installed
from bot.teams.home import PAGE_SIZE, REFRESH, home_card, home_message
from bot.teams.invoke_responses import action_error, card_replaced
from bot.teams.router import ADAPTIVE_CARD_ACTION, Router, Turn
from bot.ui.home_model import Action, Home, Pages
from bot.usecases.home import load_home
from bot.usecases.homes import Shown, note_opened
from storage import outbox as sent_messages
from storage.types import utcnow

HOME = "home"  # the outbox card, on every platform
COMMAND = "home"
FRESH = "fresh"  # payload key: post a new Home card rather than update the last one


class _Homes:
    """What the drawer needs beside the database (the office's policy, the clock) and the
    pages each person last saw. One per process, set by the adapter (configure)."""

    def __init__(self) -> None:
        self.policy = Policy()
        self.clock: Callable[[], datetime] = utcnow
        self._pages: dict[int, Pages] = {}
        self._lock = threading.Lock()
        self.told: Shown | None = None  # the process that draws the refreshes, if another

    def pages(self, staff_id: int) -> Pages:
        with self._lock:
            return self._pages.get(staff_id, Pages())

    def remember(self, staff_id: int, pages: Pages, *, tell: bool = True) -> None:
        with self._lock:
            self._pages[staff_id] = pages
        if tell and self.told is not None:
            self.told(str(staff_id), pages, None)

    def load(self, session: Session, staff_id: int, pages: Pages) -> Home | None:
        return load_home(
            session,
            staff_id=staff_id,
            policy=self.policy,
            now=self.clock(),
            pages=pages,
            page_size=PAGE_SIZE,
        )


_homes = _Homes()


def tell(told: Shown | None) -> None:
    """Where the pages each person turns to are told (bot.usecases.homes.Shown): the process
    that draws the refreshes, when it is another."""
    _homes.told = told


def shown(staff_id: int, pages: Pages) -> None:
    """Another process showed the person their Home at `pages`: a refresh here keeps them."""
    _homes.remember(staff_id, pages, tell=False)


def configure(policy: Policy, clock: Callable[[], datetime]) -> None:
    """The office's policy and the clock the Home is drawn with (bot.teams.adapter)."""
    _homes.policy, _homes.clock = policy, clock


def office_policy() -> Policy:
    """The office's policy, for drawing what is sent (drawers get no settings)."""
    return _homes.policy


def office_today() -> date:
    """The office's date now, for drawing what is sent."""
    return _homes.clock().astimezone(_homes.policy.tz).date()


def office_day_of(message: Queued) -> date:
    """The office's date a message speaks of ("in 7 days"): when it fell due, or later if it
    goes later (the pass's time: a sweep's is driven by date), as Slack's Office does."""
    at = message.at or _homes.clock()
    if message.due_at is not None:
        at = max(message.due_at, at)
    return at.astimezone(_homes.policy.tz).date()


def load_for(session: Session, staff_id: int) -> Home | None:
    """The person's Home at the pages they last saw (None: not in the org chart)."""
    return _homes.load(session, staff_id, _homes.pages(staff_id))


def subject_of(staff_id: int) -> str:
    return f"home:{staff_id}"


def queue_home(session: Session, staff_id: int, *, fresh: bool = False) -> int:
    """Owe the person their Home card, in the caller's transaction: a new card at the first
    pages (`fresh`), else the last one brought up to date."""
    extra: dict[str, Any] = {}
    if fresh:
        _homes.remember(staff_id, Pages())
        extra[FRESH] = True
    return outbox.queue(
        session, HOME, subject=subject_of(staff_id), recipient=outbox.to_staff(staff_id), **extra
    )


def register(router: Router) -> None:
    router.command(COMMAND, send_home)
    router.on("conversationUpdate", on_install)
    router.on("installationUpdate", on_install)
    for verb in (Action.MORE, Action.PREVIOUS, REFRESH):
        router.invoke(ADAPTIVE_CARD_ACTION, turn_page, key=verb)


def send_home(turn: Turn) -> None:
    """`home` (and `conduct` alone): a fresh Home card in the person's chat."""
    if turn.actor is not None and turn.actor.id is not None:
        _looked(turn, turn.actor.id)
    with turn.db.session() as session:
        if turn.actor is None or turn.actor.id is None:
            turn.tell(session, NOT_IN_ORG_CHART)
        else:
            queue_home(session, turn.actor.id, fresh=True)
        session.commit()


def on_install(turn: Turn) -> None:
    """Nolan installed for the person (in their personal scope; not a team's install): their
    Home, or for someone not in the org chart, why Nolan can do nothing for them yet."""
    conversation = turn.raw.get("conversation") or {}
    if installed(turn.raw) and conversation.get("conversationType") == "personal":
        send_home(turn)


def turn_page(turn: Turn) -> dict[str, Any]:
    """ "Previous" / "More", and Teams showing a Home card (its refresh): the Home at the pages
    the action carries, in place of the card."""
    press = pressed(turn.value)
    if press is None or turn.actor is None or turn.actor.id is None:
        return action_error("That button didn't come from one of Nolan's cards.")
    pages = Pages.read(press.payload)
    if pages != _homes.pages(turn.actor.id):
        _homes.remember(turn.actor.id, pages)
    _looked(turn, turn.actor.id)
    with turn.db.session() as session:
        home = _homes.load(session, turn.actor.id, pages)
    return card_replaced(home_card(home))


def _looked(turn: Turn, staff_id: int) -> None:
    """The person is looking at their Home: noted unless it was within the minute (their row,
    loaded by the edge, says when it last was)."""
    last = turn.actor.home_opened_at if turn.actor is not None else None
    note_opened(turn.db, _homes.clock(), staff_id=staff_id, last=last)


def _staff_id(message: Queued) -> int | None:
    for said in (message.subject.removeprefix("home:"), message.recipient.removeprefix("staff:")):
        if said.isdigit():
            return int(said)
    return None


@drawer(HOME)
def draw_home(session: Session, message: Queued) -> Drawn | None:
    """The person's Home as it stands, in place of their last Home card (a fresh one when
    asked for, or when none went yet); nothing for someone no longer in the org chart."""
    staff_id = _staff_id(message)
    if staff_id is None:
        return None
    home = load_for(session, staff_id)
    if home is None:
        return None
    drawn = home_message(home)
    update = None
    if not message.payload.get(FRESH):
        last = sent_messages.last_sent(session, kind=HOME, subject=message.subject)
        if last is not None and last.channel and last.ts:
            update = Where(last.channel, last.ts)
    # A Home card the person deleted cannot be updated: a new one goes, and is kept current.
    return Drawn(drawn["summary"], drawn["attachments"][0]["content"], update, repost=True)
