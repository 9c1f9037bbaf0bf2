"""The Bot Connector, the four calls Nolan makes to it, over a sync httpx client: open a
person's 1:1 chat, send a message, update a message. (Replies to an activity are sends.)

Every failure comes out as `bot.outbox.SendFailed`, classed for the outbox: throttling and
transient faults (429, 412, 5xx, not reached) retried after the Retry-After Teams gives; a 403
(the person or team has not got Nolan installed) parked until an install says it can go; a
request no retry can mend (400, 404, 413) permanent. A 401 drops the cached token and the call
is tried once more with a new one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from bot.outbox import SendFailed
from bot.teams.tokens import BOT_CONNECTOR_SCOPE, TokenError, Tokens

RETRIED = frozenset({412, 429, 500, 502, 503, 504})
PARKED = frozenset({403})


def conversations_url(service_url: str) -> str:
    """The service URL as activities carry it (with or without its trailing '/')."""
    return service_url.rstrip("/") + "/v3/conversations"


def activities_url(service_url: str, conversation_id: str, activity_id: str | None = None) -> str:
    url = f"{conversations_url(service_url)}/{quote(conversation_id, safe='')}/activities"
    return url if activity_id is None else f"{url}/{quote(activity_id, safe='')}"


class Connector:
    """Calls to the Bot Connector as the bot `app_id` of tenant `tenant_id`."""

    def __init__(
        self, tokens: Tokens, http: httpx.Client, *, app_id: str, tenant_id: str
    ) -> None:
        self.tokens, self.http = tokens, http
        self.app_id, self.tenant_id = app_id, tenant_id

    def open_chat(self, service_url: str, object_id: str) -> str:
        """The id of the 1:1 chat between Nolan and the person with this Entra object id (the
        same chat each time, as in Teams)."""
        body = {
            "bot": {"id": f"28:{self.app_id}"},
            "members": [{"id": object_id}],
            "tenantId": self.tenant_id,
            "channelData": {"tenant": {"id": self.tenant_id}},
            "isGroup": False,
        }
        answer = self._call("POST", conversations_url(service_url), body)
        return _id(answer, "conversation")

    def send(self, service_url: str, conversation_id: str, activity: dict[str, Any]) -> str:
        """Post a message activity; returns its activity id (for updates)."""
        answer = self._call("POST", activities_url(service_url, conversation_id), activity)
        return _id(answer, "activity")

    def update(
        self, service_url: str, conversation_id: str, activity_id: str, activity: dict[str, Any]
    ) -> None:
        """Replace a message Nolan sent (PUT): a card redrawn in place."""
        url = activities_url(service_url, conversation_id, activity_id)
        self._call("PUT", url, {**activity, "id": activity_id})

    def _call(self, method: str, url: str, body: dict[str, Any]) -> Any:
        for attempt in (1, 2):
            try:
                token = self.tokens.token(BOT_CONNECTOR_SCOPE)
            except TokenError as exc:
                raise SendFailed(str(exc)) from exc
            try:
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                response = self.http.request(method, url, json=body, headers=headers)
            except httpx.HTTPError as exc:
                raise SendFailed(f"Bot Connector not reached: {exc}") from exc
            if response.status_code == 401 and attempt == 1:
                self.tokens.invalidate(BOT_CONNECTOR_SCOPE, token)
                continue
            if response.status_code < 300:
                return _json(response)
            raise _failure(method, response)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _failure(method: str, response: httpx.Response) -> SendFailed:
    status = response.status_code
    error = _json(response)
    error = error.get("error") if isinstance(error, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    said = f"Bot Connector answered {status}" + (f" {code}" if code else "")
    said += f" to {method} {response.request.url.path}"
    if status in PARKED:
        return SendFailed(said, parked=True)
    if status in RETRIED or status == 401:  # 401 twice: credentials to fix, nothing to lose
        # Teams throttles per conversation: a 429 pauses that one (the tenant's pace is kept).
        pause = "conversation" if status == 429 else None
        return SendFailed(said, retry_after=_retry_after(response), pause=pause)
    return SendFailed(said, permanent=True)


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("Retry-After")
    try:
        return float(raw) if raw is not None else None
    except ValueError:  # an HTTP date: back off as for no header
        return None


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _id(answer: Any, what: str) -> str:
    if not isinstance(answer, dict) or not isinstance(answer.get("id"), str):
        raise SendFailed(f"Bot Connector gave no {what} id: {str(answer)[:200]}")
    return answer["id"]
