"""The `env` a listener is given (handlers.context.Env), for listeners called directly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from unittest.mock import create_autospec

from bot.settings import Settings
from handlers.context import Env
from handlers.notifier import Notifier
from storage.db import Database


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
