"""Bolt middleware that opens every listener the same way, so listeners start at their work.

Global (every request): the typed payload (`parsed`: Bolt's own `payload` is the raw dict) and
the person who acted (`actor`: their staff row, or None if the org chart does not know them).
Per listener: the typed metadata of the pressed button or submitted form (`meta`), and `known`,
for flows only staff may use. Bolt injects context keys by name, so a listener takes `parsed`,
`actor` and `meta` as arguments, and `env` (what every listener works with) in place of
`db, settings, notifier, clock` spelled one by one — or, for a button or a form, `turn` (the
env with this request's ack, body, client and actor) and `meta`, and nothing else.
A failed check raises `Refused`; handlers.errors answers it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from slack_bolt import Ack, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.rules.refusal import NOT_IN_ORG_CHART, STALE_BUTTON, STALE_FORM, Refused
from bot.settings import Settings
from bot.ui.forms import Answers
from handlers.metadata import BadMetadata, decode
from handlers.notifier import Notifier
from handlers.payloads import Malformed, Payload, parse
from handlers.slack_ui import answers
from storage import staff
from storage.db import Database
from storage.models import Staff

log = logging.getLogger(__name__)

PAYLOAD = "parsed"
ACTOR = "actor"
META = "meta"
ENV = "env"
TURN = "turn"

T = TypeVar("T")
Next = Callable[[], BoltResponse | None]
Middleware = Callable[..., BoltResponse | None]


@dataclass(frozen=True)
class Env:
    """The app's database, settings, notifier and clock, injected as `env` (bot.app)."""

    db: Database
    settings: Settings
    notifier: Notifier
    clock: Callable[[], datetime]

    def now(self) -> datetime:
        return self.clock()


@dataclass(frozen=True)
class Turn:
    """A button pressed or a form submitted, as its listener sees it (injected as `turn`):
    the app's env, this request's ack, raw body and client, and the person who acted (their
    staff row, or None if the org chart does not know them)."""

    env: Env
    ack: Ack
    body: dict[str, Any]
    client: WebClient
    actor: Staff | None

    @property
    def db(self) -> Database:
        return self.env.db

    @property
    def settings(self) -> Settings:
        return self.env.settings

    @property
    def notifier(self) -> Notifier:
        return self.env.notifier

    def now(self) -> datetime:
        return self.env.now()

    def call(self, use_case: Callable[..., T], /, now: datetime | None = None, **args: Any) -> T:
        """Run a use case as the person who acted: `use_case(db, actor=…, settings=…,
        now=…, **args)`, the four every such use case takes, from this turn (`now` if the
        time was taken earlier in the request)."""
        return use_case(
            self.db, actor=self.actor, settings=self.settings, now=now or self.now(), **args
        )

    @property
    def staff(self) -> Staff:
        """The person who acted, for the listeners behind `known` (anyone else is refused)."""
        if self.actor is None or self.actor.id is None:
            raise Refused(NOT_IN_ORG_CHART)
        return self.actor

    @property
    def staff_id(self) -> int:
        """`staff`'s id."""
        staff = self.staff
        assert staff.id is not None  # `staff` has checked
        return staff.id

    @property
    def user_id(self) -> str:
        """The Slack id of the person who acted."""
        return str((self.body.get("user") or {}).get("id") or "")

    @property
    def view(self) -> dict[str, Any]:
        """The modal the request came from or submitted ({} for a message's button)."""
        return self.body.get("view") or {}

    @property
    def action_value(self) -> str | None:
        """The pressed button's value."""
        actions = self.body.get("actions") or [{}]
        return actions[0].get("value")

    def answers(self) -> Answers:
        """The submitted form's answers, by field."""
        return answers((self.view.get("state") or {}).get("values") or {})

    def open(self, view: View) -> None:
        """A new modal, on this request's trigger."""
        self.client.views_open(trigger_id=self.body["trigger_id"], view=view)

    def push(self, view: View) -> None:
        """A modal over the one the button was pressed in."""
        self.client.views_push(trigger_id=self.body["trigger_id"], view=view)


