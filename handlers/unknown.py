"""A button or form no feature listens for (an old message, a retired feature): answered
at once, in one log line, instead of Bolt's 404 after its multi-line suggestion. Registered
after every feature, so it matches last. Commands and events are left to Bolt: Slack sends
only those the manifest declares, and tests/bot/test_manifest.py holds the two lists equal."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App

log = logging.getLogger(__name__)

ANYTHING = re.compile(".*")


def unknown_interaction(ack: Ack, body: dict[str, Any]) -> None:
    log.info("No listener for a %s", body.get("type"))
    ack()


def register(app: App) -> None:
    app.action(ANYTHING)(unknown_interaction)
    app.view(ANYTHING)(unknown_interaction)
    app.view({"type": "view_closed", "callback_id": ANYTHING})(unknown_interaction)
