"""Where an activity goes: typed text commands, invokes and other activities, each to the
handler a feature registered (the Teams counterpart of Bolt's `app.command`/`app.action`).

Features register on one `Router` (`bot.teams.features.register(router)`), nothing at import
time. Handlers take a `Turn` and return, for an invoke, the JSON body of its response (None:
an empty 200); for anything else their return is ignored (the answer is 200 at once, and what
they say to people goes through the outbox: `Turn.tell`).

Conventions for features:
- text commands: `router.command("gift", handler)`; the person may type `gift`, `/gift`,
  `GIFT please` (the rest is `turn.args`), or @mention Nolan first; a sub-command is two
  words (`router.command("conduct notify", handler)`), taken before the first word's own;
- dialogs: a button opening one is `Action.Submit` with data `{"msteams": {"type":
  "task/fetch"}, "_action": BUTTON_ID}` (bot.teams.cards draws it so);
  `router.invoke("task/fetch", fetch, key=BUTTON_ID)`; the dialog's form submits
  `{"_form": FORM_ID, …}` (bot.teams.forms): `router.invoke("task/submit", submit,
  key=FORM_ID)` — the same ids as the Slack button's action id and the modal's callback id;
- universal actions (`Action.Execute`): `router.invoke("adaptiveCard/action", handler,
  key=VERB)`;
- `router.on("conversationUpdate", handler)` (and `installationUpdate`): after the adapter has
  stored the person's chat and re-queued what waited for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot import outbox
from bot.settings import Settings
from bot.teams.adaptive import ACTION_KEY, FORM_KEY
from storage.db import Database
from storage.models import Staff

_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
ADAPTIVE_CARD_ACTION = "adaptiveCard/action"
TASK_FETCH, TASK_SUBMIT = "task/fetch", "task/submit"


@dataclass
class Turn:
    """One incoming activity as a handler sees it."""

    activity: Any  # the microsoft_teams.api model (MessageActivity, TaskFetchInvokeActivity…)
    raw: dict[str, Any]  # the activity as JSON, for what the model does not type
    actor: Staff | None  # the org chart's person (from.aadObjectId), None if not in it
    db: Database
    settings: Settings
    clock: Callable[[], datetime]
    command: str = ""  # a text command's word, lower case, no '/'
    args: str = ""  # the text after it

    @property
    def value(self) -> Any:
        """The activity's `value` as JSON (an invoke's, or a card's submitted inputs)."""
        return self.raw.get("value")

    def tell(self, session: Session, card: str, **payload: Any) -> int:
        """Queue the card `card` to the person acting, in their 1:1 chat, in `session`'s
        transaction: to their org chart record, or, for someone not in it, to the
        conversation this activity came from."""
        if self.actor is not None and self.actor.id is not None:
            recipient = outbox.to_staff(self.actor.id)
            return outbox.queue(session, card, subject=recipient, recipient=recipient, **payload)
        recipient = f"teams:{self.raw.get('from', {}).get('aadObjectId', '')}"[:80]
        return outbox.queue(
            session,
            card,
            subject=recipient,
            recipient=recipient,
            service_url=self.raw.get("serviceUrl"),
            conversation_id=self.raw.get("conversation", {}).get("id"),
            **payload,
        )

    def tell_now(self, card: str, **payload: Any) -> int:
        """`tell`, in a transaction of its own (an answer that records nothing else)."""
        with self.db.session() as session:
            queued = self.tell(session, card, **payload)
            session.commit()
        return queued


Handler = Callable[[Turn], Any]


@dataclass(frozen=True)
class Reply:
    """The HTTP answer to Teams: status and JSON body (None: no body)."""

    status: int
    body: Any = None


@dataclass
class Router:
    commands: dict[str, Handler] = field(default_factory=dict)
    invokes: dict[tuple[str, str | None], Handler] = field(default_factory=dict)
    activities: dict[str, list[Handler]] = field(default_factory=dict)
    fallback: Handler | None = None  # text that is no command

    # -- registration ------------------------------------------------------------------------

    def command(self, word: str, handler: Handler) -> Handler:
        """`word` typed in the 1:1 chat (any case, with or without a leading '/'); or a
        sub-command, "conduct notify"."""
        self.commands[" ".join(word.lower().lstrip("/").split())] = handler
        return handler

    def invoke(self, name: str, handler: Handler, *, key: str | None = None) -> Handler:
        """An invoke `name`; with `key`, only the dialog id or verb `key` (see above)."""
        self.invokes[(name, key)] = handler
        return handler

    def on(self, activity_type: str, handler: Handler) -> Handler:
        """Every activity of this type (conversationUpdate, installationUpdate…)."""
        self.activities.setdefault(activity_type, []).append(handler)
        return handler

    def otherwise(self, handler: Handler) -> Handler:
        """Text that is no registered command."""
        self.fallback = handler
        return handler

    # -- dispatch ----------------------------------------------------------------------------

    def dispatch(self, turn: Turn) -> Reply:
        kind = turn.raw.get("type")
        if kind == "invoke":
            return self._invoke(turn)
        if kind == "message":
            self._message(turn)
        for handler in self.activities.get(str(kind), []):
            handler(turn)
        return Reply(200)

    def _message(self, turn: Turn) -> None:
        text = _MENTION.sub(" ", str(turn.raw.get("text") or "")).strip()
        words = text.split(None, 2)
        word = words[0].lower().lstrip("/") if words else ""
        sub = f"{word} {words[1].lower()}" if len(words) > 1 else ""
        if sub in self.commands:
            turn.command, turn.args = sub, words[2].strip() if len(words) > 2 else ""
        else:
            turn.command, turn.args = word, text[len(words[0]) :].strip() if words else ""
        handler = self.commands.get(turn.command) if turn.command else None
        handler = handler or self.fallback
        if handler is not None:
            handler(turn)

    def _invoke(self, turn: Turn) -> Reply:
        name = str(turn.raw.get("name") or "")
        handler = self.invokes.get((name, invoke_key(name, turn.value))) or self.invokes.get(
            (name, None)
        )
        if handler is None:
            return Reply(200, unavailable(name, "That isn't something Nolan can do here yet."))
        return Reply(200, handler(turn))


def invoke_key(name: str, value: Any) -> str | None:
    """The verb of a universal action; the id of the button that asks for a dialog (task/fetch)
    or of the form submitted from one (task/submit)."""
    if not isinstance(value, dict):
        return None
    if name == ADAPTIVE_CARD_ACTION:
        action = value.get("action")
        verb = action.get("verb") if isinstance(action, dict) else None
        return verb if isinstance(verb, str) else None
    data = value.get("data")
    if not isinstance(data, dict):
        return None
    key = data.get(ACTION_KEY if name == TASK_FETCH else FORM_KEY)
    return key if isinstance(key, str) else None


def unavailable(name: str, text: str) -> dict[str, Any]:
    """An invoke's answer that only tells the person `text` (a dialog's message, or a note
    in place of a universal action's card)."""
    if name.startswith("task/"):
        return {"task": {"type": "message", "value": text}}
    if name == ADAPTIVE_CARD_ACTION:
        return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                "value": text}
    return {"status": 200}
