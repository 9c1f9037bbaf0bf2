"""The fake Bot Connector's state and rules: conversations, activities, faults and throttling.

Holds no lock of its own: FakeTeams calls it under its lock. Error bodies are the Bot Connector's
({"error": {"code", "message"}}); codes are those Teams documents for bots.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.schemas import CARD_CONTENT_TYPE, MAX_MESSAGE_BYTES, card_problems

from .onedrive import file_card_problems

# Teams' limits per bot per conversation ("thread") for sending and updating messages.
TEAMS_PER_CONVERSATION = ((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800))
# And per app across the tenant: 50 a second as Microsoft documents it now (the issue's
# "about 30" was its figure before).
TEAMS_PER_TENANT = ((1.0, 50),)
# Attachments Teams accepts from a bot besides Adaptive Cards (file consent, file info).
OTHER_CONTENT_TYPES = {
    "application/vnd.microsoft.teams.card.file.consent",
    "application/vnd.microsoft.teams.card.file.info",
}
ERROR_CODES = {
    400: "BadArgument",
    403: "BotNotInConversationRoster",
    404: "ConversationNotFound",
    412: "PreconditionFailed",
    413: "MessageSizeTooBig",
    429: "Throttled",
    500: "InternalServerError",
    502: "ServiceError",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}

Reply = tuple[int, dict[str, str], Any]


def error(status: int, message: str, code: str | None = None) -> Reply:
    code = code or ERROR_CODES.get(status, "Error")
    return status, {}, {"error": {"code": code, "message": message}}


@dataclass
class Fault:
    status: int
    retry_after: int | None
    times: int
    conversation_id: str | None


@dataclass
class Conversation:
    id: str
    kind: str  # "personal" or "channel"
    member: str | None  # the person's Entra object id, for a personal chat
    region: str | None = None  # a channel served only at its team's service URL (None: any)
    activities: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # id -> versions


class Throttle:
    """Sliding windows of accepted sends, per conversation and per tenant."""

    def __init__(self, per_conversation: tuple[tuple[float, int], ...],
                 per_tenant: tuple[tuple[float, int], ...]) -> None:
        self.per_conversation = per_conversation
        self.per_tenant = per_tenant
        self._seen: dict[str, deque[float]] = {}

    def wait(self, conversation_id: str, now: float) -> float:
        """Seconds until a send to `conversation_id` is allowed (0: allowed now)."""
        waits = [0.0]
        for key, windows in ((conversation_id, self.per_conversation), ("", self.per_tenant)):
            seen = self._seen.get(key, deque())
            for span, limit in windows:
                recent = [t for t in seen if t > now - span]
                if len(recent) >= limit:
                    waits.append(recent[-limit] + span - now)
        return max(waits)

    def record(self, conversation_id: str, now: float) -> None:
        longest = max(span for span, _ in self.per_conversation + self.per_tenant)
        for key in (conversation_id, ""):
            seen = self._seen.setdefault(key, deque())
            seen.append(now)
            while seen and seen[0] <= now - longest:
                seen.popleft()


class Connector:
    """Conversations and activities of one bot in one tenant."""

    def __init__(self, app_id: str, tenant_id: str, clock: Callable[[], float]) -> None:
        self.app_id = app_id
        self.tenant_id = tenant_id
        self.clock = clock
        self.installed: dict[str, bool] = {}  # Entra object id -> has Nolan installed
        self.conversations: dict[str, Conversation] = {}
        self.faults: dict[str, deque[Fault]] = {}
        self.throttle: Throttle | None = None
        self.problems: list[str] = []
        # What is wrong with a card Nolan sends: every card checked in tests (a benchmark may
        # check a sample, so that the fake's checking does not swamp what it measures).
        self.card_problems: Callable[[Any], list[str]] = card_problems
        self._ids = itertools.count(1)

    # -- set-up -----------------------------------------------------------------------------

    def personal_id(self, member: str) -> str:
        """The 1:1 chat's id, stable per person as in Teams."""
        return "a:1" + hashlib.sha256(member.encode()).hexdigest()[:40]

    def set_installed(self, key: str, installed: bool) -> None:
        """Nolan installed for a person (their 1:1 chat with it then exists, as in Teams: the
        activities they send come from it) or a channel's team; or removed."""
        self.installed[key] = installed
        channel = self.conversations.get(key)
        if installed and (channel is None or channel.kind != "channel"):
            chat = self.personal_id(key)
            self.conversations.setdefault(chat, Conversation(chat, "personal", key))

    def add_channel(
        self, conversation_id: str, installed: bool = True, region: str | None = None
    ) -> None:
        self.conversations[conversation_id] = Conversation(
            conversation_id, "channel", None, region
        )
        self.installed[conversation_id] = installed

    def elsewhere(self, conversation_id: str | None, region: str) -> Reply | None:
        """A call for a channel at another region's service URL than its team's: that
        service does not know the conversation."""
        found = self.conversations.get(conversation_id or "")
        if found is None or found.region in (None, region):
            return None
        return error(404, f"Conversation {conversation_id} not found at {region}", "NotFound")

    # -- operations -------------------------------------------------------------------------

    def create_conversation(self, body: Any) -> Reply:
        if not isinstance(body, dict):
            return self._bad("create_conversation: body is not a JSON object")
        members = body.get("members")
        tenant = body.get("tenantId") or (body.get("channelData") or {}).get("tenant", {}).get("id")
        if body.get("isGroup"):
            return self._bad("create_conversation: isGroup is not supported for a bot's 1:1 chat")
        if not isinstance(members, list) or len(members) != 1 or not isinstance(members[0], dict):
            return self._bad("create_conversation: members must hold exactly one person")
        if tenant != self.tenant_id:
            return self._bad(f"create_conversation: tenantId {tenant!r} is not the bot's tenant")
        bot = body.get("bot")
        if bot is not None and (not isinstance(bot, dict) or bot.get("id") not in self._bot_ids()):
            return self._bad(f"create_conversation: bot {bot!r} is not this bot")
        # A person is named by Entra object id, or by the 29: id their activities carry.
        member = str(members[0].get("id", "")).removeprefix("29:1")
        if member not in self.installed:
            return error(400, "Invalid user identity in provided tenant")
        if not self.installed[member]:
            return error(403, "The bot is not part of the conversation roster.")
        conversation_id = self.personal_id(member)
        self.conversations.setdefault(
            conversation_id, Conversation(conversation_id, "personal", member)
        )
        return 201, {}, {"id": conversation_id}

    def send(self, conversation_id: str, body: bytes, reply_to: str | None = None) -> Reply:
        found = self._reachable(conversation_id)
        if isinstance(found, tuple):
            return found
        if reply_to is not None and reply_to not in found.activities:
            return error(404, f"Activity {reply_to} not found", "NotFound")
        activity = self._activity(body)
        if isinstance(activity, tuple):
            return activity
        activity_id = str(1700000000000 + next(self._ids))
        found.activities[activity_id] = [activity]
        return 201, {}, {"id": activity_id}

    def update(self, conversation_id: str, activity_id: str, body: bytes) -> Reply:
        found = self._reachable(conversation_id)
        if isinstance(found, tuple):
            return found
        if activity_id not in found.activities:
            return error(404, f"Activity {activity_id} not found", "NotFound")
        activity = self._activity(body)
        if isinstance(activity, tuple):
            return activity
        found.activities[activity_id].append(activity)
        return 200, {}, {"id": activity_id}

    # -- faults and throttling --------------------------------------------------------------

    def take_fault(self, op: str, conversation_id: str | None) -> Reply | None:
        queue = self.faults.get(op)
        fault = next(
            (f for f in queue or () if f.conversation_id in (None, conversation_id)), None
        )
        if fault is None:
            return None
        fault.times -= 1
        if fault.times <= 0:
            queue.remove(fault)
        status, headers, body = error(fault.status, f"injected {fault.status}")
        if fault.retry_after is not None:
            headers = {"Retry-After": str(fault.retry_after)}
        return status, headers, body

    def throttled(self, conversation_id: str) -> Reply | None:
        """429 with Retry-After if Teams would throttle this send now, else count it."""
        if self.throttle is None:
            return None
        now = self.clock()
        wait = self.throttle.wait(conversation_id, now)
        if wait > 0:
            status, _, body = error(429, "Too many requests to this conversation")
            return status, {"Retry-After": str(max(1, math.ceil(wait)))}, body
        self.throttle.record(conversation_id, now)
        return None

    # -- checks -----------------------------------------------------------------------------

    def _bot_ids(self) -> set[str]:
        return {self.app_id, f"28:{self.app_id}"}

    def _bad(self, problem: str) -> Reply:
        self.problems.append(problem)
        return error(400, problem)

    def _reachable(self, conversation_id: str) -> Conversation | Reply:
        # A channel thread is addressed as "19:…@thread.tacv2;messageid=…".
        found = self.conversations.get(conversation_id.split(";messageid=")[0])
        if found is None:
            return error(404, f"Conversation {conversation_id} not found")
        key = found.member if found.kind == "personal" else found.id
        if not self.installed.get(key or "", False):
            return error(403, "The bot is not part of the conversation roster.")
        return found

    def _activity(self, raw: bytes) -> dict[str, Any] | Reply:
        if len(raw) > MAX_MESSAGE_BYTES:
            self.problems.append(f"activity of {len(raw)} bytes, over {MAX_MESSAGE_BYTES}")
            return error(413, "Message size too big")
        try:
            activity = json.loads(raw)
        except ValueError:
            return self._bad("activity body is not JSON")
        if not isinstance(activity, dict) or activity.get("type") != "message":
            return self._bad(f"activity must be an object of type 'message': {str(activity)[:200]}")
        attachments = activity.get("attachments") or []
        if not isinstance(attachments, list):
            return self._bad("attachments must be a list")
        if not attachments and not activity.get("text"):
            return self._bad("a message needs text or an attachment")
        for n, attachment in enumerate(attachments):
            kind = attachment.get("contentType") if isinstance(attachment, dict) else None
            if kind == CARD_CONTENT_TYPE:
                wrong = self.card_problems(attachment.get("content"))
                if wrong:
                    return self._bad(f"attachment {n}: " + "; ".join(wrong))
            elif kind in OTHER_CONTENT_TYPES:
                wrong = file_card_problems(attachment)
                if wrong:
                    return self._bad(f"attachment {n}: " + "; ".join(wrong))
            else:
                return self._bad(f"attachment {n}: content type {kind!r} is not one Nolan sends")
        return activity
