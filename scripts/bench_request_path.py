#!/usr/bin/env python3
"""The CPU of the request's side alone, one request at a time: what a `/gift` command, a gift
form submitted, an Approve and the annual declaration's "Nothing has changed" cost up to their
ack, and with the listener's work after it.

    scripts/bench_request_path.py [--staff 50000] [--requests 150]

Nolan's WSGI app (bot.server.wsgi_app: the edge, Bolt, the middleware) is called in this
thread with signed requests, as waitress would call it, and each listener is waited for
before the next request. The delivery worker is stopped, so the process's CPU in that time
(time.process_time: every thread) is the request's: `to ack` until the app answers, `with
after` until the listener has finished (a command's views.open, Home refreshes queued). The
requests are bench_ack.py's; before the presses, another app's worker delivers what the forms
owe, so each press carries its card as Slack sends it. `bench_ack.py` measures the whole: the
delivery worker included, at concurrency, over HTTP. SQLite, a scratch file with --staff
people (as bench_ack.py's).

Prints the median and mean CPU ms of each kind. Not a timed test;
tests/bot/test_bench_scripts.py runs it small so it does not rot.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_db import scratch_database
from bench_requests import KINDS, SECRET, Requests
from bench_seed import seed

from bot.app import create_app, outbox_of
from bot.server import EVENTS_PATH, wsgi_app
from bot.settings import Settings
from tests.fakeslack import FakeSlack
from tests.fakeslack.signing import sign

WARM = 10  # requests of each kind first, not counted


def environ(body: str) -> dict[str, Any]:
    """What waitress hands the app for a signed POST of `body`."""
    data = body.encode()
    kind = "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
    found: dict[str, Any] = {
        "REQUEST_METHOD": "POST", "PATH_INFO": EVENTS_PATH, "QUERY_STRING": "",
        "CONTENT_TYPE": kind, "CONTENT_LENGTH": str(len(data)), "wsgi.input": io.BytesIO(data),
        "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "SERVER_NAME": "bench",
        "SERVER_PORT": "80",
    }
    for name, value in sign(SECRET, data).items():
        found["HTTP_" + name.upper().replace("-", "_")] = value
    return found


def run(staff: int, requests: int) -> dict[str, list[tuple[float, float]]]:
    """Per kind, each request's CPU ms to its ack and with its listener's work after it."""
    fake = FakeSlack().start()
    try:
        with scratch_database(None, staff, 8) as db:
            people = seed(db, staff)
            members = [p["slack_user_id"] for p in people if p["id"] > 2 + staff // 10]
            settings = Settings(
                slack_bot_token="xoxb-bench", slack_signing_secret=SECRET,
                slack_api_url=fake.api_url, database_url=db.url,
            )
            app = create_app(settings, db)
            outbox_of(app).stop()  # its CPU is not the request's
            application = wsgi_app(app, db)
            listeners = app.listener_runner.listener_executor

            def send(body: str) -> tuple[float, float]:
                answered: list[str] = []
                started = time.process_time()
                b"".join(application(environ(body), lambda status, *_: answered.append(status)))
                acked = time.process_time()
                assert listeners.wait_idle(30), "a listener did not finish"
                assert answered == ["200 OK"], answered
                return (acked - started) * 1000, (time.process_time() - started) * 1000

            send(Requests(fake, members, {}).body("slash-command"))
            view = fake.wait_for("views.open").args["view"]
            made = Requests(fake, members, json.loads(view) if isinstance(view, str) else view)
            results: dict[str, list[tuple[float, float]]] = {}
            for kind in KINDS:
                if kind == "button":  # the managers' cards, as Slack shows them
                    deliver(settings, db)
                    assert made.collect_cards() >= WARM + requests, "too few cards"
                for _ in range(WARM):
                    send(made.body(kind))
                results[kind] = [send(made.body(kind)) for _ in range(requests)]
            listeners.shutdown(wait=True)
            return results
    finally:
        fake.stop()


def deliver(settings: Settings, db: Any) -> None:
    """Send what the requests owe (the approvers' cards among it) with a worker of another
    app, before the presses are timed: this one's has been stopped."""
    sender = create_app(settings, db)
    worker = outbox_of(sender)
    assert worker.wait_idle(300), "the cards were not delivered"
    worker.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=150)
    args = parser.parse_args(argv)
    if args.staff < 20:
        parser.error("--staff must be at least 20")
    logging.basicConfig(level=logging.ERROR)
    results = run(args.staff, args.requests)
    print(
        f"sqlite, {args.staff:,} staff, {args.requests} of each, one at a time, "
        f"load {os.getloadavg()[0]:.1f}; CPU ms"
    )
    print(f"{'request':16} {'to ack p50':>10} {'mean':>6} {'with after p50':>15} {'mean':>6}")
    for kind, got in results.items():
        acks, wholes = [a for a, _ in got], [w for _, w in got]
        print(
            f"{kind:16} {statistics.median(acks):10.2f} {statistics.mean(acks):6.2f} "
            f"{statistics.median(wholes):15.2f} {statistics.mean(wholes):6.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
