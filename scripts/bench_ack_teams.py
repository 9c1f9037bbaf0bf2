"""The Teams path of scripts/bench_ack.py (`--platform teams`): an Approve press on the approval
card (an `adaptiveCard/action` invoke, Action.Execute verb `decide_approved`), then "Nothing has
changed" on the annual declaration's card (the same, its verb `annual_nothing_changed`, each
press from another member of staff), answered by a bare Teams SDK app and by Nolan, under the
same waitress server, at each level of concurrency.

The bare app is the Teams SDK for Python's `App` (microsoft-teams-apps, a dev dependency: the
product does not use it) with one handler that answers every press with a card saying
"Approved." — its own token check (the SDK's validator, against the fake's OpenID metadata and
keys), parsing and routing, and no database. It is an asyncio app; here its HttpServer is
plugged into waitress through the SDK's adapter protocol, each request run on one event-loop
thread. Nolan is the bot in Teams mode (bot.teams.edge) on the scratch database: it checks the
token, finds the approver, records the decision in one transaction with the messages it owes,
and answers with the card replaced.

Both get the same requests, signed as the Bot Framework signs them (tests/faketeams: RS256
JWTs from the tests' key, served as the Bot Framework's JWKS). The cards pressed are those
Nolan's outbox sent to the line managers for gifts declared (through the use case) before the
clock starts; the bare app presses them first, then Nolan decides them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from bench_db import bulk, scratch_database
from bench_latency import Result, measure, record_done, served
from bench_pacing import CHECK_EVERY, sampled
from bench_process import cpu_now, record_cpu
from bench_registers import _staff
from bench_requests import NOTHING, answered
from bench_seed import sent_before
from sqlmodel import func, select

from bot.rules.annual import round_of
from bot.runtime import Runtime
from bot.server import make_teams_server
from bot.settings import Policy, Settings
from bot.teams.cards import adaptive_card
from bot.teams.edge import MESSAGES_PATH
from bot.ui.annual import NOTHING_CHANGED, annual_card
from bot.usecases.gifts import declare_gift
from storage.db import Database
from storage.models import ApprovalStep, Staff
from tests.faketeams import APP_ID, APP_PASSWORD, TENANT_ID, FakeTeams, invoke, signed
from tests.usecases.world import hospitality

APPROVE = "decide_approved"
EXECUTE = "adaptiveCard/action"
KIND = "approve-press"


class WaitressAdapter:
    """The SDK's HttpServerAdapter as a WSGI app: the route's coroutine run on `loop`."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.routes: dict[tuple[str, str], Callable[[Any], Any]] = {}

    def register_route(self, method: str, path: str, handler: Callable[[Any], Any]) -> None:
        self.routes[(method, path)] = handler

    def serve_static(self, path: str, directory: str) -> None:
        """Not needed: the benchmark serves no tab."""

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        handler = self.routes.get((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")))
        if handler is None:
            start_response("404 Not Found", [("Content-Length", "0")])
            return [b""]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length) or b"{}")
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items()
                   if k.startswith("HTTP_")}
        request = {"body": body, "headers": headers}
        reply = asyncio.run_coroutine_threadsafe(handler(request), self.loop).result()
        data = b"" if reply["body"] is None else json.dumps(reply["body"]).encode()
        start_response(f"{reply['status']} OK", [
            ("Content-Type", "application/json"), ("Content-Length", str(len(data)))
        ])
        return [data]


@contextmanager
def bare_teams_app(fake: FakeTeams) -> Iterator[WaitressAdapter]:
    """The Teams SDK's App, initialised (its token check on), on an event loop of its own."""
    from microsoft_teams.api import AdaptiveCardActionCardResponse
    from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
    from microsoft_teams.apps import App
    from microsoft_teams.cards import AdaptiveCard, TextBlock

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    adapter = WaitressAdapter(loop)
    app = App(
        client_id=APP_ID,
        tenant_id=TENANT_ID,
        token=lambda *_args, **_kwargs: "unused: the bare app sends nothing",
        http_server_adapter=adapter,
        cloud=with_overrides(PUBLIC, openid_metadata_url=fake.openid_metadata_url),
    )
    card = AdaptiveCard(body=[TextBlock(text="Approved.")])

    # Every Action.Execute (the SDK routes by a data field `action`, which Nolan's cards
    # do not carry: they name the decision by the verb).
    @app.on_card_action_execute
    async def approve(_ctx: Any) -> AdaptiveCardActionCardResponse:
        return AdaptiveCardActionCardResponse(value=card)

    asyncio.run_coroutine_threadsafe(app.initialize(), loop).result()
    try:
        yield adapter
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)


