#!/usr/bin/env python3
"""Benchmark how fast Slack's (or Teams') requests are answered: a bare app against Nolan.

    scripts/bench_ack.py [--platform slack|teams] [--db sqlite|postgres] [--database-url URL]
                         [--staff 100|50000] [--history N] [--concurrency 1,10,50]
                         [--requests 100] [--threads N] [--processes N]
                         [--delivery-process 0|1]

Slack: both apps run under the same waitress server (bot.server.make_server) and talk to the same
fake Slack Web API (tests/fakeslack), and both are sent the same signed requests: the `/gift`
slash command (opens a modal), the gift form submitted (a hospitality offer to be authorised:
Nolan records it and routes it to the line manager), and the Approve button on the manager's
card, and "Nothing has changed" on the annual declaration's DM (the morning of the annual
declaration, when every member of a force presses it within the hour: Nolan records the answer
and redraws the DM as its receipt). The bare app does the least Bolt needs: ack, then the one
Web API call (views.open, chat.postMessage, chat.update). For each request and each level of
concurrency it sends
--requests requests (at least the concurrency) from that many threads at once and prints the
latency p50/p95/p99 in ms, requests a second, how many took over Slack's 3 s or were not
answered 200, and Nolan's figures over the bare app's; with --processes, also the CPU Nolan's
processes used a request, the work after the ack included (until the Web API calls stop).
Teams (`--platform teams`): the Approve press on the manager's approval card, against a bare
Teams SDK app (bench_ack_teams.py).
Both servers handle --threads requests at once (default: HTTP_THREADS's for the database).
With --processes N, Nolan runs as `python -m bot` with HTTP_PROCESSES=N (processes of its own,
as an operator runs it; N above 1 on PostgreSQL only) instead of in this process, with the
delivery process beside them as --delivery-process says (DELIVERY_PROCESS; by default on, as
Nolan's); its CPU counts with theirs. The bare app stays one
server in this process.

Nolan's database is a scratch one with --staff people (one line manager to every ten), seeded
by bulk insert: a temporary SQLite file, or with --db postgres a scratch database on the
server of --database-url (or TEST_DATABASE_URL), dropped afterwards. --history N seeds N
messages already sent (the outbox keeps them all: a year of an office's is hundreds of
thousands), which a lookup that is not by key reads through.

This is not a timed test; tests/bot/test_bench_scripts.py runs it small so it does not rot.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time as timer
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import logging

from bench_db import scratch_database
from bench_latency import Result, ceiling, record_done, served, table
from bench_latency import measure as measure_with
from bench_pacing import CHECK_EVERY, sampled
from bench_process import bot_processes, cpu_now, record_cpu
from bench_requests import APPROVE, KINDS, NOTHING, NOTHING_CHANGED, SECRET, Requests, answered
from bench_seed import seed
from slack_bolt import App
from slack_sdk import WebClient

from bot.app import create_app
from bot.server import EVENTS_PATH, drain, make_server
from bot.settings import Settings
from storage.db import Database
from tests.fakeslack import FakeSlack, contract
from tests.fakeslack.signing import (
    post,
    slash_command_form,
)


def bare_app(fake: FakeSlack) -> App:
    """What Bolt needs and no more: ack, then one Web API call, as Nolan makes for each."""
    app = App(
        client=WebClient(token="xoxb-bench", base_url=fake.api_url),
        signing_secret=SECRET,
        token_verification_enabled=False,
        process_before_response=False,
    )

    @app.command("/gift")
    def command(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=_BARE_VIEW)

    @app.view(re.compile(".+"))  # whatever form is submitted (the benchmark sends Nolan's)
    def submitted(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.chat_postMessage(channel=body["user"]["id"], text="Recorded.")

    @app.action(re.compile(f"^({APPROVE}|{NOTHING_CHANGED})$"))
    def pressed(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.chat_update(
            channel=body["container"]["channel_id"],
            ts=body["container"]["message_ts"],
            text="Approved.",
        )

    return app


_BARE_VIEW = {
    "type": "modal",
    "callback_id": "gift_form",
    "title": {"type": "plain_text", "text": "Gift"},
    "submit": {"type": "plain_text", "text": "Submit"},
    "blocks": [
        {
            "type": "input",
            "block_id": "description",
            "label": {"type": "plain_text", "text": "Description"},
            "element": {"type": "plain_text_input", "action_id": "description_input"},
        }
    ],
}


@contextmanager
def serving(app: App, db: Database, threads: int) -> Iterator[str]:
    try:
        with served(make_server(app, db, "127.0.0.1", 0, threads=threads), EVENTS_PATH) as url:
            yield url
    finally:
        with suppress(Exception):
            drain(app)


def slack_post(url: str, body: str) -> int:
    return post(url, body, SECRET)[0]


def measure(
    app: str, kind: str, url: str, make: Callable[[str], str], concurrency: int, count: int
) -> Result:
    return measure_with(app, kind, url, make, concurrency, count, slack_post)


def run(args: argparse.Namespace, url: str | None, note: Callable[[str], None]) -> list[Result]:
    # The fake checks one message and one view in CHECK_EVERY against Slack's limits, as the
    # pacing benchmark's Teams fake does: checking every one took a core's tenth from the apps
    # on the same two (Slack's own checking is not on this machine). The tests check them all.
    contract.message_problems = sampled(contract.message_problems, CHECK_EVERY)
    contract.view_problems = sampled(contract.view_problems, CHECK_EVERY)
    fake = FakeSlack().start()
    results: list[Result] = []
    try:
        threads = args.threads
        with scratch_database(url, args.staff, threads) as db:
            people = seed(db, args.staff, args.history)
            for person in people:
                fake.add_user(person["email"], person["slack_user_id"], name=person["name"])
            members = [p["slack_user_id"] for p in people if p["id"] > 2 + args.staff // 10]
            settings = Settings(
                slack_bot_token="xoxb-bench",
                slack_signing_secret=SECRET,
                slack_api_url=fake.api_url,
                database_url=db.url,
                http_threads=threads,
                delivery_process=bool(args.delivery_process),
            )
            nolan = None if args.processes else create_app(settings, db)
            bare = bare_app(fake)
            servers = (
                bot_processes(settings, args.processes)
                if args.processes
                else serving(nolan, db, threads),
                serving(bare, db, threads),
            )
            with servers[0] as nolan_url, servers[1] as bare_url:
                post(
                    nolan_url,
                    slash_command_form(
                        "/gift",
                        "",
                        members[0],
                        trigger_id=fake.new_trigger_id(),
                        response_url=fake.response_url("bench-open"),
                    ),
                    SECRET,
                )
                view = fake.wait_for("views.open").args["view"]
                if isinstance(view, str):
                    view = json.loads(view)
                requests = Requests(fake, members, view)
                for kind in KINDS:
                    for level in args.concurrency:
                        count = max(args.requests, level)
                        if kind == "button":
                            _wait_settled(fake)
                            if requests.collect_cards() < count:
                                count = len(requests.cards)
                        for app_name, where in (("bare", bare_url), ("nolan", nolan_url)):
                            if kind == "button" and app_name == "bare":
                                # The bare app presses the same cards; Nolan then decides them.
                                cards, pressed = list(requests.cards), set(requests.pressed)
                                results.append(
                                    measure(app_name, kind, where, requests.body, level, count)
                                )
                                requests.cards, requests.pressed = cards, pressed
                                continue
                            cpu = getattr(where, "cpu", None)  # Nolan in processes of its own
                            used = cpu() if cpu else 0.0
                            spent = cpu_now(bool(url))
                            before = len(fake.calls())
                            results.append(
                                measure(app_name, kind, where, requests.body, level, count)
                            )
                            _wait_settled(fake)
                            if cpu:
                                results[-1].cpu_ms = (cpu() - used) * 1000 / count
                            record_cpu(results[-1], spent, count)
                            _done(results[-1], fake.calls()[before:])
                        _wait_settled(fake)
                pressed = sum(
                    len(r.latencies) for r in results if (r.app, r.kind) == ("nolan", NOTHING)
                )
                note(f"answered by Nolan: {answered(db)} of {pressed} presses of {NOTHING}")
            if nolan is not None:
                drain(nolan)
    finally:
        fake.stop()
    return results


def _done(result: Result, calls: list[Any]) -> None:
    """A Home refresh is left out: it waits HOME_REFRESH_SECONDS on purpose, to merge a burst."""
    record_done(result, [c.at for c in calls if c.method != "views.publish"])


def _wait_settled(fake: FakeSlack, quiet: float = 1.0, limit: float = 120.0) -> None:
    """Until the Web API calls made after the acks have stopped coming."""
    deadline = timer.monotonic() + limit
    seen = -1
    while timer.monotonic() < deadline:
        now = len(fake.calls())
        if now == seen:
            return
        seen = now
        timer.sleep(quiet)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform", choices=("slack", "teams"), default="slack")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--staff", type=int, default=100)
    parser.add_argument(
        "--history", type=int, default=0, help="messages already sent, seeded in the outbox"
    )
    parser.add_argument("--concurrency", default="1,10,50")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--threads", type=int, default=0, help="HTTP_THREADS (0: its default)")
    parser.add_argument(
        "--processes", type=int, default=0, help="HTTP_PROCESSES (0: Nolan in this process)"
    )
    parser.add_argument(
        "--delivery-process",
        type=int,
        choices=(0, 1),
        default=1,
        help="DELIVERY_PROCESS with --processes (1, as Nolan's default: the outbox in a "
        "process of its own; 0: in each HTTP process)",
    )
    args = parser.parse_args(argv)
    args.concurrency = [int(c) for c in args.concurrency.split(",") if c]
    if args.staff < 20:
        parser.error("--staff must be at least 20")
    url = None
    if args.db == "postgres":
        if not args.database_url:
            parser.error("--db postgres needs --database-url (or TEST_DATABASE_URL)")
        url = args.database_url
    if args.processes > 1 and args.db != "postgres":
        parser.error("--processes above 1 needs --db postgres")
    if args.processes and args.platform == "teams":
        parser.error("--processes is for Slack")
    args.threads = args.threads or Settings(database_url=url or "sqlite://").request_threads
    logging.basicConfig(level=logging.ERROR)
    warnings.simplefilter("ignore")  # the Teams SDK's notes on its preview features
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    started = timer.perf_counter()
    notes: list[str] = []  # said after the table
    if args.platform == "teams":
        from bench_ack_teams import run as run_teams

        results = run_teams(args, url, notes.append)
    else:
        results = run(args, url, notes.append)
    print(
        f"{args.platform}, {args.db}, {args.staff:,} staff, {args.threads} threads, "
        f"{_processes(args.processes, args.delivery_process)}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}, "
        f"{timer.perf_counter() - started:.0f} s in all"
    )
    for line in [*table(results), *ceiling(results, os.cpu_count() or 1), *notes]:
        print(line)
    return 0


def _processes(count: int, delivery: int) -> str:
    if not count:
        return "Nolan in this process"
    beside = " and the delivery process" if delivery else ", no delivery process"
    return f"{count} process{'es' * (count > 1)}{beside}"


if __name__ == "__main__":
    sys.exit(main())
