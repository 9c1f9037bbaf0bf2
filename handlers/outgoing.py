"""The Slack end of the outbox: each kind of queued message drawn as Block Kit from the
database's state when it is sent, and sent through the notifier.

Messages are queued as descriptors ({"card": "approval", "step_id": 12}), not as rendered
Slack payloads: the use case that owes a message need not know Block Kit, a card drawn at send
time shows the latest state (so an update queued twice is harmless), and another platform
would draw the same descriptors its own way. Each feature registers how its messages are
drawn with `@card(name)`; `bot.outbox.queue` writes one in the caller's transaction. A
drawer that needs the office's policy (its time zone, wording, lead times) or the day it is
drawn for (a reminder's "in 7 days") registers with `@card(name, office=True)` and is given
an `Office` as well.
"""

from __future__ import annotations

import logging
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from sqlmodel import Session

from bot.outbox import MOOT, SENDERS, Moot, Posted, Queued, SendFailed
from bot.pacing import UPDATE, Pace
from bot.sending import send_in_parts
from bot.settings import Policy
from bot.usecases.homes import HOME
from handlers.notifier import Message, Notifier, UploadFailed
from storage import staff
from storage.db import Database
from storage.types import utcnow

log = logging.getLogger(__name__)

# What Slack answers when no retry can help: the person, the conversation or the message is
# gone, or the message itself is wrong.
PERMANENT = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "cant_update_message",
        "channel_not_found",
        "edit_window_closed",
        "invalid_arguments",
        "invalid_blocks",
        "is_archived",
        "message_not_found",
        "msg_too_long",
        "no_text",
        "not_in_channel",
        "user_not_found",
    }
)

# What Slack answers when it failed on its side: tried again.
PASSING = frozenset({"fatal_error", "internal_error", "request_timeout", "service_unavailable"})

# Tries at sharing a file before the officer is told Slack did not take it: with the outbox's
# back-off (doubling from a second) about eight and a half minutes of Slack failing.
FILE_ATTEMPTS = 10

# Slack's rate limits, per method per workspace: posting "generally allows one message per
# second per channel" (short bursts tolerated); chat.update is a Tier 3 method (50+ a minute)
# and views.publish, which draws a Home, a Tier 4 one (100+), neither paced per conversation.
# The workspace-wide limit on posting is not published: a 429 there pauses every conversation.
SLACK_PACE = Pace(
    per_conversation=((1.0, 1),),
    updates=False,
    tiers=((UPDATE, ((60.0, 50),)), (HOME, ((60.0, 100),))),
    unpaced=frozenset({HOME}),
)
POSTING = ("chat.postMessage", "chat.scheduleMessage")
TIERS = {"chat.update": UPDATE, "views.publish": HOME}  # each method's tier in SLACK_PACE


@dataclass(frozen=True)
class Upload:
    """A file shared in the conversation its message went to, after the message (files:write;
    streamed from disk: Notifier.upload_file)."""

    path: Path
    filename: str
    title: str
    alt_text: str | None = None
    # What to say instead when Slack refuses the file (a missing files:write scope, uploads
    # turned off), given Slack's error: once, and the files after it are not tried.
    refused: Callable[[str], Message] | None = None


@dataclass(frozen=True)
class Drawn:
    """What to send: a message (`update`: the message it replaces, if any), or the
    recipient's Home tab to publish (`home`: views.publish replaces the whole tab, so there
    is nothing to keep for later)."""

    message: Message | None = None
    update: Posted | None = None
    home: View | None = None
    # Messages that follow it, to the same recipient (a long list in parts): one message of
    # the outbox, whose place is the first part's; a retry after a part failed sends only the
    # parts that did not go (bot.sending.send_in_parts).
    more: tuple[Message, ...] = ()
    # The Slack id to send to, when the drawer has read it (a Home: the person it drew), so
    # that the sender need not read it again.
    to: str | None = None
    # An update's way there first: the press's response_url (a receipt), which Slack's
    # method tiers do not count; by chat.update if Slack does not take it (expired after
    # 30 minutes, or used five times).
    via: str | None = None
    # Files shared after the message and `more`, as further parts of it (a retry resumes
    # at the first that did not go).
    files: tuple[Upload, ...] = ()

    def __post_init__(self) -> None:
        if (self.message is None) == (self.home is None):
            raise ValueError("a drawn message is a message or a Home, one of the two")


