"""The composition root: builds the Bolt app, its middleware, listeners and error handler."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

import handlers
from bot.outbox import Worker
from bot.runtime import Runtime
from bot.settings import Settings
from handlers import unknown
from handlers.context import (
    ENV,
    Env,
    handed_over,
    kept_ack,
    load_actor,
    load_turn,
    typed_payload,
)
from handlers.errors import handle_error
from handlers.replays import once_per_view
from storage import touched
from storage.db import Database
from storage.types import utcnow

if TYPE_CHECKING:
    from bot.bell import Doorbell

log = logging.getLogger(__name__)

# Slack's three seconds, Bolt's ack_timeout: past them its runner gives up on the ack.
ACK_WAIT = 3.0

# Each app's delivery worker (bot.outbox), stopped by bot.server.drain.
_workers: weakref.WeakKeyDictionary[App, Worker] = weakref.WeakKeyDictionary()


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


def build_app(
    runtime: Runtime, *, verify_token: bool = True, bell: Doorbell | None = None
) -> App:
    """The Bolt app over `runtime`: middleware, every feature's listeners, the error handler;
    and the outbox's delivery worker, started unless the delivery process sends (`bell`: it
    is told of the Homes published here)."""
    settings, db, notifier, clock = runtime.settings, runtime.db, runtime.notifier, runtime.clock
    app = App(
        # Named: unnamed, Bolt names an app by walking the call stack (inspect.stack reads the
        # source of every frame), a tenth of a second at each start.
        name="nolan",
        client=runtime.client,
        signing_secret=settings.slack_signing_secret,
        # Ack first, then do slow work: Slack gives three seconds.
        process_before_response=False,
        token_verification_enabled=verify_token,
        raise_error_for_unhandled_request=False,
        listener_executor=SettlingExecutor(db, max_workers=settings.listener_threads),
    )
    homes = runtime.attach_homes(told=bell.shown if bell else None)
    env = Env(db=db, settings=settings, notifier=notifier, clock=clock)

    # Listeners open their own sessions from `db` (db.session()): with process_before_response
    # off, a listener runs on after the middleware chain returns, so a session opened here and
    # closed in a finally would be closed under it.
    @app.middleware
    def inject(context: Any, next: Any) -> BoltResponse:
        # Bolt gives each request a plain WebClient of its own (for apps whose token varies by
        # request: Nolan's does not), whose every call opens a connection and, over HTTPS, a
        # handshake: a listener's calls (views.open) go over the app's kept-alive one instead
        # (bot.slack_client, issue 10).
        context["client"] = app.client
        context["db"] = db
        context["settings"] = settings
        context["notifier"] = notifier
        context["clock"] = clock
        context["homes"] = homes.slack
        context[ENV] = env
        return next()

    app.middleware(kept_ack)
    app.middleware(typed_payload)
    app.middleware(once_per_view)  # before load_actor: it reads the person as it claims
    app.middleware(load_actor)
    app.middleware(load_turn)  # last: it takes the ack once_per_view may have replaced
    app.error(handle_error)
    handlers.register(app)
    unknown.register(app)
    # Sends what the listeners' transactions queued, after their ack; on start, whatever an
    # earlier process left unsent.
    _workers[app] = runtime.outbox if bell else runtime.outbox.start()
    return app


def outbox_of(app: App) -> Worker:
    """The app's delivery worker (bot.outbox)."""
    return _workers[app]


def settle(app: App, timeout: float = 15.0) -> bool:
    """The idle barrier on the bot's background work: the listeners still running after
    their ack (and the Home refreshes they queue after them), then the messages they owe,
    those refreshes included. True once all is done; False if `timeout` passed first. For
    tests, instead of sleeping."""
    executor = app.listener_runner.listener_executor
    deadline = time.monotonic() + timeout
    if isinstance(executor, SettlingExecutor) and not executor.wait_idle(timeout):
        return False
    return outbox_of(app).wait_idle(max(deadline - time.monotonic(), 0.0))


class SettlingExecutor(ThreadPoolExecutor):
    """Runs each listener, then the work deferred until it is done (storage.touched.settle:
    queueing, in one short transaction, a Home refresh for each person its changes concern —
    the outbox's worker publishes them), in one place rather than in every listener. One
    listener's changes make one refresh per person. Bolt hands it a request's listener from
    the request's thread, which it keeps until the listener has acked (or finished)."""

    def __init__(self, db: Database, max_workers: int = 5) -> None:
        super().__init__(max_workers=max_workers)  # Bolt's default
        self.db = db
        self._running = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                try:
                    touched.settle(self.db)
                finally:
                    with self._idle:
                        self._running -= 1
                        self._idle.notify_all()

        ack = handed_over()
        with self._idle:
            self._running += 1
        try:
            future = super().submit(run)
        except BaseException:
            with self._idle:
                self._running -= 1
            raise
        if ack is not None:
            # Bolt's runner then looks for the ack every 10 ms, which is 5 ms added to every
            # answer on average; waiting here, it finds it at once.
            future.add_done_callback(lambda _: ack.given.set())
            ack.given.wait(ACK_WAIT)
        return future

    def wait_idle(self, timeout: float) -> bool:
        """True once no listener (nor its deferred work) is running."""
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout)
