"""Activities as Teams sends them to a bot's messaging endpoint, and their signed requests."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from typing import Any

from .signing import Forgery, bearer, bot_framework_token, forged_token

_ids = itertools.count(1)


def activity(
    kind: str,
    *,
    service_url: str,
    app_id: str,
    tenant_id: str,
    from_object_id: str,
    conversation_id: str,
    name: str | None = None,
    text: str | None = None,
    value: Any = None,
    reply_to_id: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An activity of type `kind` (message, invoke, conversationUpdate, installationUpdate)
    from a person in their 1:1 chat with the bot, shaped as Teams sends it."""
    body: dict[str, Any] = {
        "type": kind,
        "id": f"f:{next(_ids)}",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": f"29:1{from_object_id}", "aadObjectId": from_object_id},
        "conversation": {"conversationType": "personal", "tenantId": tenant_id,
                         "id": conversation_id},
        "recipient": {"id": f"28:{app_id}", "name": "Nolan"},
        "channelData": {"tenant": {"id": tenant_id}},
        "locale": "en-GB",
    }
    for key, item in (("name", name), ("text", text), ("value", value),
                      ("replyToId", reply_to_id)):
        if item is not None:
            body[key] = item
    return {**body, **(extra or {})}


def invoke(name: str, value: Any, **kwargs: Any) -> dict[str, Any]:
    """task/fetch, task/submit, adaptiveCard/action…: `value` as Teams puts it."""
    return activity("invoke", name=name, value=value, **kwargs)


def signed(
    body: dict[str, Any], app_id: str, *, forgery: Forgery | None = None,
    token_service_url: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """The request the Bot Framework would POST: JSON bytes and headers with a Bearer token for
    the activity's serviceUrl (or a forged one)."""
    service_url = token_service_url or body.get("serviceUrl", "")
    token = (
        bot_framework_token(app_id, service_url)
        if forgery is None
        else forged_token(forgery, app_id, service_url)
    )
    return json.dumps(body).encode(), bearer(token)
