"""The composition root: builds the Bolt app, its middleware, listeners and error handler."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

import handlers
from bot.runtime import Runtime
from bot.settings import Settings
from handlers import unknown
from handlers.context import kept_ack, load_actor, typed_payload
from handlers.errors import handle_error
from handlers.replays import once_per_view
from storage import touched
from storage.db import Database
from storage.types import utcnow

log = logging.getLogger(__name__)


def create_app(
    settings: Settings,
    db: Database,
    *,
    client: WebClient | None = None,
    verify_token: bool = True,
    clock: Callable[[], datetime] = utcnow,
) -> App:
    """The app for `settings` and `db`, with a Runtime built for it; `clock` is injected so
    tests drive dates without sleeping."""
    runtime = Runtime.build(settings, db=db, client=client, clock=clock)
    return build_app(runtime, verify_token=verify_token)


def build_app(runtime: Runtime, *, verify_token: bool = True) -> App:
    """The Bolt app over `runtime`: middleware, every feature's listeners, the error handler."""
    settings, db, notifier, clock = runtime.settings, runtime.db, runtime.notifier, runtime.clock
    app = App(
        client=runtime.client,
        signing_secret=settings.slack_signing_secret,
        # Ack first, then do slow work: Slack gives three seconds.
        process_before_response=False,
        token_verification_enabled=verify_token,
        raise_error_for_unhandled_request=False,
        listener_executor=SettlingExecutor(db),
    )
    homes = runtime.attach_homes()

    # Listeners open their own sessions from `db` (db.session()): with process_before_response
    # off, a listener runs on after the middleware chain returns, so a session opened here and
    # closed in a finally would be closed under it.
    @app.middleware
    def inject(context: Any, next: Any) -> BoltResponse:
        context["db"] = db
        context["settings"] = settings
        context["notifier"] = notifier
        context["clock"] = clock
        context["homes"] = homes
        return next()

    app.middleware(kept_ack)
    app.middleware(typed_payload)
    app.middleware(load_actor)
    app.middleware(once_per_view)
    app.error(handle_error)
    handlers.register(app)
    unknown.register(app)
    return app


class SettlingExecutor(ThreadPoolExecutor):
    """Runs each listener, then the work deferred until it is done (storage.touched.settle:
    re-publishing the Homes its changes concern), off the ack path and in one place rather
    than in every listener."""

    def __init__(self, db: Database, max_workers: int = 5) -> None:
        super().__init__(max_workers=max_workers)  # Bolt's default
        self.db = db

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                touched.settle(self.db)

        return super().submit(run)
