"""Sending at the platform's pace: sliding windows of recent sends per conversation and over
all of them, so the outbox's worker spaces its messages instead of meeting a 429 on each.

Each platform's `Sender` declares its documented limits as a `Pace` (Slack: one message a
second per conversation; Teams: 7 a second, 8 in 2 seconds, 60 in 30 seconds and 1,800 an hour
per conversation, 50 a second per app per tenant). The worker asks a `Pacer` when a conversation
may next be sent to before it claims a message, and tells it of each send once it has
returned (so the platform has seen the previous request before the window starts counting).
A 429's Retry-After pauses the conversation, or every conversation when the platform throttled
the whole app. Methods that are limited over the whole app rather than per conversation (Slack's
tiers: chat.update at 50 a minute, views.publish at 100) are `tiers` of the pace: the worker
keeps under each, and a 429 from one pauses that tier alone. The pacer is per process: several
workers sharing a database each keep their own pace, and meet the platform's 429s, honoured as
above, for the rest.

What a pass may send goes out on `Lanes`: a few conversations at once (a send is mostly waiting
for the platform), each conversation's messages one after another in their order.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as all_done
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

T = TypeVar("T")
Window = tuple[float, int]  # at most `int` sends in any `float` seconds
UPDATE = "update"  # the tier of updates to messages already sent (Pace.tiers)
FIRST_RETRY = 1.0  # seconds; doubled at each failed attempt
LONGEST_WAIT = 300.0  # the back-off's ceiling, and the longest Retry-After honoured as given


def backoff(attempts: int, retry_after: float | None) -> float:
    """Seconds before the next try: what the platform asked, else doubling from one second."""
    if retry_after is not None:  # at least a second: never a busy loop on "Retry-After: 0"
        return min(max(retry_after, FIRST_RETRY), LONGEST_WAIT)
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


@dataclass(frozen=True)
class Pace:
    """A platform's documented limits (no windows: no limit). `updates`: whether updating a
    message Nolan sent counts against them as a send does (Teams) or not (Slack's chat.update
    has a tier of its own)."""

    per_conversation: tuple[Window, ...] = ()
    overall: tuple[Window, ...] = ()
    updates: bool = True
    # Limits over the whole app on what a method sends, whatever the conversation, by name:
    # UPDATE (updates of messages sent), or a kind of new message (Slack's "home": its Home
    # tab, published by views.publish).
    tiers: tuple[tuple[str, tuple[Window, ...]], ...] = ()
    # Kinds of new message sent by a method with no limit per conversation (Slack's Home): only
    # their tier counts them, so a message just sent to the person holds none of them up.
    unpaced: frozenset[str] = frozenset()

    def tier_of(self, kind: str, is_update: bool) -> str | None:
        """The tier a message counts against, if any: an update, UPDATE's; a new message, its
        kind's."""
        name = UPDATE if is_update else kind
        return name if any(tier == name for tier, _ in self.tiers) else None

    def ideal(self, counts: Iterable[int]) -> float:
        """The least time in which messages to conversations (`counts`: how many to each) can
        all be sent at this pace, sends taking no time: the benchmarks' yardstick."""
        now = last = 0.0
        pacer = Pacer(self, clock=lambda: now)
        left = {str(n): c for n, c in enumerate(counts) if c > 0}
        while left:
            ready = {key: pacer.ready_in(key) for key in left}
            soonest = min(ready.values())
            if soonest > 0:
                now += soonest
                continue
            for key in [k for k, wait in ready.items() if wait == 0]:
                if pacer.ready_in(key) == 0:
                    pacer.sent(key)
                    last = now
                    left[key] -= 1
                    if not left[key]:
                        del left[key]
        return last


