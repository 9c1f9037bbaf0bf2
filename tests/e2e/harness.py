"""Runs the real bot (HTTP mode on waitress) against the fake Slack Web API, and speaks to
it the way Slack does: signed requests with real payload shapes."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import col, select

from bot.app import create_app, outbox_of, settle
from bot.pacing import Pace, Pacer
from bot.server import drain, make_server
from bot.settings import Policy, Settings
from storage import staff
from storage.db import Database
from storage.models import Staff
from storage.types import utcnow
from tests.fakeslack import (
    FakeSlack,
    block_actions_form,
    contract,
    event_callback_payload,
    post,
    slash_command_form,
    view_state,
    view_submission_form,
)
from tests.fakeslack.server import Call
from tests.serving import Serving

SECRET = "e2e-signing-secret"


@dataclass
class Clock:
    """An injected clock the tests move by hand; nothing sleeps to pass time."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 20, 10, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    @property
    def today(self) -> date:
        return self.now.date()


@dataclass(frozen=True)
class Person:
    key: str
    email: str
    name: str
    slack_id: str
    manager: str | None = None
    roles: str = ""


ORG = [
    Person("head", "head@opcc.example", "Harriet Head", "UHEAD", roles="head_of_office"),
    Person("mo", "mo@opcc.example", "Morgan Monitor", "UMO", "head", "monitoring_officer"),
    Person("manager", "manager@opcc.example", "Manny Manager", "UMGR", "head"),
    Person("alice", "alice@opcc.example", "Alice Able", "UALICE", "manager"),
    Person("eve", "eve@opcc.example", "Eve Other", "UEVE", "manager"),
    Person("bob", "bob@opcc.example", "Bob Loner", "UBOB"),
    Person("vetting", "vetting@opcc.example", "Vera Vetting", "UVET", "head", "vetting_officer"),
]


def seed_org(db: Database, people: list[Person] = ORG) -> dict[str, Staff]:
    with db.session() as session:
        rows: dict[str, Staff] = {}
        for p in people:
            row = Staff(email=p.email, name=p.name, slack_user_id=p.slack_id, roles=p.roles)
            session.add(row)
            rows[p.key] = row
        session.flush()
        for p in people:
            if p.manager:
                rows[p.key].line_manager_id = rows[p.manager].id
        session.commit()
        ids = {v.id: k for k, v in rows.items()}
        return {ids[s.id]: s for s in session.exec(select(Staff).where(col(Staff.id).in_(ids)))}


