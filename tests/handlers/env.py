"""The `env` and the `turn` a listener is given (handlers.context), for listeners called
directly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from unittest.mock import create_autospec

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.settings import Settings
from handlers.context import Env, Turn
from handlers.notifier import Notifier
from storage.db import Database
from storage.models import Staff


def env_for(
    db: Database,
    clock: Callable[[], datetime] = datetime.now,
    notifier: Notifier | None = None,
    settings: Settings | None = None,
) -> Env:
    return Env(
        db=db,
        settings=settings or Settings(),
        notifier=notifier or create_autospec(Notifier, instance=True),
        clock=clock,
    )


def turn_for(
    env: Env,
    actor: Staff | None,
    *,
    body: dict[str, Any] | None = None,
    ack: Ack | None = None,
    client: WebClient | None = None,
) -> Turn:
    """A button pressed or a form sent (`body`) by `actor`, with spec'd ack and client unless
    given."""
    return Turn(
        env=env,
        ack=ack or create_autospec(Ack, instance=True),
        body=body if body is not None else {},
        client=client or create_autospec(WebClient, instance=True),
        actor=actor,
    )