@dataclass(frozen=True)
class Office:
    """What a drawer may need beyond the database: the office's policy, and when the message
    is drawn for (a reminder: when it fell due, or later if it went later)."""

    policy: Policy
    at: datetime

    @property
    def today(self) -> date:
        """The office's date the message speaks of ("in 7 days")."""
        return self.at.astimezone(self.policy.tz).date()


Draw = Callable[[Session, Queued], Drawn | None]  # None: nothing to say any more
DrawInOffice = Callable[[Session, Queued, Office], Drawn | None]
After = Callable[[Session, Queued, Posted | None], None]


@dataclass(frozen=True)
class Card:
    draw: Callable[..., Drawn | None]
    after: After | None = None  # recorded with "sent", in the same transaction
    office: bool = False  # the drawer takes an Office as well


CARDS: dict[str, Card] = {}


def card(name: str, *, after: After | None = None, office: bool = False) -> Callable[[Any], Any]:
    """Register how the messages queued as {"card": name, …} are drawn (a `Draw`, or with
    `office`, a `DrawInOffice`)."""

    def register(draw: Any) -> Any:
        CARDS[name] = Card(draw, after, office)
        return draw

    return register


T = typing.TypeVar("T")


def loading(
    load: Callable[[Session, Queued], T | None],
) -> Callable[[Callable[[Session, Queued, T], Drawn | None]], Draw]:
    """A drawer that needs what `load` finds for the message (under `@card(name)`): when
    that is gone, there is nothing to say."""

    def wrap(draw: Callable[[Session, Queued, T], Drawn | None]) -> Draw:
        def load_then_draw(session: Session, message: Queued) -> Drawn | None:
            found = load(session, message)
            return None if found is None else draw(session, message, found)

        return load_then_draw

    return wrap


def _failure(exc: SlackApiError) -> SendFailed:
    response = exc.response
    error = str(response.get("error") or response.status_code)
    retry_after = response.headers.get("retry-after") or response.headers.get("Retry-After")
    throttled = response.status_code == 429 or error == "ratelimited"
    # Posting is limited per conversation; every other method per app, across the workspace.
    api_url = str(getattr(response, "api_url", ""))
    posting = api_url.endswith(POSTING)
    return SendFailed(
        f"Slack answered {error}",
        retry_after=float(retry_after) if retry_after else None,
        permanent=error in PERMANENT,
        pause=("conversation" if posting else "method") if throttled else None,
        tier=TIERS.get(api_url.rsplit("/", 1)[-1]) if throttled else None,
    )


@contextmanager
def _refusals() -> Iterator[None]:
    """Slack's refusal, or Slack out of reach, as the SendFailed the worker understands."""
    try:
        yield
    except SlackApiError as exc:
        raise _failure(exc) from exc
    except OSError as exc:  # Slack not reached (refused, timed out): tried again later
        raise SendFailed(f"Slack not reached: {exc}") from exc


