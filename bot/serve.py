"""Running the bot: reach Slack, then serve it over HTTP or Socket Mode until stopped.

Slack out of reach at start-up (a proxy not yet open, a typo in SLACK_API_URL, a firewall) is
an operator's everyday problem, not a crash: Nolan says so in one line per attempt and tries
again with back-off. In HTTP mode the server listens meanwhile, so `/health` answers 503
"starting" rather than nothing. A token Slack refuses is not retried: one line, exit 1.
"""

from __future__ import annotations

import _thread
import logging
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from bot.collector import settle
from bot.settings import Settings
from bot.slack_client import SlackFailure, describe_failure, make_probe_client
from bot.stopping import begin_stopping, stop_on_signals
from storage.db import Database

if TYPE_CHECKING:
    from bot.bell import Doorbell
    from bot.runtime import Runtime

log = logging.getLogger("nolan")

# Seconds between attempts to reach Slack; the last repeats.
BACKOFF: tuple[float, ...] = (1, 2, 4, 8, 15, 30)


class SlackStatus:
    """Whether Slack has been reached since start-up (for /health); thread-safe."""

    def __init__(self) -> None:
        self._reached = threading.Event()

    @property
    def reached(self) -> bool:
        return self._reached.is_set()

    def mark_reached(self) -> None:
        self._reached.set()


def check_slack(settings: Settings) -> None:
    """One attempt: the bot token (auth.test) and, in Socket Mode, the app token
    (apps.connections.open). Raises SlackFailure naming what to check."""
    client = make_probe_client(settings)
    calls: list[tuple[str, str, Callable[[], Any]]] = [
        ("auth.test", "SLACK_BOT_TOKEN", client.auth_test)
    ]
    if settings.slack_app_token:
        app_token = settings.slack_app_token
        calls.append(
            (
                "apps.connections.open",
                "SLACK_APP_TOKEN",
                lambda: client.apps_connections_open(app_token=app_token),
            )
        )
    for method, setting, call in calls:
        try:
            call()
        except Exception as exc:
            failure = describe_failure(
                exc, method=method, base_url=settings.slack_api_url, setting=setting
            )
            raise failure or exc from None


def wait_for_slack(
    check: Callable[[], None],
    *,
    sleep: Callable[[float], bool | None],
    delays: Sequence[float] = BACKOFF,
) -> bool:
    """Try `check` until it passes (True), or until `sleep` returns True, meaning stop
    (False). A refused token raises its SlackFailure at once: retrying cannot help."""
    attempt = 0
    while True:
        try:
            check()
            return True
        except SlackFailure as failure:
            if failure.refused:
                raise
            delay = delays[min(attempt, len(delays) - 1)]
            attempt += 1
            log.warning(
                "Slack not reached (attempt %d): %s; trying again in %g s",
                attempt,
                failure.line,
                delay,
            )
            if sleep(delay):
                return False


@dataclass(frozen=True)
class Share:
    """This process's part when several serve one port (bot.processes): the sockets its
    parent bound and listens on, whether it runs the daily sweep (one process does), what
    to call once it serves, and the delivery process's bell when that process delivers
    (bot.delivery_process; None: the outbox's worker runs here)."""

    sockets: Sequence[socket.socket]
    sweeps: bool
    serving: Callable[[], None]
    bell: Doorbell | None = None


def serve(settings: Settings, db: Database, *, err: TextIO, share: Share | None = None) -> int:
    """Teams when TEAMS_APP_ID is set; on Slack, Socket Mode when SLACK_APP_TOKEN is set (no
    public URL needed), else HTTP mode."""
    from bot.app import build_app
    from bot.runtime import Runtime

    runtime = Runtime.build(settings, db=db)
    # SIGTERM (systemd, docker stop) stops like Ctrl-C: finish in-flight work, then exit.
    stop_on_signals(once=share is not None)
    try:
        if runtime.teams is not None:
            return _serve_teams(runtime, err=err, share=share)
        # The token is checked below, with retries, rather than once inside Bolt.
        app = build_app(runtime, verify_token=False, bell=share.bell if share else None)
        settle()
        if settings.slack_app_token:
            return _serve_socket_mode(app, runtime, err=err)
        return _serve_http(app, runtime, err=err, share=share)
    except KeyboardInterrupt:  # stopped before serving (or forced out): no request in hand
        begin_stopping()
        log.info("Stopping")
        runtime.outbox.stop()
        return 0