def teams_post(url: str, request: tuple[bytes, dict[str, str]]) -> int:
    raw, headers = request
    sent = urllib.request.Request(
        url, data=raw, method="POST", headers={**headers, "Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(sent, timeout=30) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as failure:
        return int(failure.code)


class Presses:
    """The Approve buttons on the approval cards Nolan sent, as signed invokes, one a call."""

    def __init__(self, fake: FakeTeams, managers: dict[str, str]) -> None:
        self.fake, self.managers = fake, managers  # conversation id -> manager's object id
        self.cards: list[tuple[str, str, dict[str, Any]]] = []  # (conversation, activity, data)

    def collect(self) -> int:
        self.cards = []
        for call in self.fake.calls("send"):
            manager = self.managers.get(call.conversation_id or "")
            if call.status != 201 or manager is None:
                continue
            for attachment in (call.body or {}).get("attachments") or []:
                data = _action_data(attachment.get("content") or {}, APPROVE)
                if data is not None:
                    self.cards.append((call.conversation_id or "", call.response["id"], data))
        return len(self.cards)

    def body(self, _kind: str) -> tuple[bytes, dict[str, str]]:
        conversation, activity_id, data = self.cards.pop()
        value = {"action": {"type": "Action.Execute", "verb": APPROVE, "data": data},
                 "trigger": "manual"}
        activity = invoke(
            EXECUTE, value, service_url=self.fake.service_url(), app_id=APP_ID,
            tenant_id=TENANT_ID, from_object_id=self.managers[conversation],
            conversation_id=conversation, reply_to_id=activity_id,
        )
        return signed(activity, APP_ID)


class AnnualPresses:
    """"Nothing has changed" on this year's annual declaration card, as a signed invoke from
    each member of staff in turn (one a call). The card is Nolan's own, drawn as the sweep's."""

    def __init__(self, fake: FakeTeams, members: list[str]) -> None:
        self.fake, self.members, self._n = fake, members, 0
        self._lock = threading.Lock()
        card = annual_card(
            name="Member of staff", round_=round_of(datetime.now(UTC).year, (4, 1), 4),
            interests=[], outside_work=[], policy=Policy(),
        )
        data = _action_data(adaptive_card(card), NOTHING_CHANGED)
        assert data is not None, "the annual card has no Nothing has changed"
        self.data = data

    def body(self, _kind: str) -> tuple[bytes, dict[str, str]]:
        with self._lock:
            self._n += 1
            member = self.members[self._n % len(self.members)]
        value = {"action": {"type": "Action.Execute", "verb": NOTHING_CHANGED, "data": self.data},
                 "trigger": "manual"}
        activity = invoke(
            EXECUTE, value, service_url=self.fake.service_url(), app_id=APP_ID,
            tenant_id=TENANT_ID, from_object_id=member,
            conversation_id=self.fake.conversation_of(member), reply_to_id="1",
        )
        return signed(activity, APP_ID)


def _action_data(card: dict[str, Any], verb: str) -> dict[str, Any] | None:
    for action in card.get("actions") or []:
        if action.get("verb") == verb:
            return dict(action.get("data") or {})
        if action.get("type") == "Action.ShowCard":
            found = _action_data(action.get("card") or {}, verb)
            if found is not None:
                return found
    return None


def object_id(staff_id: int) -> str:
    return f"00000000-0000-4000-8000-{staff_id:012d}"


def run(args: argparse.Namespace, url: str | None, note: Callable[[str], None]) -> list[Result]:
    fake = FakeTeams().start()
    # Nolan's cards are the tests' to check: here one in CHECK_EVERY, so that the fake's
    # checking, in this process, does not weigh on what is measured.
    fake.connector.card_problems = sampled(fake.connector.card_problems, CHECK_EVERY)
    results: list[Result] = []
    threads = args.threads
    try:
        with scratch_database(url, args.staff, threads) as db:
            people = [{**p, "slack_user_id": None, "teams_id": object_id(p["id"])}
                      for p in _staff(args.staff)]
            bulk(db, Staff.__table__, people)
            sent_before(db, args.history, args.staff)
            for person in people:
                fake.add_user(person["email"], person["teams_id"], person["name"])
            settings = Settings(
                teams_app_id=APP_ID, teams_app_password=APP_PASSWORD, teams_tenant_id=TENANT_ID,
                teams_openid_metadata_url=fake.openid_metadata_url,
                teams_token_url=fake.token_url, teams_graph_url=fake.graph_url,
                teams_service_url=fake.service_url("default"), database_url=db.url,
                http_threads=threads,
            )
            runtime = Runtime.build(settings, db=db)
            assert runtime.teams is not None
            homes = runtime.attach_homes()  # noqa: F841 (watched weakly: kept while serving)
            edge = runtime.teams.edge(db, settings, runtime.clock)
            nolan = make_teams_server(edge, db, "127.0.0.1", 0, threads=threads)
            runtime.outbox.start()
            counts = [max(args.requests, level) for level in args.concurrency]
            managers = _declare(db, people, settings, sum(counts))
            assert runtime.outbox.wait_idle(timeout=600), "the approval cards were not all sent"
            presses = Presses(fake, {fake.conversation_of(object_id(m)): object_id(m)
                                     for m in managers})
            presses.collect()
            with served(nolan, MESSAGES_PATH) as nolan_url, bare_teams_app(fake) as bare:
                bare_server = make_teams_server(bare, db, "127.0.0.1", 0, threads=threads)
                with served(bare_server, MESSAGES_PATH) as bare_url:
                    for level, count in zip(args.concurrency, counts, strict=True):
                        cards = list(presses.cards)
                        results.append(measure("bare", KIND, bare_url, presses.body, level,
                                               count, teams_post))
                        presses.cards = cards
                        before, spent = len(fake.calls()), cpu_now(bool(url))
                        results.append(measure("nolan", KIND, nolan_url, presses.body, level,
                                               count, teams_post))
                        runtime.outbox.wait_idle(timeout=600)
                        record_cpu(results[-1], spent, count)
                        delivered = [c for c in fake.calls()[before:] if c.op in SENDING]
                        record_done(results[-1], [c.at for c in delivered])
                        note(_per_press(delivered, count))
                    annual = AnnualPresses(fake, [
                        object_id(p["id"]) for p in people if p["id"] > 2 + len(people) // 10
                    ])
                    for level, count in zip(args.concurrency, counts, strict=True):
                        results.append(measure("bare", NOTHING, bare_url, annual.body, level,
                                               count, teams_post))
                        spent = cpu_now(bool(url))
                        results.append(measure("nolan", NOTHING, nolan_url, annual.body, level,
                                               count, teams_post))
                        runtime.outbox.wait_idle(timeout=600)
                        record_cpu(results[-1], spent, count)
                        for both in results[-2:]:  # the receipt is the answer: done at it
                            both.done_per_second = len(both.latencies) / both.seconds
            runtime.outbox.wait_idle(timeout=600)
            runtime.outbox.stop()
            runtime.teams.http.close()
            note(f"decided by Nolan: {_decided(db)} of {sum(counts)} cards pressed")
            note(f"answered by Nolan: {answered(db)} of {sum(counts)} presses of {NOTHING}")
    finally:
        fake.stop()
    return results


SENDING = ("create_conversation", "send", "reply", "update")  # the fake's ops that deliver


def _per_press(delivered: list[Any], presses: int) -> str:
    """The Bot Connector calls the presses caused (Teams' 50 a second a tenant bounds them)."""
    ops = {op: sum(c.op == op for c in delivered) for op in SENDING}
    each = ", ".join(f"{op} {n / presses:.2f}" for op, n in ops.items() if n)
    total = len(delivered)
    return f"Connector calls after {presses} presses: {total}, {total / presses:.2f} each ({each})"


def _declare(db: Database, people: list[dict[str, Any]], settings: Settings, n: int) -> set[int]:
    """`n` gifts declared by members of staff (round robin), each to their line manager;
    the managers."""
    members = [p for p in people if p["line_manager_id"] and p["id"] > 2 + len(people) // 10]
    now = datetime.now(UTC)
    for i in range(n):
        with db.session() as session:
            person = session.get(Staff, members[i % len(members)]["id"])
        declare_gift(db, declarant=person, offer=hospitality(), settings=settings, now=now)
    return {p["line_manager_id"] for p in members[: min(n, len(members))]}


def _decided(db: Database) -> int:
    with db.session() as session:
        return int(session.exec(
            select(func.count()).select_from(ApprovalStep)
            .where(ApprovalStep.decided_by_id.is_not(None))  # type: ignore[union-attr]
        ).one())

