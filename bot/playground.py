"""`make playground` (`python -m bot.playground`): Nolan in Teams mode on SQLite, with a sample
org chart, for Microsoft's Agents Playground (npm @microsoft/m365agentsplayground) — a local
Teams client and Bot Framework, no Microsoft 365 tenant needed — so a newcomer can click
through a declaration and an approval.

The playground signs nothing: it posts activities without a token, and takes Nolan's messages
at its own serviceUrl without one. So this mode, and only this one, admits unsigned
activities — from a loopback peer, naming a playground's own serviceUrl — and sends without a
token. It listens on 127.0.0.1 only and refuses to start with any other HOST. No setting
turns it on: nothing but this entry point builds its gate (and an import contract keeps the
rest of Nolan from importing this module).

One playground is one person (its "current user"), so two run side by side: Alex Wilber, who
declares, and Megan Bowen, his line manager, who approves. Their Entra object ids are the
playground's own test users' (there is no Graph to ask): PLAYERS maps the sample's emails to
them, and each person's chat is set to their playground's before Nolan starts.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bot.playground_dialogs import InlineDialogs
from bot.runtime import Runtime
from bot.serve import _serve_teams
from bot.settings import Policy, Settings
from bot.staff_import import run_import
from bot.stopping import stop_on_signals
from bot.teams.adapter import TeamsAdapter
from bot.teams.auth import Unauthorized
from storage import staff
from storage.db import Database

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_ORG_CHART = ROOT / "examples" / "playground" / "org-chart.csv"
PLAYGROUND_BIN = ROOT / "tools" / "playground" / "node_modules" / ".bin" / "agentsplayground"
LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 3978  # the Bot Framework samples' port, as the playground's docs use
# The playground's own tenant and bot (its default config).
TENANT_ID = "00000000-0000-0000-0000-0000000000001"
BOT_ID = "00000000-0000-0000-0000-00000000000011"


@dataclass(frozen=True)
class Player:
    """One playground: the person it lets you be, and where it listens."""

    email: str
    name: str
    object_id: str  # the playground's test user's aadObjectId
    port: int

    @property
    def service_url(self) -> str:
        return f"http://localhost:{self.port}/_connector"

    @property
    def conversation_id(self) -> str:
        return f"playground-personal-chat-{self.email.split('@')[0]}"


# Alex is the playground's default user; Megan one of its test users.
PLAYERS = (
    Player("alexw@example.com", "Alex Wilber", "00000000-0000-0000-0000-0000000000020", 56150),
    Player("meganb@example.com", "Megan Bowen", "00000000-0000-0000-0000-0000000000021", 56151),
)
# The sample's other people: in the org chart, with no playground of their own.
OTHERS = (
    Player("adelev@example.com", "Adele Vance", "00000000-0000-0000-0000-0000000000022", 0),
    Player("isaiahl@example.com", "Isaiah Langer", "00000000-0000-0000-0000-0000000000023", 0),
    Player("pattif@example.com", "Patti Fernandez", "00000000-0000-0000-0000-0000000000024", 0),
    Player("lynner@example.com", "Lynne Robbins", "00000000-0000-0000-0000-0000000000025", 0),
)  # a playground wants five people besides its user


class LoopbackGate:
    """bot.teams.edge.Gate for the playground: no token asked; the peer on loopback and the
    activity's serviceUrl one of the playgrounds'."""

    def __init__(self, service_urls: Sequence[str]) -> None:
        self.service_urls = frozenset(url.rstrip("/") for url in service_urls)

    def admit(self, environ: Mapping[str, Any]) -> dict[str, Any]:
        if not _loopback(str(environ.get("REMOTE_ADDR") or "")):
            raise Unauthorized("the playground mode takes activities from this machine only")
        return {}

    def check_service_url(self, claims: dict[str, Any], service_url: Any) -> None:
        if not isinstance(service_url, str) or service_url.rstrip("/") not in self.service_urls:
            raise Unauthorized(f"{service_url!r} is not a playground's serviceUrl")


class NoTokens:
    """bot.teams.tokens.Tokens for the playground, which asks for none."""

    def token(self, scope: str) -> str:
        return ""

    def invalidate(self, scope: str, token: str | None = None) -> None:
        return None


class Directory:
    """bot.staff_import.Directory over PLAYERS and OTHERS, in place of Graph."""

    platform = "the Agents Playground"
    id_field = "teams_id"

    def look_up(self, email: str, time_zones: dict[str, str] | None = None) -> str | None:
        return next((p.object_id for p in (*PLAYERS, *OTHERS) if p.email == email.lower()), None)


def settings(database_url: str, port: int, players: Sequence[Player] = PLAYERS) -> Settings:
    """Teams mode at the first playground, on 127.0.0.1; no secret, no Microsoft host."""
    return Settings(
        teams_app_id=BOT_ID,
        teams_tenant_id=TENANT_ID,
        teams_service_url=players[0].service_url,
        teams_token_url="http://127.0.0.1:9/unused",  # never called: NoTokens
        teams_openid_metadata_url="http://127.0.0.1:9/unused",  # never read: LoopbackGate
        teams_graph_url="http://127.0.0.1:9/unused",  # the sample's ids are PLAYERS'
        database_url=database_url,
        host=LOOPBACK,
        port=port,
        policy=Policy(),
    )


def build(settings: Settings, db: Database, players: Sequence[Player] = PLAYERS) -> Runtime:
    """The runtime of the playground mode: Teams, with the gate and no tokens."""
    gate = LoopbackGate([p.service_url for p in players])
    teams = TeamsAdapter.build(settings, db, gate=gate, tokens=NoTokens())
    return Runtime.build(settings, db=db, teams=teams)


def prepare(
    runtime: Runtime, *, out: TextIO, err: TextIO, players: Sequence[Player] = PLAYERS
) -> int:
    """The schema, the sample org chart, and each player's chat at their playground."""
    runtime.db.migrate()
    code = run_import(
        SAMPLE_ORG_CHART,
        db=runtime.db,
        directory=Directory(),
        follow=runtime.follow_new_managers,
        out=out,
        err=err,
    )
    if code:
        return code
    with runtime.db.session() as session:
        for player in players:
            person = staff.by_teams_id(session, teams_id=player.object_id)
            assert person is not None and person.id is not None, player.email
            staff.note_teams_chat(
                session,
                staff_id=person.id,
                conversation_id=player.conversation_id,
                service_url=player.service_url,
            )
        session.commit()
    return 0


