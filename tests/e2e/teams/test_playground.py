"""`make playground` (bot.playground): unsigned activities are taken there and only there, on
127.0.0.1; a declaration and its approval flow through as they do with the Agents Playground
(its dialogs shown in the chat, its connector called without a token)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot import playground
from bot.playground import LoopbackGate, Player
from bot.playground_dialogs import ALREADY_SENT, SENT, FormCards, InlineDialogs
from bot.server import make_teams_server
from bot.settings import load_settings, variables
from bot.teams.adapter import TeamsAdapter
from bot.teams.auth import Unauthorized, Verifier
from storage.db import Database
from storage.models import ApprovalStep, Declaration, OutboxMessage, Staff
from tests.e2e.teams.harness import TeamsNolan
from tests.faketeams import FakeTeams
from tests.schemas import card_problems
from tests.serving import Serving

ROOT = Path(__file__).resolve().parents[3]


class Playground:
    """The Agents Playground's connector (`/_connector/v3/…`), as far as Nolan uses it: it
    takes messages without a token, and a token sent is a problem here."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []  # {method, conversation, body}
        self.problems: list[str] = []
        self._cond = threading.Condition()
        self._ids = iter(range(1000, 10**6))
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                owner._take(self, "POST")

            def do_PUT(self) -> None:
                owner._take(self, "PUT")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def _take(self, request: BaseHTTPRequestHandler, method: str) -> None:
        raw = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        parts = request.path.split("/")  # /_connector/v3/conversations/{id}/activities[/{aid}]
        with self._cond:
            if request.headers.get("Authorization"):
                self.problems.append(f"{method} {request.path} carried a token")
            if parts[:4] != ["", "_connector", "v3", "conversations"] or len(parts) < 6:
                self.problems.append(f"{method} {request.path}: not the playground's connector")
                answer: dict[str, Any] = {"error": "not found"}
                status = 404
            else:
                self.messages.append(
                    {"method": method, "conversation": parts[4], "body": json.loads(raw)}
                )
                status, answer = (201, {"id": str(next(self._ids))}) if method == "POST" else (
                    200, {"id": parts[6]}
                )
            self._cond.notify_all()
        data = json.dumps(answer).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def wait_for(self, conversation: str, summary: str, timeout: float = 10.0) -> dict[str, Any]:
        """The first message to `conversation` whose summary or text holds `summary`."""
        def found() -> dict[str, Any] | None:
            return next((m["body"] for m in self.messages if m["conversation"] == conversation
                         and summary in str(m["body"].get("summary") or m["body"].get("text"))),
                        None)
        with self._cond:
            seen = [m["body"].get("summary") for m in self.messages]
            assert self._cond.wait_for(lambda: found() is not None, timeout), (
                f"no {summary!r} in {conversation}: {seen}"
            )
            body = found()
        assert body is not None
        return body

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def cards(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The message's Adaptive Cards, each checked against the schema Teams renders."""
    found = [a["content"] for a in body.get("attachments") or []]
    for card in found:
        assert not card_problems(card), card_problems(card)
    return found


def actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every action on the card, those inside a ShowCard included."""
    out = []
    for action in card.get("actions") or []:
        out.append(action)
        out.extend(actions(action.get("card") or {}))
    return out


@pytest.fixture
def pg() -> Iterator[Playground]:
    fake = Playground()
    yield fake
    fake.stop()
    assert not fake.problems, fake.problems


@pytest.fixture
def players(pg: Playground) -> tuple[Player, Player]:
    # Both people at one fake playground, each with their own chat.
    alex, megan = playground.PLAYERS
    return (Player(alex.email, alex.name, alex.object_id, pg.port),
            Player(megan.email, megan.name, megan.object_id, pg.port))


@pytest.fixture
def served(db: Database, players: tuple[Player, Player]) -> Iterator[str]:
    """The playground mode serving on 127.0.0.1, as bot.playground.main sets it up."""
    config = playground.settings(db.url, 0, players)
    runtime = playground.build(config, db, players)
    out, err = io.StringIO(), io.StringIO()
    assert playground.prepare(runtime, out=out, err=err, players=players) == 0, err.getvalue()
    teams = runtime.teams
    assert teams is not None and isinstance(teams.verifier, LoopbackGate)
    homes = runtime.attach_homes()  # noqa: F841 (held weakly)
    edge = InlineDialogs(teams.edge(db, config, runtime.clock), teams.connector)
    serving = Serving(make_teams_server(edge, db, "127.0.0.1", 0))
    runtime.outbox.start()
    yield f"http://127.0.0.1:{serving.port}/api/messages"
    serving.stop()
    runtime.outbox.stop()
    teams.http.close()


def unsigned(url: str, body: dict[str, Any]) -> tuple[int, Any]:
    """POST as the playground does: no Authorization header."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as failure:
        status, raw = failure.code, failure.read()
    return status, json.loads(raw) if raw else None


def from_playground(player: Player, kind: str, **more: Any) -> dict[str, Any]:
    """An activity as the Agents Playground sends it (its own ids, no token)."""
    return {
        "type": kind, "id": f"pg-{time.monotonic_ns()}", "channelId": "msteams",
        "serviceUrl": player.service_url,
        "from": {"id": "user-id-0", "name": player.name, "aadObjectId": player.object_id},
        "conversation": {"conversationType": "personal", "id": player.conversation_id,
                         "tenantId": playground.TENANT_ID},
        "recipient": {"id": playground.BOT_ID, "name": "Nolan"},
        "channelData": {"tenant": {"id": playground.TENANT_ID}}, "locale": "en-US",
        **more,
    }


# -- the mode's bounds ---------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "localhost", "::"])
def test_the_mode_refuses_any_host_but_loopback(tmp_path: Path, host: str) -> None:
    err = io.StringIO()
    code = playground.main(
        ["--no-playground", "--data", str(tmp_path / "pg")], environ={"HOST": host},
        out=io.StringIO(), err=err,
    )
    assert code == 2
    assert "127.0.0.1 only" in err.getvalue() and repr(host) in err.getvalue()
    assert not (tmp_path / "pg").exists()  # nothing set up, nothing served


def test_the_gate_takes_loopback_peers_and_the_playgrounds_service_urls_only() -> None:
    gate = LoopbackGate(["http://localhost:56150/_connector"])
    assert gate.admit({"REMOTE_ADDR": "127.0.0.1"}) == {}
    assert gate.admit({"REMOTE_ADDR": "::1"}) == {}
    for peer in ("192.0.2.1", "10.0.0.5", "", "not an address"):
        with pytest.raises(Unauthorized):
            gate.admit({"REMOTE_ADDR": peer})
    gate.check_service_url({}, "http://localhost:56150/_connector/")
    for url in ("https://smba.trafficmanager.net/emea/", "http://localhost:9/_connector", None):
        with pytest.raises(Unauthorized):
            gate.check_service_url({}, url)


def test_an_unsigned_activity_is_refused_in_the_normal_teams_mode(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    from tests.e2e.teams.harness import ORG

    body = nolan.activity(ORG[0], "message", text="home")
    status, _ = unsigned(f"{nolan.url}/api/messages", body)
    assert status == 401
    assert nolan.outbox() == []
    with db.session() as session:
        alice = session.exec(select(Staff).where(Staff.email == ORG[0].email)).one()
        assert alice.teams_conversation_id is None  # nothing stored
    assert fake.calls("send") == []


def test_nothing_of_the_mode_is_reachable_from_the_production_settings() -> None:
    # No setting names it...
    assert not [name for name in variables() if "PLAYGROUND" in name or "UNSIGNED" in name]
    example = (ROOT / ".env.example").read_text(encoding="utf-8").lower()
    assert "playground" not in example
    # ...the production entry point never loads it...
    code = ("import sys, bot.cli, bot.serve, bot.runtime, bot.app, bot.server; "
            "sys.exit(any(m.startswith('bot.playground') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0
    # ...and Teams mode built from settings checks the Bot Framework's token.
    settings = load_settings(
        {"TEAMS_APP_ID": "11111111-2222-3333-4444-555555555555", "TEAMS_APP_PASSWORD": "secret",
         "TEAMS_TENANT_ID": "66666666-7777-8888-9999-000000000000"},
        dotenv_path=None,
    )
    adapter = TeamsAdapter.build(settings, Database("sqlite://"))
    try:
        assert isinstance(adapter.verifier, Verifier)
    finally:
        adapter.http.close()


# -- a declaration and its approval, as a newcomer clicks them ----------------------------------


def test_a_declaration_and_its_approval_flow_through_the_playground(
    served: str, pg: Playground, players: tuple[Player, Player], db: Database
) -> None:
    alex, megan = players
    # Alex types `gift`: the answer's button would open a dialog in Teams.
    status, _ = unsigned(served, from_playground(alex, "message", text="gift"))
    assert status == 200
    prompt = cards(pg.wait_for(alex.conversation_id, "Declare every offer"))[0]
    opener = next(a for a in actions(prompt) if a["data"].get("msteams"))
    # The playground has no dialogs: the press arrives as a message, the form comes in the chat.
    status, _ = unsigned(served, from_playground(alex, "message", value=opener["data"]))
    assert status == 200
    form_message = next(m["body"] for m in pg.messages if m["conversation"] == alex.conversation_id
                        and any(a["type"] == "Action.Submit" and "_form" in a.get("data", {})
                                for c in cards(m["body"]) for a in actions(c)))
    submit = next(a for c in cards(form_message) for a in actions(c) if "_form" in a["data"])
    answers = {"kind": "hospitality", "offered_by": "Acme Ltd", "relationship": "contractor",
               "description": "Dinner at a conference", "value": "40",
               "date_offered": "2026-11-18", "response": "wants_to_accept"}
    # A bad answer: the form comes back in the chat with the error, nothing recorded.
    before = len(pg.messages)
    unsigned(served, from_playground(alex, "message", value={**submit["data"], **answers}))
    again = pg.messages[before]["body"]
    assert "Please give the date of the event." in json.dumps(cards(again))
    with db.session() as session:
        assert session.exec(select(Declaration)).all() == []
    answers |= {"event_date": "2026-12-10", "reason": "I am speaking at the event"}
    status, _ = unsigned(served, from_playground(alex, "message", value={**submit["data"],
                                                                         **answers}))
    assert status == 200
    # The form's cards (the first, and the one shown again) are replaced in place, and a
    # repeat press of the same form records nothing twice.
    replaced = [m for m in pg.messages if m["method"] == "PUT"
                and m["conversation"] == alex.conversation_id]
    assert [m["body"]["text"] for m in replaced] == [SENT, SENT]
    assert len({m["body"]["id"] for m in replaced}) == 2
    status, _ = unsigned(served, from_playground(alex, "message", value={**submit["data"],
                                                                         **answers}))
    assert status == 200
    assert pg.wait_for(alex.conversation_id, ALREADY_SENT)["text"] == ALREADY_SENT
    with db.session() as session:
        assert len(session.exec(select(Declaration)).all()) == 1
    # Megan, Alex's line manager, gets the approval card in her chat and approves.
    approval = pg.wait_for(megan.conversation_id, "Decision needed")
    approve = next(a for c in cards(approval) for a in actions(c)
                   if a["type"] == "Action.Execute" and a["verb"] == "decide_approved")
    status, reply = unsigned(served, from_playground(
        megan, "invoke", name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": approve["verb"],
                          "data": approve["data"]}},
    ))
    assert status == 200 and reply["value"].startswith("Approved: GH-"), reply
    told = pg.wait_for(alex.conversation_id, "Approved")
    cards(told)
    # Megan's card is replaced in place (PUT at her playground), without its buttons.
    decided = pg.wait_for(megan.conversation_id, ": approved")
    assert not [a for c in cards(decided) for a in actions(c)]
    assert any(m["method"] == "PUT" and m["body"] is decided for m in pg.messages)
    with db.session() as session:
        declaration = session.exec(select(Declaration)).one()
        step = session.exec(select(ApprovalStep)).one()
        megan_id = session.exec(select(Staff.id).where(Staff.email == megan.email)).one()
        assert declaration.status == "approved" and step.status == "approved"
        assert step.decided_by_id == megan_id
        assert session.exec(select(OutboxMessage).where(
            OutboxMessage.status == "failed")).all() == []  # type: ignore[arg-type]


def test_an_activity_naming_another_service_url_is_refused(
    served: str, players: tuple[Player, Player], pg: Playground
) -> None:
    alex = players[0]
    body = from_playground(alex, "message", text="gift")
    body["serviceUrl"] = "https://smba.trafficmanager.net/emea/"
    status, _ = unsigned(served, body)
    assert status == 401
    assert pg.messages == []


def test_a_form_card_is_taken_once_even_when_pressed_twice_at_once() -> None:
    forms = FormCards()
    assert forms.claim("card")
    assert not forms.claim("card")  # a second press while the first is being handled
    forms.shown_at("card", "1001")  # the form shown again with its errors
    assert forms.release("card", sent=False) == []  # refused: it may be sent again
    assert forms.claim("card")
    assert forms.release("card", sent=True) == ["1001"]  # taken: where to replace it
    assert not forms.claim("card")
