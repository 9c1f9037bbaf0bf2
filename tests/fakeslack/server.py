"""A fake Slack Web API over real HTTP, for end-to-end tests of the bot.

Point slack_sdk at it with WebClient(base_url=fake.api_url) or SLACK_API_URL=fake.api_url.
Every request is checked against Slack's contract (see contract.py); anything wrong lands
in fake.problems, and the call answers {"ok": false, "error": "invalid_arguments"}.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from typing import Any, Self
from urllib.parse import parse_qsl, unquote, urlsplit
from zoneinfo import ZoneInfo

from tests.fakehttp import FakeHTTPServer, LocalHTTPFake, safe

from . import contract
from .throttle import PostingThrottle

TEAM_ID = "T1"
TEAM_DOMAIN = "nolan-test"
APP_ID = "A1"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
# Slack honours a response_url at most 5 times (within 30 minutes).
RESPONSE_URL_LIMIT = 5

Predicate = Callable[["Call"], bool]


# eq=False: a Call is one event; two identical posts must stay distinguishable (list.index).
@dataclass(frozen=True, eq=False)
class Call:
    """One accepted request. For response_url posts, method is "response_url" and
    response_name is the NAME from fake.response_url(NAME). `response` is what the fake
    answered (e.g. the DM channel and ts of a chat.postMessage)."""

    method: str
    args: dict[str, Any]
    token: str | None
    response_name: str | None = None
    response: dict[str, Any] = field(default_factory=dict, repr=False)
    at: float = field(default_factory=time.monotonic, repr=False)  # when it was accepted


@dataclass(frozen=True)
class Rejected:
    """A request the fake answered with an error: injected fault or contract problem."""

    method: str
    args: dict[str, Any]
    token: str | None
    status: int
    error: str


@dataclass(frozen=True)
class Upload:
    """A file shared by files.completeUploadExternal: its bytes as uploaded to the URL that
    files.getUploadURLExternal handed out."""

    file_id: str
    filename: str
    title: str | None
    alt_txt: str | None
    channel_id: str | None
    initial_comment: str | None
    data: bytes


@dataclass
class _Fault:
    status: int
    error: str
    retry_after: int | None
    times: int
    channel: str | None = None  # only calls to this channel (None: any)


def _any(_: Call) -> bool:
    return True


def _summary(method: str, args: dict[str, Any]) -> str:
    text = json.dumps(args, default=str)
    return f"{method} {text[:200]}{'…' if len(text) > 200 else ''}"


class FakeSlack(LocalHTTPFake):
    """Fake Slack Web API + response_url endpoint on 127.0.0.1 (thread-safe)."""

    def __init__(self) -> None:
        super().__init__()  # self._cond guards all mutable state below
        self.users: dict[str, dict[str, Any]] = {}  # lowercase email -> Slack user object
        self.socket_url: str | None = None  # what apps.connections.open hands out
        self.problems: list[str] = []
        self.rejected: list[Rejected] = []
        self._calls: list[Call] = []
        self._faults: dict[str, deque[_Fault]] = {}
        self._refused: dict[str, _Fault] = {}  # refuse(): every call, until release()
        self.throttle: PostingThrottle | None = None  # throttle_posting(): Slack's 1/s/channel
        # Seconds each Web API call takes to answer (benchmarks: Slack's own is tens to
        # hundreds of milliseconds; a fake answering at once hides a sender's waiting).
        self.latency = 0.0
        # The bot's idle barrier, when the test has one: assert_no_call waits on it.
        self.idle: Callable[[], object] | None = None
        self._counter = itertools.count(1)
        self._triggers_issued: set[str] = set()
        self._triggers_used: set[str] = set()
        self._response_url_posts: Counter[str] = Counter()
        self._external_view_ids: dict[str, str] = {}
        # files.getUploadURLExternal's answers: file id -> its arguments and bytes, once sent.
        self._upload_urls: dict[str, dict[str, Any]] = {}
        self._uploaded: dict[str, bytes] = {}
        self._uploads: list[Upload] = []

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, port: int = 0) -> Self:
        contract.known_method("auth.test")  # load the spec now so a missing file fails loudly
        return super().start(port)

    @property
    def api_url(self) -> str:
        """Base URL for WebClient(base_url=...) / SLACK_API_URL (trailing slash included)."""
        return f"{self.base_url}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.base_url}/response/{name}"

    # -- test set-up -----------------------------------------------------------------------

    def add_user(
        self,
        email: str,
        user_id: str,
        name: str | None = None,
        tz: str = "Europe/London",
        *,
        real_name: str | None = None,
        is_bot: bool = False,
        deleted: bool = False,
    ) -> dict[str, Any]:
        """Register a workspace member for users.lookupByEmail / users.info."""
        name = name or email.split("@")[0].lower()
        real_name = real_name or (name if " " in name else name.replace(".", " ").title())
        now = datetime.now(ZoneInfo(tz))
        offset = now.utcoffset()
        user = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "deleted": deleted,
            "real_name": real_name,
            "tz": tz,
            "tz_label": now.tzname(),  # real Slack gives a long name, e.g. "Greenwich Mean Time"
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "profile": {
                "real_name": real_name,
                "real_name_normalized": real_name,
                "display_name": name,
                "display_name_normalized": name,
                "email": email,
                "team": TEAM_ID,
            },
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": 1700000000,
        }
        with self._cond:
            self.users[email.lower()] = user
        return user

    def new_trigger_id(self) -> str:
        """A trigger_id the bot may use once for views.open/views.push."""
        with self._cond:
            n = next(self._counter)
            trigger = f"{1700000000 + n}.{TEAM_ID[1:]}{n:04d}.{n:032x}"
            self._triggers_issued.add(trigger)
        return trigger

    def fail_next(
        self, method: str, status: int = 429, retry_after: int = 1, times: int = 1
    ) -> None:
        """Answer the next `times` calls of `method` with HTTP `status` (429 + Retry-After,
        or e.g. 500/503 with a fatal_error body). `method` may also be "response_url"."""
        error = "ratelimited" if status == 429 else "fatal_error"
        with self._cond:
            self._faults.setdefault(method, deque()).append(
                _Fault(status, error, retry_after if status == 429 else None, times)
            )

    def slack_error_next(
        self, method: str, error: str = "channel_not_found", times: int = 1,
        channel: str | None = None,
    ) -> None:
        """Answer the next call(s) of `method` (to `channel`, if given: the bot sends to
        several people at once, in no set order) with HTTP 200 {"ok": false, "error": error}."""
        with self._cond:
            self._faults.setdefault(method, deque()).append(
                _Fault(200, error, None, times, channel)
            )

    def refuse(self, method: str, status: int = 503, retry_after: int | None = 3) -> None:
        """Answer every call of `method` with HTTP `status` (and Retry-After) until
        `release(method)`: Slack down for as long as a test needs, with no timing."""
        error = "ratelimited" if status == 429 else "service_unavailable"
        with self._cond:
            self._refused[method] = _Fault(status, error, retry_after, 0)

    def throttle_posting(self, per_second: int = 1) -> PostingThrottle:
        """From now on answer 429 + Retry-After to posts beyond `per_second` a channel."""
        with self._cond:
            self.throttle = PostingThrottle(per_second)
            return self.throttle

    def release(self, method: str) -> None:
        """Answer `method` again: end `refuse`, and drop its faults not yet met."""
        with self._cond:
            self._refused.pop(method, None)
            self._faults.pop(method, None)

    def reset(self) -> None:
        """Forget calls, rejections, problems and pending faults (users and socket_url stay)."""
        with self._cond:
            self._calls.clear()
            self.rejected.clear()
            self.problems.clear()
            self._faults.clear()
            self._refused.clear()
            self._response_url_posts.clear()

    # -- queries ---------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if method is None or c.method == method]

    def uploads(self, channel_id: str | None = None) -> list[Upload]:
        """Files shared (completed uploads), optionally only those in one channel."""
        with self._cond:
            return [u for u in self._uploads if channel_id is None or u.channel_id == channel_id]

    def responses(self, method: str) -> list[dict[str, Any]]:
        """What the fake answered to each call of `method` (parallel to calls(method))."""
        return [c.response for c in self.calls(method)]

    def wait_for(
        self,
        method: str,
        predicate: Predicate = _any,
        timeout: float = 15.0,  # generous: a busy CI machine, not a slow bot
        count: int = 1,
    ) -> Call:
        """Wait until `count` calls of `method` match `predicate`; return the count-th one.

        A predicate that raises (e.g. KeyError on a call without that arg) counts as no match.
        """

        def find() -> tuple[Call | None, int]:
            matches = [c for c in self._calls if c.method == method and safe(predicate, c)]
            return (matches[count - 1] if len(matches) >= count else None), len(matches)

        return self._wait_until(find, timeout, lambda found: (
            f"timed out after {timeout}s waiting for {count} matching {method} "
            f"call(s), found {found}.\n{self._report()}"
        ))

    def assert_no_call(self, method: str, predicate: Predicate = _any, settle: float = 0.3) -> None:
        """Wait for the bot to be idle (its barrier, `idle`), or else give it `settle`
        seconds; then assert no matching call happened."""
        if self.idle is not None:
            self.idle()
        else:
            time.sleep(settle)
        with self._cond:
            matches = [c for c in self._calls if c.method == method and safe(predicate, c)]
            if matches:
                raise AssertionError(
                    f"unexpected {method} call(s):\n"
                    + "\n".join(f"  {_summary(c.method, c.args)}" for c in matches)
                )

    def assert_clean(self) -> None:
        """Fail if any request broke Slack's contract (call this at teardown)."""
        with self._cond:
            if self.problems:
                raise AssertionError(
                    "Slack contract problems:\n" + "\n".join(f"  - {p}" for p in self.problems)
                )

    def _report(self) -> str:
        lines = ["calls seen:"] + [f"  {_summary(c.method, c.args)}" for c in self._calls]
        if self.rejected:
            lines += ["rejected:"] + [
                f"  [{r.status} {r.error}] {_summary(r.method, r.args)}" for r in self.rejected
            ]
        if self.problems:
            lines += ["problems:"] + [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    # -- request handling (called from server threads) ------------------------------------

    def _take_fault(self, method: str, args: dict[str, Any]) -> _Fault | None:
        queue = self._faults.get(method)
        fault = next(
            (f for f in queue or () if f.channel in (None, args.get("channel"))), None
        )
        if fault is None or queue is None:
            return None
        fault.times -= 1
        if fault.times <= 0:
            queue.remove(fault)
        return fault

    def _reject(
        self, method: str, args: dict[str, Any], token: str | None, status: int, error: str
    ) -> None:
        self.rejected.append(Rejected(method, args, token, status, error))
        self._cond.notify_all()

    def handle_api(
        self, method: str, args: dict[str, Any], token: str | None, problems: list[str]
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        """Process one /api/<method> request; returns (status, extra headers, JSON body)."""
        if self.latency:
            time.sleep(self.latency)
        with self._cond:
            fault = self._refused.get(method) or self._take_fault(method, args)
            wait = self.throttle.retry_after(method, args) if self.throttle and not fault else None
            if wait is not None:
                fault = _Fault(429, "ratelimited", wait, 1)
            if fault is not None:
                self._reject(method, args, token, fault.status, fault.error)
                headers = (
                    {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
                )
                return fault.status, headers, {"ok": False, "error": fault.error}
            if not contract.known_method(method):
                problems = [*problems, f"unknown method {method!r} (not in Slack's Web API)"]
                error = "unknown_method"
            else:
                problems = [*problems, *self._check(method, args, token)]
                error = "invalid_arguments"
            if problems:
                self.problems.extend(f"{method}: {p}" for p in problems)
                self._reject(method, args, token, 200, error)
                body: dict[str, Any] = {"ok": False, "error": error}
                body["response_metadata"] = {"messages": problems}
                return 200, {}, body
            # Ordinary error answers (users_not_found, ...) are still calls the bot made.
            body = self._respond(method, args)
            self._calls.append(Call(method, args, token, response=body))
            self._cond.notify_all()
            return 200, {}, body

    def handle_response_url(
        self, name: str, body: dict[str, Any], problems: list[str]
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        method = "response_url"
        with self._cond:
            fault = self._take_fault(method, {})
            if fault is not None:
                self._reject(method, body, None, fault.status, fault.error)
                headers = (
                    {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
                )
                return fault.status, headers, {"ok": False, "error": fault.error}
            self._response_url_posts[name] += 1
            if self._response_url_posts[name] > RESPONSE_URL_LIMIT:
                problems = [*problems, f"{name}: used more than {RESPONSE_URL_LIMIT} times"]
            if not body.get("delete_original"):
                problems = [*problems, *contract.message_problems(body, name)]
            if body.get("response_type") not in (None, "ephemeral", "in_channel"):
                problems.append(f"{name}: response_type must be 'ephemeral' or 'in_channel'")
            if problems:
                self.problems.extend(f"{method}: {p}" for p in problems)
                self._reject(method, body, None, 200, "invalid_arguments")
                return 200, {}, {"ok": False, "error": "invalid_arguments"}
            answer = {"ok": True}
            self._calls.append(Call(method, body, None, response_name=name, response=answer))
            self._cond.notify_all()
            return 200, {}, answer

    def _check(self, method: str, args: dict[str, Any], token: str | None) -> list[str]:
        problems = [
            f"missing required argument {name!r}"
            for name in contract.missing_required(method, args)
        ]
        if not token:
            problems.append("no token (Slack answers not_authed)")
        elif method == "apps.connections.open" and not token.startswith("xapp-"):
            problems.append("apps.connections.open needs the app-level (xapp-) token")
        elif method != "apps.connections.open" and token.startswith("xapp-"):
            problems.append("app-level (xapp-) token used for a Web API method")
        if method in contract.MESSAGE_METHODS:
            problems += contract.message_problems(args, "message")
        elif method in contract.VIEW_METHODS and "view" in args:
            expected = {"views.open": "modal", "views.push": "modal", "views.publish": "home"}
            problems += contract.view_problems(args["view"], "", expected.get(method))
        if method == "views.update" and not (args.get("view_id") or args.get("external_id")):
            problems.append("views.update needs view_id or external_id")
        if method == "conversations.open" and not (args.get("users") or args.get("channel")):
            problems.append("conversations.open needs users or channel")
        if method in ("views.open", "views.push") and args.get("trigger_id"):
            trigger = args["trigger_id"]
            if trigger not in self._triggers_issued:
                problems.append(f"trigger_id {trigger!r} was never issued (use new_trigger_id())")
            elif trigger in self._triggers_used:
                problems.append(f"trigger_id {trigger!r} reused (Slack allows one use)")
            else:
                self._triggers_used.add(trigger)
        if method == "apps.connections.open" and self.socket_url is None:
            problems.append("apps.connections.open called but fake.socket_url is not set")
        return problems

    def _next_ts(self) -> str:
        micros = 1_700_000_000_000_100 + next(self._counter) * 100
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _user_by_id(self, user_id: str) -> dict[str, Any] | None:
        return next((u for u in self.users.values() if u["id"] == user_id), None)

    def _respond(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = _RESPONDERS.get(method)
        return handler(self, args) if handler else {"ok": True}

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": "Nolan Test",
            "user": "nolan",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _message(self, args: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "user": BOT_USER_ID,
            "type": "message",
            "ts": ts,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "text": args.get("text", ""),
            "team": TEAM_ID,
        }
        if "blocks" in args:
            message["blocks"] = args["blocks"]
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        return message

    def _post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args["channel"])
        if channel[:1] in ("U", "W"):
            channel = "D" + channel  # posting to a user id lands in the app's DM with them
        ts = self._next_ts()
        return {"ok": True, "channel": channel, "ts": ts, "message": self._message(args, ts)}

    def _update(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = str(args["ts"])
        return {
            "ok": True,
            "channel": args["channel"],
            "ts": ts,
            "text": args.get("text", ""),
            "message": self._message(args, ts),
        }

    def _post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            return {"ok": True, "channel": {"id": args["channel"]}}
        users = str(args["users"]).split(",")
        if len(users) > 1:
            return {"ok": True, "channel": {"id": "G" + "".join(u.strip() for u in users)}}
        return {"ok": True, "channel": {"id": "D" + users[0].strip()}}

    def _view(self, args: dict[str, Any]) -> dict[str, Any]:
        submitted = args["view"]
        view_id = args.get("view_id") or ""
        external_id = args.get("external_id") or submitted.get("external_id") or ""
        if not view_id and external_id:
            view_id = self._external_view_ids.get(external_id, "")
        if not view_id:
            view_id = f"V{next(self._counter):09d}"
        if external_id:
            self._external_view_ids[external_id] = view_id
        view = {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": submitted.get("type"),
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{next(self._counter):08x}",
            "clear_on_close": False,
            "notify_on_close": False,
            "close": None,
            "submit": None,
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "external_id": external_id,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
            **submitted,
        }
        view["id"] = view_id
        return {"ok": True, "view": view}

    def _lookup_by_email(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args["email"]).lower())
        return {"ok": True, "user": user} if user else {"ok": False, "error": "users_not_found"}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._user_by_id(str(args["user"]))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.socket_url}

    def _get_upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._counter):09d}"
        self._upload_urls[file_id] = dict(args)
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def handle_upload(self, file_id: str, data: bytes) -> tuple[int, bytes]:
        """The upload URL: takes the file's bytes (once, and exactly `length` of them)."""
        with self._cond:
            asked = self._upload_urls.get(file_id)
            if asked is None:
                return 404, b"unknown upload URL"
            problem = None
            if file_id in self._uploaded:
                problem = f"upload URL for {file_id} used twice"
            elif str(len(data)) != str(asked.get("length")):
                problem = f"{file_id}: {len(data)} bytes sent, length said {asked.get('length')}"
            if problem:
                self.problems.append(f"upload: {problem}")
                return 400, problem.encode()
            self._uploaded[file_id] = data
            return 200, f"OK - {len(data)}".encode()

    def _complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            files = json.loads(args["files"]) if isinstance(args["files"], str) else args["files"]
        except json.JSONDecodeError:
            return {"ok": False, "error": "invalid_arguments"}
        shared = []
        for entry in files:
            file_id = entry.get("id")
            if file_id not in self._uploaded:
                self.problems.append(f"files.completeUploadExternal: {file_id} never uploaded")
                return {"ok": False, "error": "file_not_found"}
            asked = self._upload_urls[file_id]
            upload = Upload(
                file_id=file_id,
                filename=str(asked.get("filename")),
                title=entry.get("title"),
                alt_txt=asked.get("alt_txt"),
                channel_id=args.get("channel_id"),
                initial_comment=args.get("initial_comment"),
                data=self._uploaded[file_id],
            )
            self._uploads.append(upload)
            shared.append({"id": file_id, "name": upload.filename, "title": upload.title or ""})
        return {"ok": True, "files": shared}


_RESPONDERS: dict[str, Callable[[FakeSlack, dict[str, Any]], dict[str, Any]]] = {
    "auth.test": FakeSlack._auth_test,
    "chat.postMessage": FakeSlack._post_message,
    "chat.update": FakeSlack._update,
    "chat.postEphemeral": FakeSlack._post_ephemeral,
    "conversations.open": FakeSlack._conversations_open,
    "views.open": FakeSlack._view,
    "views.push": FakeSlack._view,
    "views.update": FakeSlack._view,
    "views.publish": FakeSlack._view,
    "users.lookupByEmail": FakeSlack._lookup_by_email,
    "users.info": FakeSlack._users_info,
    "apps.connections.open": FakeSlack._connections_open,
    "files.getUploadURLExternal": FakeSlack._get_upload_url,
    "files.completeUploadExternal": FakeSlack._complete_upload,
}


def _decode_json_args(args: dict[str, Any]) -> list[str]:
    """slack_sdk form-encodes blocks/view as JSON strings; record them as Python objects."""
    problems = []
    for key in contract.JSON_ARGS:
        value = args.get(key)
        if isinstance(value, str):
            try:
                args[key] = json.loads(value)
            except json.JSONDecodeError as exc:
                problems.append(f"{key}: not valid JSON ({exc})")
    return problems


class _Handler(BaseHTTPRequestHandler):
    server: FakeHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet; calls are inspectable on the fake

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _send(self, status: int, headers: dict[str, str], body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if url.path.startswith("/upload/"):  # a file's bytes, whatever the Content-Type
            status, answer = self.server.fake.handle_upload(url.path.removeprefix("/upload/"), raw)
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            return
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        problems: list[str] = []
        body: Any = {}
        if raw:
            if ctype == "application/json":
                try:
                    body = json.loads(raw)
                except json.JSONDecodeError as exc:
                    problems.append(f"body is not valid JSON ({exc})")
                if not isinstance(body, dict):
                    problems.append("JSON body must be an object")
                    body = {}
            elif ctype in ("application/x-www-form-urlencoded", ""):
                body = dict(parse_qsl(raw.decode(), keep_blank_values=True))
            else:
                problems.append(f"unsupported Content-Type {ctype!r}")
        fake = self.server.fake
        if url.path.startswith("/response/"):
            if ctype != "application/json":
                problems.append("response_url needs a JSON body")
            name = unquote(url.path.removeprefix("/response/"))
            self._send(*fake.handle_response_url(name, body, problems))
            return
        if not url.path.startswith("/api/"):
            self._send(404, {}, {"ok": False, "error": "not_found"})
            return
        method = url.path.removeprefix("/api/")
        args: dict[str, Any] = dict(parse_qsl(url.query, keep_blank_values=True))
        args.update(body)
        token = None
        auth = self.headers.get("Authorization") or ""
        if auth.startswith("Bearer "):
            token = auth.removeprefix("Bearer ").strip()
        if "token" in args:
            if ctype == "application/json" and "token" in body and not token:
                problems.append("token in a JSON body is ignored by Slack; use Authorization")
            token = token or str(args.pop("token"))
            args.pop("token", None)
        problems += _decode_json_args(args)
        self._send(*fake.handle_api(method, args, token, problems))


FakeSlack.handler = _Handler  # defined below the class it serves
