"""Dialogs for the Agents Playground, which has none: it does not open task modules, and a
button asking for one (`Action.Submit` with `msteams.type = task/fetch`) reaches the bot as a
message carrying the button's data, as does a form's own submit button.

So, in the playground mode only (bot.playground), this sits in front of the edge: such a
message goes to the edge as the invoke Teams would have sent (`task/fetch`, `task/submit`), and
what the invoke answers — a dialog's card, or its closing line — is posted in the chat, where
the playground shows it and its buttons work. Every other activity passes through untouched.

A form shown in the chat stays pressable, where Teams would have closed its dialog: so each
form card carries an id of its own (the same on the form shown again with its errors), and
once a submit of it is taken, the form's cards are replaced in place and a repeat press is
answered without going to the edge — nothing is recorded twice.
"""

from __future__ import annotations

import io
import json
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.teams.adaptive import ACTION_KEY, FORM_KEY
from bot.teams.connector import Connector
from bot.teams.edge import Edge
from bot.teams.router import TASK_FETCH, TASK_SUBMIT

MAX_BODY = 256 * 1024
CARD_KEY = "_card"  # a form card's own id, in its submit button's data
ALREADY_SENT = "That form has already been sent: nothing was recorded twice."
SENT = "This form has been sent."


@dataclass
class FormCards:
    """The form cards shown in the chats: where each went, and which were sent (in memory:
    the playground's chats start empty each time)."""

    shown: dict[str, list[str]] = field(default_factory=dict)  # card id -> activity ids
    sent: set[str] = field(default_factory=set)
    busy: set[str] = field(default_factory=set)  # a submit of it being handled now
    lock: threading.Lock = field(default_factory=threading.Lock)

    def claim(self, card_id: str) -> bool:
        """May a submit of this card go to the edge? Not once one was taken, nor while one
        is being handled."""
        with self.lock:
            if card_id in self.sent or card_id in self.busy:
                return False
            self.busy.add(card_id)
            return True

    def release(self, card_id: str, *, sent: bool) -> list[str]:
        """The submit handled; if taken, where the card was shown, to replace it there."""
        with self.lock:
            self.busy.discard(card_id)
            if not sent:
                return []
            self.sent.add(card_id)
            return self.shown.pop(card_id, [])

    def shown_at(self, card_id: str, activity_id: str) -> None:
        with self.lock:
            self.shown.setdefault(card_id, []).append(activity_id)


class InlineDialogs:
    """WSGI: the edge, with the playground's dialog presses turned into invokes."""

    def __init__(self, edge: Edge, connector: Connector) -> None:
        self.edge, self.connector = edge, connector
        self.forms = FormCards()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        raw = _read(environ)
        body = _json(raw)
        invoke = as_invoke(body) if isinstance(body, dict) else None
        if invoke is None:
            return self.edge({**environ, "wsgi.input": io.BytesIO(raw)}, start_response)
        assert isinstance(body, dict)
        chat = (str(body["serviceUrl"]), str(body["conversation"]["id"]))
        card_id = invoke["value"]["data"].pop(CARD_KEY, None)
        if invoke["name"] != TASK_SUBMIT or not isinstance(card_id, str):
            return _answered(start_response, self._through(environ, invoke, chat, None)[0])
        if not self.forms.claim(card_id):
            self.connector.send(*chat, {"type": "message", "text": ALREADY_SENT})
            return _answered(start_response, 200)
        taken = False
        try:
            status, again = self._through(environ, invoke, chat, card_id)
            taken = status == 200 and not again
        finally:
            for activity_id in self.forms.release(card_id, sent=taken):
                self.connector.update(*chat, activity_id, {"type": "message", "text": SENT})
        return _answered(start_response, status)

    def _through(
        self, environ: dict[str, Any], invoke: dict[str, Any], chat: tuple[str, str],
        card_id: str | None,
    ) -> tuple[int, bool]:
        """The invoke through the edge, and what it answers shown in the chat: a form (tagged
        with its card's id: a new one, or the submitted card's when it comes back with its
        errors), or a closing line. Returns the edge's status, and whether a form was shown
        (the submit refused: nothing taken)."""
        data = json.dumps(invoke).encode()
        reply = self.edge.handle(
            {**environ, "wsgi.input": io.BytesIO(data), "CONTENT_LENGTH": str(len(data))}
        )
        shown = in_chat(reply.body) if reply.status == 200 else None
        form = shown is not None and _is_form(reply.body)
        if shown is not None and form:
            form_id = card_id or uuid.uuid4().hex
            self.forms.shown_at(form_id, self.connector.send(*chat, _tagged(shown, form_id)))
        elif shown is not None:
            self.connector.send(*chat, shown)
        return reply.status, form


def _answered(start_response: Callable[..., Any], status: int) -> Iterable[bytes]:
    start_response(
        f"{status} {'OK' if status == 200 else 'Refused'}", [("Content-Length", "0")]
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


def _is_form(answer: Any) -> bool:
    """Does the invoke's answer show a form (a dialog to continue)?"""
    task = answer.get("task") if isinstance(answer, dict) else None
    return isinstance(task, dict) and task.get("type") == "continue"


def _tagged(found: Any, card_id: str) -> Any:
    """The message with `card_id` in the data of every button that submits its form."""
    if isinstance(found, list):
        return [_tagged(item, card_id) for item in found]
    if not isinstance(found, dict):
        return found
    tagged = {key: _tagged(item, card_id) for key, item in found.items()}
    data = tagged.get("data")
    if isinstance(data, dict) and FORM_KEY in data:
        tagged["data"] = {**data, CARD_KEY: card_id}
    return tagged


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
