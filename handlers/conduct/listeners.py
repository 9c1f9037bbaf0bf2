"""/conduct [help|mine|<feature subcommand> …]. Features add subcommands (delegate, notify…)
through `register(app, subcommands)`; each gets a ConductRequest and acks for itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.settings import Settings
from handlers.conduct.messages import MINE_LIMIT, help_message, mine_message
from handlers.notifier import Notifier
from storage import declarations
from storage.db import Database
from storage.models import Staff


@dataclass(frozen=True)
class ConductRequest:
    ack: Ack
    command: dict[str, Any]
    args: list[str]  # the words after the subcommand
    client: WebClient
    db: Database
    settings: Settings
    notifier: Notifier
    clock: Callable[[], datetime]
    actor: Staff | None = None  # the person who typed it (handlers.context), if staff

    @property
    def user_id(self) -> str:
        return str(self.command["user_id"])

    def reply(self, text: str, **kwargs: Any) -> None:
        """An ephemeral answer to the person who typed the command."""
        self.ack(response_type="ephemeral", text=text, **kwargs)


Subcommand = Callable[[ConductRequest], None]


def mine(request: ConductRequest) -> None:
    me = request.actor
    with request.db.session() as session:
        records = (
            declarations.records_of(session, declarant_id=me.id, limit=MINE_LIMIT + 1)
            if me and me.id
            else []
        )
    message = mine_message(records, known=me is not None)
    request.ack(response_type="ephemeral", **message.as_kwargs())


def make_conduct_command(extra: Mapping[str, Subcommand]) -> Callable[..., None]:
    subcommands: dict[str, Subcommand] = {"mine": mine, **extra}

    def conduct_command(
        ack: Ack,
        command: dict[str, Any],
        client: WebClient,
        db: Database,
        settings: Settings,
        notifier: Notifier,
        clock: Callable[[], datetime],
        actor: Staff | None,
    ) -> None:
        words = (command.get("text") or "").strip().split()
        sub = words[0].lower() if words else "help"
        handler = subcommands.get(sub)
        if handler is None:
            message = help_message(settings.policy, unknown=None if sub == "help" else sub)
            ack(response_type="ephemeral", **message.as_kwargs())
            return
        handler(
            ConductRequest(ack, command, words[1:], client, db, settings, notifier, clock, actor)
        )

    return conduct_command