class Pacer:
    """Recent sends per conversation and overall, and pauses asked for by the platform
    (thread-safe). `clock`: seconds, monotonic."""

    def __init__(self, pace: Pace, *, clock: Callable[[], float]) -> None:
        self.pace, self.clock = pace, clock
        # How long a send is remembered: the longest window it can count in.
        self._longest = max((span for span, _ in pace.per_conversation), default=0)
        self._longest_overall = max((span for span, _ in pace.overall), default=0)
        self._sent: dict[str, deque[float]] = {}
        self._overall: deque[float] = deque()
        self._paused: dict[str | None, float] = {}  # conversation (None: all) -> until
        # Conversations at their pace -> until when: known at each send (the windows only
        # slide until the next), so `busy` looks at these few, not at every conversation.
        self._busy_until: dict[str, float] = {}
        self._tiers = dict(pace.tiers)
        self._tier_sent: dict[str, deque[float]] = {name: deque() for name in self._tiers}
        self._tier_paused: dict[str, float] = {}  # tier -> until
        self._lock = threading.Lock()

    def ready_in(self, conversation: str) -> float:
        """Seconds until a message to `conversation` may go (0: now)."""
        with self._lock:
            now = self.clock()
            waits = [
                self._paused.get(None, now) - now,
                self._paused.get(conversation, now) - now,
                _wait(self._overall, self.pace.overall, now),
                _wait(self._sent.get(conversation, ()), self.pace.per_conversation, now),
            ]
            return max(0.0, *waits)

    def overall_ready_in(self) -> float:
        """Seconds until any message may go: every conversation waits for the overall limit."""
        with self._lock:
            now = self.clock()
            return max(0.0, self._paused.get(None, now) - now,
                       _wait(self._overall, self.pace.overall, now))

    def room(self) -> int:
        """How many more messages the overall limit lets go now."""
        with self._lock:
            now = self.clock()
            if self._paused.get(None, now) > now:
                return 0
            return _room(self._overall, self.pace.overall, now)

    def sent(self, conversation: str) -> None:
        """A message to `conversation` has just gone (or been refused: it counted too)."""
        with self._lock:
            now = self.clock()
            seen = self._sent.setdefault(conversation, deque())
            for times, longest in ((seen, self._longest), (self._overall, self._longest_overall)):
                _record(times, now, longest)
            wait = _wait(seen, self.pace.per_conversation, now)
            if wait > 0:
                self._busy_until[conversation] = now + wait
            if len(self._sent) > 10_000:  # forget conversations whose windows have all passed
                since = now - self._longest
                self._sent = {k: v for k, v in self._sent.items() if v and v[-1] > since}

    def tier_ready_in(self, tier: str) -> float:
        """Seconds until one more message of `tier` may go (0: now)."""
        with self._lock:
            now = self.clock()
            return max(
                0.0,
                self._paused.get(None, now) - now,
                self._tier_paused.get(tier, now) - now,
                _wait(self._tier_sent[tier], self._tiers[tier], now),
            )

    def tier_room(self, tier: str) -> int:
        """How many more messages of `tier` may go now."""
        with self._lock:
            now = self.clock()
            if max(self._paused.get(None, now), self._tier_paused.get(tier, now)) > now:
                return 0
            return _room(self._tier_sent[tier], self._tiers[tier], now)

    def held_tiers(self) -> set[str]:
        """The tiers that cannot send now (their messages left out of the next claim)."""
        return {tier for tier in self._tiers if self.tier_room(tier) == 0}

    def tier_sent(self, tier: str) -> None:
        """A message of `tier` has just gone (or been refused: it counted too)."""
        with self._lock:
            longest = max(span for span, _ in self._tiers[tier])
            _record(self._tier_sent[tier], self.clock(), longest)

    def pause_tier(self, tier: str, seconds: float) -> None:
        """The platform asked for `seconds`' rest from the method of `tier`."""
        with self._lock:
            until = self.clock() + seconds
            self._tier_paused[tier] = max(self._tier_paused.get(tier, until), until)

    def pause(self, conversation: str | None, seconds: float) -> None:
        """The platform asked for `seconds`' rest: for one conversation, or for all (None)."""
        with self._lock:
            until = self.clock() + seconds
            self._paused[conversation] = max(self._paused.get(conversation, until), until)
            now = self.clock()
            self._paused = {k: v for k, v in self._paused.items() if v > now}

    def busy(self) -> set[str]:
        """The conversations that cannot be sent to now (left out of the next claim)."""
        with self._lock:
            now = self.clock()
            self._busy_until = {k: u for k, u in self._busy_until.items() if u > now}
            paused = {k for k, until in self._paused.items() if k is not None and until > now}
            return paused | self._busy_until.keys()