class SlackSender:
    """bot.outbox.Sender for Slack."""

    # A message for the recipient's working hours is scheduled by Slack (chat.scheduleMessage).
    holds_outside_working_hours = False
    pace = SLACK_PACE
    senders = SENDERS  # conversations sent to at once (bot.outbox)

    def __init__(
        self,
        db: Database,
        notifier: Notifier,
        *,
        policy: Policy | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db, self.notifier, self.now = db, notifier, now
        self.policy = policy or Policy()

    def send(self, message: Queued) -> Posted | Moot | None:
        found = CARDS.get(str(message.payload.get("card")))
        if found is None:
            raise SendFailed(f"no card called {message.payload.get('card')!r}", permanent=True)
        at = message.at or self.now()  # the pass's time: a sweep's is driven by date
        if message.due_at is not None:  # when it fell due, or later if it goes later
            at = max(message.due_at, at)
        with self.db.session(hold=True) as session:  # the recipient, if the draw loaded them
            if found.office:
                drawn = found.draw(session, message, Office(self.policy, at))
            else:
                drawn = found.draw(session, message)
            if drawn is None:
                return MOOT
            # An update names its message's place: nobody to look up for it.
            update = drawn.update if drawn.message is not None else None
            if update is None and not drawn.to:
                to, tz = self._slack_id(session, message.recipient)
            else:
                to, tz = drawn.to, None
        if update is not None:
            assert drawn.message is not None
            with _refusals():
                if not (drawn.via and self.notifier.replace(drawn.via, drawn.message)):
                    self.notifier.update(update, drawn.message)
            return update
        if to is None:
            raise SendFailed("no Slack account to send to", permanent=True)
        if drawn.home is not None:
            with _refusals():
                self.notifier.publish_home(to, drawn.home)
            return None
        assert drawn.message is not None

        # Where the first part went: the conversation a file is shared in.
        where = [message.went.first[0]] if message.went and message.went.first else []
        refused: list[str] = []
        # Tries that failed before, at the part this attempt resumes at (its first to send).
        failed_before = message.went.failed if message.went else 0

        def post(part: Message | Upload) -> tuple[str, str] | None:
            nonlocal failed_before
            before, failed_before = failed_before, 0
            if isinstance(part, Upload):
                self._share(part, where, refused, tries=before + 1)
                return None
            with _refusals():  # each part's own: what went before it is kept (send_in_parts)
                if message.recipient.startswith("channel:"):
                    posted = self.notifier.post(to, part)
                elif message.due_at is not None:  # into the person's working hours, then
                    posted = self.notifier.dm_in_hours(to, part, tz=tz, now=at)
                else:
                    posted = self.notifier.dm(to, part)
            if posted is not None and not where:
                where.append(posted.channel)
            return None if posted is None else (posted.channel, posted.ts)

        # A list in parts: a retry after a part failed sends only the parts that did not go.
        parts = (drawn.message, *drawn.more, *drawn.files)
        first = send_in_parts(message, parts, post)
        return None if first is None else Posted(*first)

    def _share(
        self, upload: Upload, where: list[str], refused: list[str], *, tries: int
    ) -> None:
        """One file into the conversation `where` names. Slack out of reach, throttling or
        failing (5xx), or its upload URL not taking the bytes: SendFailed, tried again from
        this file, up to FILE_ATTEMPTS tries (`tries`: this one's number). Refused for good,
        or failing at the last try: `upload.refused` said once in its place (`refused`), and
        the files after it not tried."""
        if refused:
            return
        if not where:  # a message Slack schedules has no conversation yet
            raise SendFailed("no conversation to share the file in", permanent=True)
        try:
            with _refusals():
                self.notifier.upload_file(
                    where[0],
                    upload.path,
                    filename=upload.filename,
                    title=upload.title,
                    alt_text=upload.alt_text,
                )
            return
        except UploadFailed as exc:
            failed = SendFailed(f"Slack did not take the file: {exc}")
            failed.__cause__, why, lasting = exc, "the upload failed", False
        except SendFailed as exc:
            failed, cause = exc, exc.__cause__
            if isinstance(cause, SlackApiError):
                why = str(cause.response.get("error") or cause.response.status_code)
                passing = cause.response.status_code >= 500 or why in PASSING
                lasting = exc.pause is None and not passing  # no try will mend it
            else:
                why, lasting = "Slack could not be reached", False
        if upload.refused is None or not (lasting or tries >= FILE_ATTEMPTS):
            raise failed
        refused.append(why)
        log.warning("Slack did not take %s: %s", upload.filename, failed)
        with _refusals():
            self.notifier.post(where[0], upload.refused(why))

    def record(self, session: Session, message: Queued, sent: Any) -> None:
        found = CARDS.get(str(message.payload.get("card")))
        if found is not None and found.after is not None:
            found.after(session, message, sent)

    @staticmethod
    def _slack_id(session: Session, recipient: str) -> tuple[str | None, str | None]:
        """The Slack user or channel id to send to, and the person's time zone if known."""
        if recipient.startswith("channel:"):  # a channel, named by its Slack id
            return recipient.removeprefix("channel:") or None, None
        if not recipient.startswith("staff:"):
            return recipient or None, None
        slack_id, tz = staff.slack_address(session, staff_id=int(recipient.removeprefix("staff:")))
        return (slack_id, tz) if slack_id else (None, None)