def _serve_http(app: Any, runtime: Runtime, *, err: TextIO, share: Share | None = None) -> int:
    from bot.server import drain, make_server

    settings, db = runtime.settings, runtime.db
    status = SlackStatus()
    stopping = threading.Event()
    refused: list[SlackFailure] = []
    sweep = Sweep(runtime, runs=share is None or share.sweeps)
    try:
        server = make_server(
            app, db, settings.host, settings.port, slack=status,
            threads=settings.request_threads, sockets=share.sockets if share else (),
        )
    except OSError as exc:  # the port is taken, or the address is not this machine's
        drain(app)  # the delivery worker, started with the app, stops with it
        return cannot_listen(settings, exc, err)

    def connect() -> None:
        try:
            if not wait_for_slack(lambda: check_slack(settings), sleep=stopping.wait):
                return
        except SlackFailure as failure:
            refused.append(failure)
            _thread.interrupt_main()  # stops server.run() in the main thread
            return
        status.mark_reached()
        log.info("Slack reached at %s", settings.slack_api_url)
        sweep.start()

    log.info("Serving Slack at http://%s:%s/slack/events", settings.host, settings.port)
    try:
        # Started inside the try: a refusal may interrupt the main thread at once.
        threading.Thread(target=connect, name="nolan-connect", daemon=True).start()
        if share is not None:
            share.serving()
        server.run()  # returns on Ctrl-C or SIGTERM (waitress catches KeyboardInterrupt)
    except KeyboardInterrupt:
        pass
    finally:
        begin_stopping()
        if not refused:
            log.info("Stopping")
        stopping.set()
        server.close()
        sweep.stop()
        drain(app)
    if refused:
        print(f"nolan: error: {refused[0].line}", file=err)
        return 1
    return 0


def _serve_teams(
    runtime: Runtime,
    *,
    err: TextIO,
    front: Callable[[Any], Any] | None = None,
    share: Share | None = None,
) -> int:
    """Teams: POST /api/messages and /health on HOST:PORT, the outbox's delivery worker and
    the daily sweep's scheduler (bot.jobs.all_jobs(), each job queueing in the outbox). No
    Bolt app and no Slack client. `front` wraps the edge (bot.playground's dialogs)."""
    from bot.server import make_teams_server

    settings, teams = runtime.settings, runtime.teams
    assert teams is not None
    edge = teams.edge(runtime.db, settings, runtime.clock)
    edge = front(edge) if front is not None else edge
    settle()
    try:
        server = make_teams_server(
            edge, runtime.db, settings.host, settings.port, threads=settings.request_threads,
            sockets=share.sockets if share else (),
        )
    except OSError as exc:
        teams.http.close()
        return cannot_listen(settings, exc, err)
    bell = share.bell if share else None
    homes = runtime.attach_homes(told=bell.shown if bell else None)  # noqa: F841 (held weakly)
    worker = runtime.outbox if bell else runtime.outbox.start()
    sweep = Sweep(runtime, runs=share is None or share.sweeps)
    log.info("Serving Teams at http://%s:%s/api/messages", settings.host, settings.port)
    try:
        # Nothing to reach first: the connector is called per message, each retried by the
        # outbox, so the sweep (and its catch-up run) starts with the server.
        sweep.start()
        if share is not None:
            share.serving()
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        begin_stopping()
        log.info("Stopping")
        server.close()
        sweep.stop()
        worker.stop()
        teams.http.close()
    return 0


def _serve_socket_mode(app: Any, runtime: Runtime, *, err: TextIO) -> int:
    from bot.server import close_socket_handler, drain, make_socket_handler

    settings = runtime.settings
    assert settings.slack_app_token
    log.info("Starting in Socket Mode")
    sweep = Sweep(runtime)
    runner = None
    try:
        wait_for_slack(lambda: check_slack(settings), sleep=stoppable_sleep)
        sweep.start()
        runner = make_socket_handler(app, settings.slack_app_token)
        try:
            runner.connect()
        except Exception as exc:
            failure = describe_failure(
                exc,
                method="apps.connections.open",
                base_url=settings.slack_api_url,
                setting="SLACK_APP_TOKEN",
            )
            if failure is None:
                raise
            raise failure from None
        threading.Event().wait()
    except SlackFailure as failure:
        print(f"nolan: error: {failure.line}", file=err)
        return 1
    except KeyboardInterrupt:
        log.info("Stopping")
    finally:
        begin_stopping()
        if runner is not None:
            close_socket_handler(runner)
        sweep.stop()
        drain(app)
    return 0


class Sweep:
    """The daily sweep (reminders, escalation, delegations ending) runs in this process,
    started once Slack is reached (its catch-up run sends DMs), on Teams with the server,
    and never after stopping; of several processes serving one port, in one (`runs`)."""

    def __init__(self, runtime: Runtime, *, runs: bool = True) -> None:
        self.runtime = runtime
        self._lock = threading.Lock()
        self._scheduler: Any = None
        self._stopped = not runs

    def start(self) -> None:
        from bot.scheduler import start_scheduler

        with self._lock:
            if not self._stopped and self._scheduler is None:
                self._scheduler = start_scheduler(self.runtime)

    def stop(self) -> None:
        from bot.scheduler import stop_scheduler

        with self._lock:
            self._stopped = True
            scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            stop_scheduler(scheduler)


def cannot_listen(settings: Settings, exc: OSError, err: TextIO) -> int:
    """The port is taken, or the address is not this machine's: one line, exit status 1."""
    where = f"{settings.host}:{settings.port}"
    print(
        f"nolan: error: cannot listen on {where}: {exc.strerror or exc} (check HOST and PORT)",
        file=err,
    )
    return 1


def stoppable_sleep(seconds: float) -> bool:
    time.sleep(seconds)  # SIGTERM or Ctrl-C interrupts it with KeyboardInterrupt
    return False