class Pick(NamedTuple):
    """A message the pace lets go now."""

    id: int
    paced: bool  # counted against its conversation's pace and the overall one
    tier: str | None  # counted against this tier of the platform's methods


def pick(pacer: Pacer, due: Iterable[tuple[int, str, str, bool]]) -> tuple[list[Pick], list[float]]:
    """Of the messages due, oldest first, as (id, recipient, kind, is an update), those the
    pace lets go now — one a conversation a pass, within the overall room and each tier's
    room — and the waits of those it holds back."""
    pace = pacer.pace
    picked: list[Pick] = []
    waits: list[float] = []
    room, taken, rooms = pacer.room(), set(), {}
    for message_id, recipient, kind, is_update in due:
        tier = pace.tier_of(kind, is_update)
        if tier is not None:
            if tier not in rooms:
                rooms[tier] = pacer.tier_room(tier)
            if rooms[tier] <= 0:
                waits.append(pacer.tier_ready_in(tier))
                continue
        paced = (pace.updates or not is_update) and kind not in pace.unpaced
        if paced:
            wait = pacer.ready_in(recipient)
            if wait > 0 or room <= 0:
                waits.append(max(wait, pacer.overall_ready_in()))
                continue
            if recipient in taken:
                continue  # the next pass, which comes at once
            taken.add(recipient)
            room -= 1
        if tier is not None:
            rooms[tier] -= 1
        picked.append(Pick(message_id, paced, tier))
    return picked, waits


def _record(times: deque[float], now: float, longest: float) -> None:
    """One more send at `now`, forgetting those older than the longest window."""
    times.append(now)
    while times and times[0] <= now - longest:
        times.popleft()


def _room(times: Sequence[float], windows: tuple[Window, ...], now: float) -> int:
    """How many more sends every window lets go now (no windows: no limit)."""
    left = [limit - sum(1 for t in times if t > now - span) for span, limit in windows]
    return max(0, min(left, default=1_000_000))


def _wait(times: Sequence[float], windows: tuple[Window, ...], now: float) -> float:
    """Seconds until one more send fits every window, given the times of the recent ones, in
    the order sent. A window is full exactly while its limit-th latest send is inside it, and
    frees when that send leaves: one look a window, not a count of the hour's sends (Teams
    keeps up to 1,800 a conversation), at each message a pass considers."""
    wait = 0.0
    for span, limit in windows:
        if len(times) >= limit:
            wait = max(wait, times[-limit] + span - now)
    return wait


class Lanes:
    """Several conversations' messages sent at once, on at most `width` threads: a lane is one
    conversation's messages, sent one after another in its order; `run` returns when every
    lane is done, so a pass's sends are all counted by the pacer before the next pass."""

    def __init__(self, width: int) -> None:
        self.width = max(1, width)
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def run(self, lanes: Iterable[Sequence[T]], send: Callable[[T], None]) -> None:
        """`send` each item of each lane; re-raises the first failure once all are done."""
        busy = [lane for lane in lanes if lane]
        if self.width == 1 or len(busy) <= 1:
            for lane in busy:
                _in_order(lane, send)
            return
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.width, thread_name_prefix="outbox-send")
            pool = self._pool
        futures = [pool.submit(_in_order, lane, send) for lane in busy]
        all_done(futures)
        for future in futures:
            future.result()

    def close(self) -> None:
        """Let the threads go (a later `run` starts them again)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)


def _in_order(lane: Sequence[T], send: Callable[[T], None]) -> None:
    for item in lane:
        send(item)
