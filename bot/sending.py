"""What the outbox's worker and a platform's sender say to each other: the message as the
sender sees it (`Queued`), where the platform put it (`Reference`; `Posted`, the one Slack's
sender gives and an update names), nothing to say (`MOOT`), a refusal (`SendFailed`, worded
by the platform's adapter, and `describe_failure`, its one line for an operator), a message
in parts sent with a retry resuming after the parts that went (`send_in_parts`), and the
`Sender` each platform's adapter provides (Slack: handlers.outgoing; Teams:
bot.teams.sender). bot.outbox re-exports them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol, TypeVar

from sqlmodel import Session

from bot.pacing import Pace


class Reference(Protocol):
    """Where the platform put a message (Slack: `Posted`)."""

    channel: str
    ts: str


@dataclass(frozen=True)
class Posted:
    """Where a message went: its conversation's id and the message's id there (Slack's
    channel and ts), what an update of it needs."""

    channel: str
    ts: str


@dataclass(frozen=True)
class Partly:
    """What of a message in parts (a long list) reached the platform before a part failed: how
    many parts, where the first went (the message's place, for updates), and how many tries
    at the part after them have failed (what a sender gives up on a file after)."""

    parts: int
    first: tuple[str, str] | None = None
    failed: int = 0


@dataclass(frozen=True)
class Queued:
    """One message as the sender sees it: the descriptor and, for an update, where the
    message it updates went."""

    id: int
    kind: str
    subject: str
    recipient: str
    payload: dict[str, Any]
    updates: tuple[str, str] | None = None  # (channel, ts) of the message it updates
    # When a message meant for the recipient's working hours fell due (the sweep's "now"):
    # Slack schedules it into them; a platform that holds, holds it (see the module's doc).
    due_at: datetime | None = None
    # The time the message is sent as of: the pass's, or the sweep's "now" in a sweep driven
    # by date (what a drawer counts days from and a sender schedules by).
    at: datetime | None = None
    # What an earlier attempt delivered of a message in parts: the retry sends the rest.
    went: Partly | None = None


class Moot:
    """Sent instead of a message that no longer has anything to say (a card for a step
    decided before it went out): recorded as skipped."""


MOOT = Moot()


class SendFailed(Exception):
    """The platform refused or could not be reached. `retry_after` in seconds as the platform
    asked; `permanent` when no retry can mend it; `parked` when only a change on the
    recipient's side can (Teams: Nolan not installed for them), so it waits for `unpark`.
    `pause`: the platform throttled "conversation" (the recipient's), "method" (the method
    it was sent by: its tier in the pace, or the whole app where the pace has none) or
    "sender" (the whole app): nothing more goes there until `retry_after` has passed.
    `tier`: the pace's tier of the method throttled, when the sender knows it better than
    the message's kind does (a receipt sent by chat.update when its response_url was
    refused: an update's tier, though the message is not queued as one). `went`: the parts
    of a message in parts that did go (`send_in_parts`), kept with the message for its
    retry."""

    def __init__(
        self,
        error: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        parked: bool = False,
        pause: Literal["conversation", "method", "sender"] | None = None,
        tier: str | None = None,
    ) -> None:
        super().__init__(error)
        self.error, self.retry_after, self.permanent = error, retry_after, permanent
        self.parked, self.pause, self.tier = parked, pause, tier
        self.went: Partly | None = None


Part = TypeVar("Part")


def send_in_parts(
    message: Queued, parts: Sequence[Part], send: Callable[[Part], tuple[str, str] | None]
) -> tuple[str, str] | None:
    """Send a message's parts in order, but those an earlier attempt delivered (`message.went`);
    `send` returns where a part went (None: nowhere to name, as a message Slack schedules),
    raising a refusal as `SendFailed`. Returns where the first went. A part refused after
    others went is raised with what went (`SendFailed.went`): its retry resumes there, and no
    part reaches the recipient twice (a crash between parts aside, as between send and record)."""
    went = message.went or Partly(0)
    first = went.first
    for n, part in enumerate(parts[went.parts :], start=went.parts):
        try:
            where = send(part)
        except SendFailed as failed:
            if n:  # the same part failing again counts on
                tries = went.failed + 1 if n == went.parts else 1
                failed.went = Partly(n, first, tries)
            raise
        first = where if n == 0 else first
    return first


def describe_failure(exc: BaseException) -> str:
    """A failed send or job in one line, for an operator (the sweep's report, the ledger):
    the first line of what went wrong. A platform's refusal reaches the core as a `SendFailed`
    its adapter has already worded ("Slack answered channel_not_found"), so nothing here
    knows a platform."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class Sender(Protocol):
    # True on a platform without scheduled messages: the worker holds a message queued with
    # `due_at` outside the recipient's working hours instead (optional; Slack: False).
    holds_outside_working_hours: bool
    # The platform's documented limits, which the worker keeps under (optional; none).
    pace: Pace

    def send(self, message: Queued) -> Reference | Moot | None:
        """Render the message from current state and send it. None: sent, with no reference
        (e.g. scheduled by the platform for later)."""

    def record(self, session: Session, message: Queued, sent: Reference | None) -> None:
        """Anything to write beside "sent", in the same transaction (where a card went, the
        audit entry)."""