class Nolan:
    """The bot under test, serving on a free port."""

    def __init__(
        self,
        fake: FakeSlack,
        db: Database,
        clock: Clock,
        policy: Policy | None = None,
        **settings: Any,
    ) -> None:
        """`settings`: any other setting the bot runs with (Settings' fields)."""
        self.fake, self.db, self.clock = fake, db, clock
        self.policy = policy or Policy()
        self.settings = settings
        self._serving: Serving | None = None
        self.app: Any = None

    def start(self) -> Nolan:
        settings = Settings(
            slack_bot_token="xoxb-e2e-token",
            slack_signing_secret=SECRET,
            slack_api_url=self.fake.api_url,
            database_url=self.db.url,
            policy=self.policy,
            **self.settings,
        )
        app = self.app = create_app(settings, self.db, clock=self.clock)
        # Slack's pace (a message a second to each person) is the subject of tests/bot's
        # pacing tests and of bench_pacing; here it would only add seconds of waiting.
        outbox_of(app).pacer = Pacer(Pace(), clock=time.monotonic)
        self._serving = Serving(
            make_server(app, self.db, "127.0.0.1", 0, threads=settings.request_threads)
        )
        self.fake.idle = self.settle  # assert_no_call waits on the bot, not on a clock
        return self

    def settle(self) -> None:
        """Wait until the bot's background work is done: listeners after their ack, Home
        refreshes, and every message they owe (the outbox drained)."""
        assert self.app is not None and settle(self.app), "the bot did not settle in time"

    def stop(self) -> None:
        self.fake.idle = None
        if self._serving is not None:
            self._serving.stop()
        if self.app is not None:
            drain(self.app)
        self._serving = self.app = None

    def restart(self) -> None:
        """A new process in all but name: a new app and server over the same database."""
        self.stop()
        self.start()

    @property
    def url(self) -> str:
        assert self._serving is not None
        return f"http://127.0.0.1:{self._serving.port}"

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    # -- what Slack sends ------------------------------------------------------------------

    def command(self, user: str, command: str, text: str = "") -> tuple[int, str]:
        body = slash_command_form(
            command,
            text,
            user,
            trigger_id=self.fake.new_trigger_id(),
            response_url=self.fake.response_url(f"cmd-{user}-{time.monotonic_ns()}"),
        )
        status, _headers, reply = post(self.events_url, body, SECRET)
        _check_reply(reply, f"{command} reply")
        return status, reply

    def open_modal(self, user: str, command: str, text: str = "") -> dict[str, Any]:
        """Run a slash command and return the view the bot opened in response."""
        before = len(self.fake.calls("views.open"))
        status, reply = self.command(user, command, text)
        assert status == 200, reply
        return self.fake.wait_for("views.open", count=before + 1).args["view"]

    def submit(self, user: str, view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
        """Submit a modal with {action_id: value}; return the bot's JSON reply ({} for a plain
        ack, which closes the modal)."""
        body = view_submission_form(user, view, view_state(view, answers))
        status, _headers, reply = post(self.events_url, body, SECRET)
        assert status == 200, reply
        _check_reply(reply, "view_submission reply")
        return json.loads(reply) if reply.strip() else {}

    def press(self, user: str, message: Call, action_id: str) -> tuple[int, str]:
        """Press the button `action_id` on a message the bot posted (found in fake calls)."""
        status, _headers, reply = post(
            self.events_url, self.press_body(user, message, action_id), SECRET
        )
        return status, reply

    def press_body(self, user: str, message: Call, action_id: str) -> str:
        """The form Slack sends when `user` presses `action_id` on the bot's `message`."""
        block_id, value = _find_button(message.args["blocks"], action_id)
        posted = self.fake.calls("chat.postMessage")
        channel = message.args.get("channel")
        ts = message.args.get("ts")
        if message.method == "chat.postMessage":
            channel, ts = _where_posted(self.fake, message, posted)
        return block_actions_form(
            user,
            action_id,
            value,
            block_id=block_id,
            channel_id=channel,
            message_ts=ts,
            message={
                "ts": ts,
                "text": message.args.get("text", ""),
                "blocks": message.args["blocks"],
            },
            response_url=self.fake.response_url(f"press-{user}-{time.monotonic_ns()}"),
            trigger_id=self.fake.new_trigger_id(),
        )

    def published_homes(self, user: str) -> list[Call]:
        return [c for c in self.fake.calls("views.publish") if c.args.get("user_id") == user]

    def home(self, user: str, count: int = 1) -> dict[str, Any]:
        """The `count`-th Home the bot published for `user` (waiting for it)."""
        return self.fake.wait_for(
            "views.publish", lambda c: c.args["user_id"] == user, count=count
        ).args["view"]

    def open_home(self, user: str) -> dict[str, Any]:
        """The person opens Nolan's Home tab (a signed app_home_opened event); returns the
        Home the bot published for it."""
        before = len(self.published_homes(user))
        event = {
            "type": "app_home_opened",
            "user": user,
            "channel": f"D{user}",
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
        status, _headers, reply = post(
            self.events_url, json.dumps(event_callback_payload(event)), SECRET
        )
        assert status == 200, reply
        return self.home(user, count=before + 1)

    def press_home(
        self, user: str, view: dict[str, Any], action_id: str, value: str | None = None
    ) -> tuple[int, str]:
        """Press a button on a published Home (the first with `action_id`, or the one with
        that `value`): a block_actions from a view container, with no response_url."""
        block_id, found = _find_button(view["blocks"], action_id, value)
        body = block_actions_form(
            user,
            action_id,
            found,
            block_id=block_id,
            trigger_id=self.fake.new_trigger_id(),
            container_type="view",
            view={**view, "id": view.get("id") or f"VHOME{user}", "type": "home"},
        )
        status, _headers, reply = post(self.events_url, body, SECRET)
        return status, reply


def _check_reply(reply: str, where: str) -> None:
    """Replies in the HTTP response (ephemeral messages, modal errors or views) never pass
    through the fake Web API, so hold them to Slack's limits here."""
    if not reply.strip().startswith("{"):
        return
    body = json.loads(reply)
    problems = []
    if "blocks" in body or "text" in body:
        problems += contract.message_problems(body, where)
    if body.get("response_action") in ("update", "push"):
        problems += contract.view_problems(body.get("view"), where, "modal")
    for block_id, message in (body.get("errors") or {}).items():
        if not isinstance(message, str) or not message or len(message) > 150:
            problems.append(f"{where}: error for {block_id!r} is not 1-150 characters")
    assert not problems, problems


def _find_button(
    blocks: list[dict[str, Any]], action_id: str, value: str | None = None
) -> tuple[str, str]:
    for block in blocks:
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        if block.get("type") == "section" and block.get("accessory"):
            elements = [block["accessory"]]
        for element in elements:
            if element.get("action_id") == action_id and value in (None, element.get("value")):
                return block.get("block_id", ""), element.get("value", "")
    raise AssertionError(f"no button {action_id!r} in message")


def _where_posted(fake: FakeSlack, message: Call, posted: list[Call]) -> tuple[str, str]:
    """The DM channel and ts the fake answered for this chat.postMessage."""
    index = posted.index(message)
    response = fake.responses("chat.postMessage")[index]
    return response["channel"], response["ts"]


def redrawn(fake: FakeSlack, user: str, count: int = 1) -> Call:
    """The `count`-th message `user` pressed a button in, redrawn in place through the press's
    response_url (replace_original): the yearly round's receipts."""

    def replaced(call: Call) -> bool:
        by_user = (call.response_name or "").startswith(f"press-{user}-")
        return by_user and call.args.get("replace_original") is True

    return fake.wait_for("response_url", replaced, count=count)


def dm_to(
    fake: FakeSlack, user: str, predicate: Callable[[Call], bool] = lambda c: True, count: int = 1
) -> Call:
    return fake.wait_for(
        "chat.postMessage", lambda c: c.args.get("channel") == user and predicate(c), count=count
    )


def watching(db: Database, *slack_ids: str) -> None:
    """These people opened their Homes just now by the real clock, which a bot in a process of
    its own and `reminders run` keep (not the test's) when they ask whose Homes to keep current
    (HOME_WATCH_HOURS)."""
    with db.session() as session:
        for slack_id in slack_ids:
            staff.note_home_opened(session, slack_user_id=slack_id, at=utcnow())
        session.commit()
