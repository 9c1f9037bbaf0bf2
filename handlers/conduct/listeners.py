"""/conduct [help|mine]."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.settings import Settings
from handlers.conduct.messages import MINE_LIMIT, help_message, mine_message
from storage import declarations, staff
from storage.db import Database


def conduct_command(ack: Ack, command: dict[str, Any], db: Database, settings: Settings) -> None:
    words = (command.get("text") or "").strip().split()
    sub = words[0].lower() if words else "help"
    if sub == "mine":
        with db.session() as session:
            me = staff.by_slack_id(session, slack_user_id=command["user_id"])
            records = (
                declarations.gifts_of(session, declarant_id=me.id, limit=MINE_LIMIT + 1)
                if me and me.id
                else []
            )
        message = mine_message(records, known=me is not None)
    elif sub == "help":
        message = help_message(settings.policy)
    else:
        message = help_message(settings.policy, unknown=sub)
    ack(response_type="ephemeral", **message.as_kwargs())
