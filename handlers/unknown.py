"""Whatever no feature listens for: answered at once, in one log line, instead of Bolt's
404 after its multi-line suggestion. Registered after every feature, so it matches last."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App

log = logging.getLogger(__name__)

ANYTHING = re.compile(".*")
UNKNOWN_COMMAND = "Nolan doesn't know that command. Try `/conduct help`."


def unknown_command(ack: Ack, command: dict[str, Any]) -> None:
    log.info("No listener for command %.40r", command.get("command"))
    ack(text=UNKNOWN_COMMAND, response_type="ephemeral")


def unknown_interaction(ack: Ack, body: dict[str, Any]) -> None:
    log.info("No listener for a %s", body.get("type"))
    ack()


def unknown_event(event: dict[str, Any]) -> None:
    log.debug("No listener for event %.40r", event.get("type"))


def register(app: App) -> None:
    app.command(ANYTHING)(unknown_command)
    app.action(ANYTHING)(unknown_interaction)
    app.view(ANYTHING)(unknown_interaction)
    app.view({"type": "view_closed", "callback_id": ANYTHING})(unknown_interaction)
    app.event(ANYTHING)(unknown_event)
