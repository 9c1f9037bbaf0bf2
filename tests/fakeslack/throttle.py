"""Slack's limit on posting, for the fake Web API: "one message per second per channel" —
a post to a channel that had one accepted less than a second before is answered HTTP 429
`ratelimited` with Retry-After, as Slack does (tests/fakeslack/server.py asks before posting)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

POSTING = frozenset({"chat.postMessage", "chat.scheduleMessage"})


class PostingThrottle:
    """At most `per_second` posts a second to each channel (not thread-safe: the fake's lock)."""

    def __init__(self, per_second: int = 1, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second, self.clock = per_second, clock
        self._posted: dict[str, list[float]] = {}
        self.refused = 0

    def retry_after(self, method: str, args: dict[str, Any]) -> int | None:
        """Seconds to ask the bot to wait if this call is over the limit; else None (and the
        post counts)."""
        if method not in POSTING:
            return None
        channel, now = str(args.get("channel")), self.clock()
        recent = [t for t in self._posted.get(channel, []) if t > now - 1.0]
        if len(recent) >= self.per_second:
            self.refused += 1
            return max(1, math.ceil(recent[-self.per_second] + 1.0 - now))
        self._posted[channel] = [*recent, now]
        return None
