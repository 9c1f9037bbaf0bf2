"""Fakes of Microsoft's services for a Teams bot, over real HTTP on 127.0.0.1, recording calls.

One server plays five services, each under its own path, as Nolan's settings name them:
- OpenID metadata + JWKS of the Bot Framework (`openid_metadata_url`), serving the tests' key;
- the client-credentials token endpoint (`token_url`), issuing signed JWT access tokens;
- the Bot Connector (`service_url`), checking the bearer token it issued and every card;
- Microsoft Graph (`graph_url`): GET /users/{email-or-id};
- OneDrive's upload sessions of file-consent invokes (tests/faketeams/onedrive.py).
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.fakehttp import FakeHTTPServer, LocalHTTPFake, safe

from . import graph
from .connector import (
    TEAMS_PER_CONVERSATION,
    TEAMS_PER_TENANT,
    Connector,
    Fault,
    Reply,
    Throttle,
    error,
)
from .entra import BOT_SCOPE, GRAPH_SCOPE, Entra
from .graph import GraphUser
from .onedrive import OneDrive
from .signing import BOT_FRAMEWORK_ISSUER, signing_key

APP_ID = "00000000-0000-0000-0000-00000000a001"
APP_PASSWORD = "test-client-secret"
TENANT_ID = "00000000-0000-0000-0000-00000000e001"

Predicate = Callable[["Call"], bool]


@dataclass(frozen=True, eq=False)
class Call:
    """One request and what the fake answered. `op` names the operation: openid, jwks, token,
    graph_user, create_conversation, send, reply, update, upload, or unknown."""

    op: str
    method: str
    path: str
    body: Any
    status: int
    response: Any = field(repr=False)
    conversation_id: str | None = None
    activity_id: str | None = None
    at: float = field(default_factory=time.monotonic, repr=False)  # when it was answered


class FakeTeams(LocalHTTPFake):
    """Fake Bot Framework, Entra token endpoint, Bot Connector and Graph (thread-safe)."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.app_id = APP_ID
        self.app_password = APP_PASSWORD
        self.tenant_id = TENANT_ID
        self.clock = clock
        self.connector = Connector(APP_ID, TENANT_ID, clock)
        self.problems = self.connector.problems
        self.onedrive = OneDrive(self.problems)  # the upload sessions of file-consent invokes
        self.users: dict[str, GraphUser] = {}  # lowercase email and object id -> user
        self.entra = Entra(TENANT_ID, APP_ID, APP_PASSWORD, clock)
        self._calls: list[Call] = []

    @property
    def openid_metadata_url(self) -> str:
        return f"{self.base_url}/botframework/v1/.well-known/openidconfiguration"

    @property
    def jwks_url(self) -> str:
        # Beside the metadata, as in the public cloud: the Teams SDK derives it that way.
        return f"{self.base_url}/botframework/v1/.well-known/keys"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/login/{self.tenant_id}/oauth2/v2.0/token"

    @property
    def graph_url(self) -> str:
        return f"{self.base_url}/graph/v1.0"

    def service_url(self, region: str = "emea") -> str:
        """A Bot Connector base URL as activities carry it (trailing slash included)."""
        return f"{self.base_url}/connector/{region}/"

    # -- test set-up ------------------------------------------------------------------------

    def add_user(
        self, email: str, object_id: str, display_name: str | None = None, *,
        installed: bool = True, upn: str | None = None,
    ) -> GraphUser:
        """A person in the tenant: known to Graph (by `upn`, default the email, and object
        id; by the email as `mail` in a $filter), with or without Nolan installed."""
        user = GraphUser(object_id, email, display_name or email.split("@")[0].title(), upn)
        with self._cond:
            self.users[(upn or email).lower()] = self.users[object_id.lower()] = user
            self.connector.set_installed(object_id, installed)
        return user

    def install(self, object_id: str, installed: bool = True) -> None:
        """Nolan installed for (or removed from) a person or a channel."""
        with self._cond:
            self.connector.set_installed(object_id, installed)

    def add_channel(
        self, conversation_id: str, installed: bool = True, region: str | None = None
    ) -> None:
        """A Teams channel (19:…@thread.tacv2) the bot can post to if installed in its team;
        with `region`, only at that region's service URL (as `service_url(region)`)."""
        with self._cond:
            self.connector.add_channel(conversation_id, installed, region)

    def fail_next(
        self, op: str, status: int = 429, *, retry_after: int | None = None, times: int = 1,
        conversation_id: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `op` (create_conversation, send, reply, update,
        token, graph_user) with `status` — 429 with Retry-After, 403, 412, 502, 504…"""
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._cond:
            self.connector.faults.setdefault(op, deque()).append(
                Fault(status, retry_after, times, conversation_id)
            )

    def throttle_like_teams(
        self,
        per_conversation: tuple[tuple[float, int], ...] = TEAMS_PER_CONVERSATION,
        per_tenant: tuple[tuple[float, int], ...] = TEAMS_PER_TENANT,
    ) -> None:
        """From now on answer 429 + Retry-After to sends beyond Teams' rates."""
        with self._cond:
            self.connector.throttle = Throttle(per_conversation, per_tenant)

    def upload_session(self, name: str) -> dict[str, Any]:
        """A OneDrive upload session for `name`, as a file-consent invoke's uploadInfo."""
        with self._cond:
            return self.onedrive.open(name).upload_info(self.base_url)

    def expire_tokens(self) -> None:
        """Every access token issued so far stops working (as after an hour)."""
        with self._cond:
            self.entra.expire()

    def reset(self) -> None:
        """Forget calls, problems and pending faults (people, chats and messages stay)."""
        with self._cond:
            self._calls.clear()
            self.problems.clear()
            self.connector.faults.clear()

    # -- queries ----------------------------------------------------------------------------

    def calls(self, op: str | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if op is None or c.op == op]

    def delivered(self, conversation_id: str | None = None) -> list[Call]:
        """Messages the connector accepted (sends and replies), in order."""
        return [
            c for c in self.calls()
            if c.op in ("send", "reply") and c.status < 300
            and conversation_id in (None, c.conversation_id)
        ]

    def activity(self, conversation_id: str, activity_id: str) -> dict[str, Any]:
        """The message as it now stands (after any updates)."""
        with self._cond:
            return self.connector.conversations[conversation_id].activities[activity_id][-1]

    def versions(self, conversation_id: str, activity_id: str) -> list[dict[str, Any]]:
        with self._cond:
            return list(self.connector.conversations[conversation_id].activities[activity_id])

    def conversation_of(self, object_id: str) -> str:
        """The id of a person's 1:1 chat with the bot."""
        return self.connector.personal_id(object_id)

    def wait_for(
        self, op: str, predicate: Predicate = lambda _: True, timeout: float = 15.0,
        count: int = 1,
    ) -> Call:
        """Wait until `count` calls of `op` match `predicate`; return the count-th."""

        def find() -> tuple[Call | None, int]:
            matches = [c for c in self._calls if c.op == op and safe(predicate, c)]
            return (matches[count - 1] if len(matches) >= count else None), len(matches)

        def failure(found: int) -> str:
            seen = "\n".join(f"  {c.op} {c.status} {c.path}" for c in self._calls)
            return (f"timed out waiting for {count} matching {op} call(s), found {found}; "
                    f"calls seen:\n{seen}")

        return self._wait_until(find, timeout, failure)

    def assert_clean(self) -> None:
        """Fail if any request broke the services' contract (call at teardown)."""
        with self._cond:
            if self.problems:
                raise AssertionError(
                    "Teams contract problems:\n" + "\n".join(f"  - {p}" for p in self.problems)
                )

    # -- request handling (server threads) ------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> Reply:
        url = urlsplit(target)
        parts = [unquote(p) for p in url.path.split("/")[1:]]
        if method == "PUT" and parts[:1] == ["onedrive"]:
            self.onedrive.wait_until_open()  # outside the lock: other calls go on
        with self._cond:
            op, conversation_id, activity_id, reply = self._route(
                method, parts, headers, raw, url.query
            )
            body = None if op == "upload" else _parse(raw, headers)  # a file's bytes: kept apart
            self._calls.append(
                Call(op, method, url.path, body, reply[0], reply[2], conversation_id, activity_id)
            )
            self._cond.notify_all()
        return reply

    def _route(
        self, method: str, parts: list[str], headers: dict[str, str], raw: bytes, query: str = ""
    ) -> tuple[str, str | None, str | None, Reply]:
        match method, parts:
            case "GET", ["botframework", "v1", ".well-known", "openidconfiguration"]:
                return "openid", None, None, (200, {}, self._openid())
            case "GET", ["botframework", "v1", ".well-known", "keys"]:
                return "jwks", None, None, (200, {}, {"keys": [signing_key().public_jwk()]})
            case "POST", ["login", tenant, "oauth2", "v2.0", "token"]:
                return "token", None, None, self._fault("token") or self.entra.token(tenant, raw)
            case "GET", ["graph", "v1.0", "users", key]:
                reply = self.entra.authorised(headers, GRAPH_SCOPE) or self._fault("graph_user")
                return "graph_user", None, None, reply or graph.user(self.users, key)
            case "PUT", ["onedrive", "upload", session_id]:
                return "upload", None, None, self.onedrive.put(session_id, headers, raw)
            case "GET", ["onedrive", "upload", session_id]:
                return "upload_status", None, None, self.onedrive.status(session_id)
            case "GET", ["graph", "v1.0", "users"]:
                reply = self.entra.authorised(headers, GRAPH_SCOPE) or self._fault("graph_users")
                return "graph_users", None, None, reply or graph.users_by_mail(
                    self.users, query, self.problems
                )
            case _, ["connector", region, "v3", "conversations", *rest]:
                return self._connector(method, rest, headers, raw, region)
        self.problems.append(f"{method} /{'/'.join(parts)}: not a call these services have")
        return "unknown", None, None, error(404, "Not found", "NotFound")

    def _connector(
        self, method: str, rest: list[str], headers: dict[str, str], raw: bytes, region: str
    ) -> tuple[str, str | None, str | None, Reply]:
        denied = self.entra.authorised(headers, BOT_SCOPE, connector=True)
        match method, rest:
            case "POST", []:
                op, cid, aid = "create_conversation", None, None
            case "POST", [cid, "activities"]:
                op, aid = "send", None
            case "POST", [cid, "activities", aid]:
                op = "reply"
            case "PUT", [cid, "activities", aid]:
                op = "update"
            case _:
                self.problems.append(f"{method} connector /v3/conversations/{'/'.join(rest)}: "
                                     "not a call the fake connector supports")
                return "unknown", None, None, error(404, "Not found", "NotFound")
        reply = denied or self.connector.elsewhere(cid, region)
        reply = reply or self.connector.take_fault(op, cid)
        if reply is None and op != "create_conversation":
            reply = self.connector.throttled(cid)
        if reply is None:
            match op:
                case "create_conversation":
                    reply = self.connector.create_conversation(_parse(raw, headers))
                case "send":
                    reply = self.connector.send(cid, raw)
                case "reply":
                    reply = self.connector.send(cid, raw, reply_to=aid)
                case _:
                    reply = self.connector.update(cid, aid, raw)
        if op == "send" and reply[0] < 300:
            aid = reply[2]["id"]
        return op, cid, aid, reply

    def _openid(self) -> dict[str, Any]:
        return {
            "issuer": BOT_FRAMEWORK_ISSUER,
            "authorization_endpoint": "https://invalid.botframework.com",
            "jwks_uri": self.jwks_url,
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        }

    def _fault(self, op: str) -> Reply | None:
        return self.connector.take_fault(op, None)


def _parse(raw: bytes, headers: dict[str, str]) -> Any:
    if "json" in headers.get("content-type", ""):
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode("utf-8", "replace")
    if raw:
        return {k: v[-1] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
    return None


class _Handler(BaseHTTPRequestHandler):
    server: FakeHTTPServer
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, extra, body = self.server.fake.handle(self.command, self.path, headers, raw)
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
        return


FakeTeams.handler = _Handler  # defined below the class it serves