class KeptAck(Ack):
    """Bolt's ack, keeping its answer once given. When a listener fails after acking (say
    views.open fails), Bolt's runner resets the answer to None; if the request thread has
    not yet seen it, Slack gets a 404 three seconds later instead of the ack.

    `given` is set with the answer, so that the request thread can wait for it rather than
    look every 10 ms as Bolt's runner does (`handed_over`). The latest made on a thread is
    the one its request's listener acks (handlers.replays replaces the first)."""

    _response: BoltResponse | None = None

    def __init__(self) -> None:
        self.given = threading.Event()
        super().__init__()
        _made.ack = self

    @property  # type: ignore[override]
    def response(self) -> BoltResponse | None:
        return self._response

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None or self._response is None:
            self._response = value
        if self._response is not None:
            self.given.set()


_made = threading.local()


def handed_over() -> KeptAck | None:
    """The ack of the request this thread is handling, once: the listener executor takes it
    when Bolt hands it the request's listener (bot.app.SettlingExecutor)."""
    ack: KeptAck | None = getattr(_made, "ack", None)
    _made.ack = None
    return ack


def kept_ack(context: BoltContext, next: Next) -> BoltResponse | None:
    context["ack"] = KeptAck()
    return next()


def typed_payload(body: dict[str, Any], context: BoltContext, next: Next) -> BoltResponse | None:
    """The HTTP edge has typed the payload already (bot.server); Socket Mode's envelopes
    arrive here unchecked."""
    if context.get(PAYLOAD) is not None:
        return next()
    try:
        context[PAYLOAD] = parse(body)
    except Malformed as malformed:
        log.warning("Dropped a malformed request: %s", malformed.reason)
        return BoltResponse(status=400, body=malformed.reason)
    return next()


def load_actor(context: BoltContext, next: Next) -> BoltResponse | None:
    """The acting person's staff row (detached: read its fields; re-load it to change it),
    unless a middleware before it read it already (handlers.replays)."""
    if ACTOR in context:
        return next()
    user = acting_user(context.get(PAYLOAD))
    context[ACTOR] = None
    if user:
        with context["db"].session() as session:
            context[ACTOR] = staff.by_slack_id(session, slack_user_id=user)
    return next()


def load_turn(body: dict[str, Any], context: BoltContext, next: Next) -> BoltResponse | None:
    """Everything a button's or a form's listener works with, in one: after load_actor and
    after any middleware that replaces the ack (handlers.replays)."""
    context[TURN] = Turn(
        env=context[ENV], ack=context.ack, body=body, client=context.client, actor=context[ACTOR]
    )
    return next()


def acting_user(payload: Payload | None) -> str | None:
    user = getattr(payload, "user", None) or getattr(payload, "user_id", None)
    if user is None:
        event = getattr(payload, "event", None)
        user = getattr(event, "user", None)
    user = getattr(user, "id", user)
    return user if isinstance(user, str) and user else None


def meta(
    model: type[BaseModel], *, stale: str | None = None, field: str | None = None
) -> Middleware:
    """Listener middleware: decode the pressed button's value (or the submitted form's
    private_metadata) as `model` into `meta`; anything unreadable is refused as stale."""

    def decode_meta(context: BoltContext, next: Next) -> BoltResponse | None:
        payload = context.get(PAYLOAD)
        actions = getattr(payload, "actions", None)
        if actions:
            raw, default = actions[0].value, STALE_BUTTON
        else:
            view = getattr(payload, "view", None)
            raw, default = getattr(view, "private_metadata", None), STALE_FORM
        try:
            context[META] = decode(model, raw)
        except BadMetadata:
            raise Refused(stale or default, field) from None
        return next()

    return decode_meta


def known(text: str = NOT_IN_ORG_CHART, *, field: str | None = None) -> Middleware:
    """Listener middleware: only someone in the org chart goes on."""

    def require_actor(context: BoltContext, next: Next) -> BoltResponse | None:
        if context.get(ACTOR) is None:
            raise Refused(text, field)
        return next()

    return require_actor