def playground_config(player: Player) -> str:
    """The playground's config file (.m365agentsplayground.yml) making `player` its user."""
    others = [p for p in (*PLAYERS, *OTHERS) if p != player]
    lines = [
        'version: "0.1.1"',
        f"tenantId: {TENANT_ID}",
        "bot:",
        f"  id: {BOT_ID}",
        "  name: Nolan",
        "currentUser:",
        *_user(player, 0, "  "),
        "users:",
        *[line for i, p in enumerate(others, 1) for line in _user(p, i, "  - ", "    ")],
        "personalChat:",
        f"  id: {player.conversation_id}",
        "groupChat:",  # required by the playground, unused by Nolan
        "  id: playground-group-chat",
        "  name: Group Chat",
        "team:",
        "  id: playground-team",
        "  name: Office",
        "  aadGroupId: 00000000-0000-0000-0000-000000000031",
        "  channels:",
        "    - id: playground-channel-general",
        "      name: General",
    ]
    return "\n".join(lines) + "\n"


def _user(p: Player, number: int, first: str, indent: str | None = None) -> list[str]:
    given, surname = p.name.split(" ", 1)
    fields = [
        f"id: user-id-{number}",
        f"name: {p.name}",
        f"userPrincipleName: {p.email}",  # sic: the playground's spelling
        f"aadObjectId: {p.object_id}",
        f"givenName: {given}",
        f"surname: {surname}",
        f"email: {p.email}",
    ]
    rest = indent if indent is not None else first
    return [first + fields[0], *(rest + f for f in fields[1:])]


def start_playgrounds(port: int, workdir: Path, *, err: TextIO) -> list[subprocess.Popen[bytes]]:
    """One playground per player, each with its config, pointed at Nolan."""
    started = []
    for player in PLAYERS:
        config = workdir / f"{player.email.split('@')[0]}.yml"
        config.write_text(playground_config(player), encoding="utf-8")
        env = {**os.environ, "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(config)}
        env["M365_AGENTS_PLAYGROUND_LOGFILE"] = str(config.with_suffix(".log"))
        command = [
            str(PLAYGROUND_BIN),
            "--app-endpoint", f"http://{LOOPBACK}:{port}/api/messages",
            "--channel-id", "msteams",
            "--port", str(player.port),
            "--conversation-id", player.conversation_id,
            "--disable-telemetry",
        ]  # fmt: skip
        started.append(subprocess.Popen(command, env=env, stdout=err, stderr=err))
    return started


def banner(port: int) -> str:
    people = "\n".join(f"  {p.name:<12} http://localhost:{p.port}   ({p.email})" for p in PLAYERS)
    return (
        "=" * 78 + "\n"
        "Nolan PLAYGROUND MODE - for trying Nolan on this machine, never for real use.\n"
        f"Listening on http://{LOOPBACK}:{port}/api/messages (127.0.0.1 only: any other HOST\n"
        "is refused). Activities are taken WITHOUT the Bot Framework's token, from this\n"
        "machine only; messages go to the playgrounds without one.\n"
        f"Open each person's Teams in a browser:\n{people}\n"
        "As Alex, type `gift` and declare one; as Megan, approve it. Ctrl-C stops everything.\n"
        + "="
        * 78
    )


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.playground", description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="Nolan's port")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "playground")
    parser.add_argument(
        "--no-playground", action="store_true", help="serve Nolan only; start no playground"
    )
    args = parser.parse_args(argv)
    host = (os.environ if environ is None else environ).get("HOST", LOOPBACK)
    if host != LOOPBACK:
        print(
            f"nolan: error: the playground mode listens on {LOOPBACK} only and takes activities "
            f"without a token; HOST={host!r} is refused (unset HOST)",
            file=err,
        )
        return 2
    if not args.no_playground and not PLAYGROUND_BIN.exists():
        print(
            f"nolan: error: no Agents Playground at {PLAYGROUND_BIN}: run `make playground`",
            file=err,
        )
        return 1
    args.data.mkdir(parents=True, exist_ok=True)
    config = settings(f"sqlite:///{args.data / 'nolan.db'}", args.port)
    runtime = build(config, Database(config.database_url))
    if prepare(runtime, out=out, err=err):
        return 1
    # SIGTERM stops like Ctrl-C, so the playgrounds stop with Nolan.
    stop_on_signals(once=False)
    children = [] if args.no_playground else start_playgrounds(args.port, args.data, err=err)
    print(banner(args.port), file=out, flush=True)
    try:
        teams = runtime.teams
        assert teams is not None
        front = lambda edge: InlineDialogs(edge, teams.connector)  # noqa: E731
        return _serve_teams(runtime, err=err, front=front)
    finally:
        for child in children:
            child.terminate()
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=5)


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


if __name__ == "__main__":
    raise SystemExit(main())
