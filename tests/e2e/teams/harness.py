"""Runs the real bot in Teams mode (waitress, POST /api/messages) on the database under test,
against the Microsoft fakes (tests/faketeams), and speaks to it as Teams does: activities
signed with the tests' key, served as the Bot Framework's JWKS behind a local OpenID URL."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from bot.runtime import Runtime
from bot.server import make_teams_server
from bot.settings import Policy, Settings
from storage.db import Database
from storage.models import OutboxMessage, Staff
from tests.e2e.harness import Clock
from tests.faketeams import APP_ID, APP_PASSWORD, TENANT_ID, FakeTeams, Forgery, activity, signed
from tests.faketeams.server import Call
from tests.schemas import CARD_CONTENT_TYPE, MAX_MESSAGE_BYTES, card_problems
from tests.serving import Serving


@dataclass(frozen=True)
class Person:
    key: str
    email: str
    name: str
    object_id: str  # Entra object id: Teams' from.aadObjectId
    installed: bool = True  # has Nolan installed in Teams
    roles: str = ""


ORG = [
    Person("alice", "alice@opcc.example", "Alice Able", "aaaaaaaa-0000-4000-8000-000000000001"),
    Person("bob", "bob@opcc.example", "Bob Late", "bbbbbbbb-0000-4000-8000-000000000002",
           installed=False),
    Person("mo", "mo@opcc.example", "Morgan Monitor", "cccccccc-0000-4000-8000-000000000003",
           roles="monitoring_officer"),
]
# Someone in the tenant whom the org chart does not list.
STRANGER = Person(
    "stranger", "who@opcc.example", "Who Ever", "dddddddd-0000-4000-8000-00000000000d"
)


def seed_org(db: Database, people: list[Person] = ORG) -> dict[str, Staff]:
    """The org chart as `staff import` leaves it on Teams: Entra object ids, no chats yet."""
    with db.session() as session:
        for p in people:
            session.add(Staff(email=p.email, name=p.name, teams_id=p.object_id, roles=p.roles))
        session.commit()
        rows = session.exec(select(Staff)).all()
        for row in rows:
            session.expunge(row)
    return {p.key: next(r for r in rows if r.email == p.email) for p in people}


class TeamsNolan:
    """The bot under test in Teams mode, serving on a free port."""

    def __init__(
        self, fake: FakeTeams, db: Database, clock: Clock, policy: Policy | None = None,
        **settings: Any,
    ) -> None:
        """`settings`: Settings' fields beside those the fakes need (home_watch_hours…)."""
        self.fake, self.db, self.clock = fake, db, clock
        self.policy = policy or Policy()
        self.settings = settings
        self.runtime: Runtime | None = None
        self._serving: Serving | None = None

    def start(self) -> TeamsNolan:
        settings = Settings(
            teams_app_id=APP_ID,
            teams_app_password=APP_PASSWORD,
            teams_tenant_id=TENANT_ID,
            teams_openid_metadata_url=self.fake.openid_metadata_url,
            teams_token_url=self.fake.token_url,
            teams_graph_url=self.fake.graph_url,
            teams_service_url=self.fake.service_url("default"),
            database_url=self.db.url,
            policy=self.policy,
            **self.settings,
        )
        runtime = self.runtime = Runtime.build(settings, db=self.db, clock=self.clock)
        assert runtime.teams is not None and runtime.client is None  # no Slack in Teams mode
        self._homes = runtime.attach_homes()  # as bot.serve does: Home refreshes queued
        edge = runtime.teams.edge(self.db, settings, self.clock)
        self._serving = Serving(make_teams_server(edge, self.db, "127.0.0.1", 0))
        runtime.outbox.start()
        return self

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.stop()
        if self.runtime is not None:
            self.runtime.outbox.stop()
            assert self.runtime.teams is not None
            self.runtime.teams.http.close()
        self._serving = self.runtime = None

    def settle(self) -> None:
        """Wait until every message the bot owes has been sent (or settled otherwise)."""
        assert self.runtime is not None and self.runtime.outbox.wait_idle(), "did not settle"

    @property
    def url(self) -> str:
        assert self._serving is not None
        return f"http://127.0.0.1:{self._serving.port}"

    # -- what Teams sends --------------------------------------------------------------------

    def activity(self, person: Person, kind: str, **kwargs: Any) -> dict[str, Any]:
        """An activity from `person` in their 1:1 chat with Nolan."""
        return activity(
            kind,
            service_url=kwargs.pop("service_url", self.fake.service_url()),
            app_id=APP_ID,
            tenant_id=TENANT_ID,
            from_object_id=person.object_id,
            conversation_id=self.fake.conversation_of(person.object_id),
            **kwargs,
        )

    def post(
        self, body: dict[str, Any] | bytes, *, forgery: Forgery | None = None,
        token_service_url: str | None = None, headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """POST to /api/messages as the Bot Framework does; (status, JSON reply or None)."""
        if isinstance(body, bytes):
            raw, signed_headers = signed(
                {"serviceUrl": token_service_url or self.fake.service_url()}, APP_ID
            )
            raw = body
        else:
            raw, signed_headers = signed(
                body, APP_ID, forgery=forgery, token_service_url=token_service_url
            )
        request = urllib.request.Request(
            f"{self.url}/api/messages", data=raw, method="POST",
            headers={**signed_headers, **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                status, reply = response.status, response.read()
        except urllib.error.HTTPError as failure:
            status, reply = failure.code, failure.read()
        return status, json.loads(reply) if reply else None

    def say(self, person: Person, text: str) -> tuple[int, Any]:
        return self.post(self.activity(person, "message", text=text))

    def install(self, person: Person) -> tuple[int, Any]:
        """Nolan installed for `person`: Teams tells the bot it was added to their chat."""
        return self.post(self.activity(
            person, "conversationUpdate", extra={"membersAdded": [{"id": f"28:{APP_ID}"}]}
        ))

    def view(self, person: Person, sent: Call) -> tuple[int, Any]:
        """`person` looks at the card `sent` in their chat: Teams runs the card's refresh on its
        own (an Action.Execute invoke, trigger "automatic") and shows the card answered."""
        [card] = cards_of(sent)
        action = card["refresh"]["action"]
        value = {
            "action": {"type": action["type"], "verb": action["verb"], "data": action["data"]},
            "trigger": "automatic",
        }
        return self.post(self.activity(
            person, "invoke", name="adaptiveCard/action", value=value,
            reply_to_id=sent.response["id"],
        ))

    def outbox(self) -> list[OutboxMessage]:
        with self.db.session() as session:
            rows = list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))
            for row in rows:
                session.expunge(row)
            return rows


def cards_of(call: Call) -> list[dict[str, Any]]:
    """The Adaptive Cards a send or update carried, each checked against the Adaptive Cards
    1.5 schema Teams renders and the message size limit."""
    body = call.body if isinstance(call.body, dict) else {}
    size = len(json.dumps(body, separators=(",", ":")).encode())
    assert size <= MAX_MESSAGE_BYTES, f"message of {size} bytes"
    cards = [a["content"] for a in body.get("attachments") or []
             if a.get("contentType") == CARD_CONTENT_TYPE]
    for card in cards:
        assert not card_problems(card), card_problems(card)
    return cards


def card_text(call: Call) -> str:
    """Every TextBlock's text in the message's cards, joined (and checked: cards_of)."""
    return "\n".join(
        block.get("text", "") for card in cards_of(call) for block in card.get("body", [])
        if block.get("type") == "TextBlock"
    )


