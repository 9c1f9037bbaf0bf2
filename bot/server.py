"""HTTP mode on waitress (a production WSGI server): GET /health beside POST /slack/events on
Slack, or POST /api/messages on Teams (bot.teams.edge)."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from sqlalchemy import text

from bot.app import outbox_of
from bot.teams.paths import MAX_BODY as TEAMS_MAX_BODY
from bot.teams.paths import MESSAGES_PATH
from handlers.context import PAYLOAD
from handlers.edge import MAX_BODY, Refusal, admit
from storage.db import Database

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
EVENTS_PATH = "/slack/events"
# Seconds between looks at a Socket Mode close that has not ended (close_socket_handler).
CLOSE_CHECK = 0.5


class Readiness(Protocol):
    @property
    def reached(self) -> bool: ...


# Bolt takes a body already parsed only in the mode of a request that no signature vouches
# for (Socket Mode's: the connection does), and skips its own signature check in it. The edge
# has checked the signature and parsed the body, so handing Bolt its reading in that mode
# spares hashing and parsing every request twice, and the typed payload is passed on too
# (issue 10). Bolt still checks any request made in HTTP mode: none reaches it but here.
CHECKED = "socket_mode"


class EdgeHandler(SlackRequestHandler):
    """Bolt's WSGI adapter behind the edge (handlers.edge): signed, then well-formed."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        try:
            length = max(int(request.environ.get("CONTENT_LENGTH") or 0), 0)
        except ValueError:
            length = 0
        stream = request.environ.get("wsgi.input")
        # One byte past the limit is enough for the edge to refuse it; the rest stays unread.
        raw = stream.read(min(length, MAX_BODY + 1)) if stream is not None else b""
        headers = {k: v for k, v in request.get_headers().items() if isinstance(v, str)}
        verdict = admit(raw, headers, self.app._signing_secret)
        if isinstance(verdict, Refusal):
            return BoltResponse(status=verdict.status, body=verdict.reason)
        try:
            bolt_request = BoltRequest(
                body=verdict.fields,
                query=request.query_string,
                headers=headers,
                context={PAYLOAD: verdict.payload},
                mode=CHECKED,
            )
        except Exception as exc:  # Bolt's own reading of a shape the models let through
            log.warning("Refused a request Bolt could not read (400): %r", exc)
            return BoltResponse(status=400, body="unreadable request")
        return self.app.dispatch(bolt_request)


def wsgi_app(app: App, db: Database, slack_status: Readiness | None = None) -> WSGIApp:
    """`slack_status`: whether Slack has been reached yet (None: not tracked)."""
    slack = EdgeHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/health" and environ.get("REQUEST_METHOD") == "GET":
            status, body = _health(db, slack_status)
            payload = json.dumps(body).encode()
            start_response(status, [("Content-Type", "application/json")])
            return [payload]
        return slack(environ, start_response)

    return application


def teams_wsgi_app(edge: WSGIApp, db: Database) -> WSGIApp:
    """Teams: Bot Framework activities at POST /api/messages (`edge`), and /health."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == "/health" and method == "GET":
            status, body = _health(db, None)
        elif path == MESSAGES_PATH:
            return edge(environ, start_response)
        else:
            status, body = "404 Not Found", {"error": "not found"}
        payload = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json")])
        return [payload]

    return application


def _health(db: Database, slack_status: Readiness | None) -> tuple[str, dict[str, str]]:
    if slack_status is not None and not slack_status.reached:
        # Serving already, but still trying to reach Slack (see bot.serve).
        return "503 Service Unavailable", {"status": "starting", "slack": "unreachable"}
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # health reports any failure; it never raises
        return "503 Service Unavailable", {"status": "error", "database": type(exc).__name__}
    return "200 OK", {"status": "ok"}


def make_server(
    app: App, db: Database, host: str, port: int, *, slack: Readiness | None = None,
    threads: int = 8, sockets: Sequence[socket.socket] = (),
) -> Any:
    """A waitress server, not yet serving; `.run()` serves, `.close()` stops. `threads`:
    requests handled at once (Settings.request_threads). `sockets`: already listening (bound
    by bot.processes' parent), served in place of binding host:port."""
    return _waitress(wsgi_app(app, db, slack), (host, port, sockets), MAX_BODY, threads)


def make_teams_server(
    edge: WSGIApp, db: Database, host: str, port: int, *, threads: int = 8,
    sockets: Sequence[socket.socket] = (),
) -> Any:
    """The Teams mode's waitress server (no Bolt app), not yet serving."""
    return _waitress(teams_wsgi_app(edge, db), (host, port, sockets), TEAMS_MAX_BODY, threads)


def _waitress(
    application: WSGIApp,
    where: tuple[str, int, Sequence[socket.socket]],
    max_body: int,
    threads: int,
) -> Any:
    # Imported here: a process loads only the server of the mode it runs in.
    from waitress.server import create_server

    host, port, sockets = where
    listen: dict[str, Any] = {"sockets": list(sockets)} if sockets else {"host": host, "port": port}
    return create_server(
        application,
        **listen,
        threads=threads,
        ident="nolan",
        # waitress answers 413 itself past this, before the edge reads a byte.
        max_request_body_size=4 * max_body,
    )


def make_socket_handler(app: App, app_token: str) -> Any:
    """Socket Mode: Slack connects out from here, so no public URL is needed. The same Web
    API client (and so SLACK_API_URL) opens the connection."""
    # Imported here: a process loads only the server of the mode it runs in.
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    return SocketModeHandler(app, app_token, web_client=app.client)


def close_socket_handler(runner: Any) -> None:
    """Close Socket Mode's connection and its threads. slack_sdk's built-in client (3.48) can
    wait forever in close(): if its session thread starts on the new connection just as
    close() comes, it clears the `terminated` mark close() set and then loops on the closed
    socket, close() joining it. Marking it again, while close() waits, lets it end."""
    closing = threading.Thread(target=runner.close, name="nolan-socket-close", daemon=True)
    closing.start()
    closing.join(CLOSE_CHECK)
    while closing.is_alive():
        runner.client.current_session_state.terminated = True
        closing.join(CLOSE_CHECK)


def drain(app: App) -> None:
    """Let listeners that acked and went on working finish before exit, then stop the
    delivery worker after the message in hand (what is still queued goes at the next start)."""
    app.listener_runner.listener_executor.shutdown(wait=True)
    outbox_of(app).stop()
