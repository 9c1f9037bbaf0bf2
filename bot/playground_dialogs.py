"""Dialogs for the Agents Playground, which has none: it does not open task modules, and a
button asking for one (`Action.Submit` with `msteams.type = task/fetch`) reaches the bot as a
message carrying the button's data, as does a form's own submit button.

So, in the playground mode only (bot.playground), this sits in front of the edge: such a
message goes to the edge as the invoke Teams would have sent (`task/fetch`, `task/submit`), and
what the invoke answers — a dialog's card, or its closing line — is posted in the chat, where
the playground shows it and its buttons work. Every other activity passes through untouched.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from bot.teams.adaptive import ACTION_KEY, FORM_KEY
from bot.teams.connector import Connector
from bot.teams.edge import Edge
from bot.teams.router import TASK_FETCH, TASK_SUBMIT

MAX_BODY = 256 * 1024


class InlineDialogs:
    """WSGI: the edge, with the playground's dialog presses turned into invokes."""

    def __init__(self, edge: Edge, connector: Connector) -> None:
        self.edge, self.connector = edge, connector

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        raw = _read(environ)
        body = _json(raw)
        invoke = as_invoke(body) if isinstance(body, dict) else None
        if invoke is None:
            return self.edge({**environ, "wsgi.input": io.BytesIO(raw)}, start_response)
        assert isinstance(body, dict)
        data = json.dumps(invoke).encode()
        reply = self.edge.handle(
            {**environ, "wsgi.input": io.BytesIO(data), "CONTENT_LENGTH": str(len(data))}
        )
        if reply.status == 200:
            shown = in_chat(reply.body)
            if shown is not None:
                service_url = str(body["serviceUrl"])
                conversation = str(body["conversation"]["id"])
                self.connector.send(service_url, conversation, shown)
        start_response(
            f"{reply.status} {'OK' if reply.status == 200 else 'Refused'}",
            [("Content-Length", "0")],
        )
        return [b""]


def as_invoke(body: dict[str, Any]) -> dict[str, Any] | None:
    """The invoke Teams would send for this message, or None when it is a plain one."""
    value = body.get("value")
    if body.get("type") != "message" or not isinstance(value, dict):
        return None
    msteams = value.get("msteams")
    if isinstance(msteams, dict) and msteams.get("type") == TASK_FETCH and ACTION_KEY in value:
        name = TASK_FETCH
    elif FORM_KEY in value:
        name = TASK_SUBMIT
    else:
        return None
    return {**body, "type": "invoke", "name": name, "value": {"data": value}}


def in_chat(answer: Any) -> dict[str, Any] | None:
    """A dialog's answer as a chat message: its card, or its closing line; None to show."""
    task = answer.get("task") if isinstance(answer, dict) else None
    if not isinstance(task, dict):
        return None
    value = task.get("value")
    if task.get("type") == "continue" and isinstance(value, dict):
        card = value.get("card")
        if isinstance(card, dict):
            return {"type": "message", "attachments": [card]}
    if task.get("type") == "message" and isinstance(value, str) and value:
        return {"type": "message", "text": value}
    return None


def _read(environ: dict[str, Any]) -> bytes:
    try:
        length = max(int(environ.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    return stream.read(min(length, MAX_BODY + 1)) if stream is not None and length else b""


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
