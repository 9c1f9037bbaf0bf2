#!/usr/bin/env python3
"""The CPU of the request's side alone, one request at a time: what a `/gift` command, a gift
form submitted and an Approve cost up to their ack, and with the listener's work after it.

    scripts/bench_request_path.py [--staff 50000] [--requests 150]

Nolan's WSGI app (bot.server.wsgi_app: the edge, Bolt, the middleware) is called in this
thread with signed requests, as waitress would call it, and each listener is waited for
before the next request. The delivery worker is stopped, so the process's CPU in that time
(time.process_time: every thread) is the request's: `to ack` until the app answers, `with
after` until the listener has finished (a command's views.open, Home refreshes queued). Its
messages stay queued. `bench_ack.py` measures the whole: the delivery worker included, at
concurrency, over HTTP. SQLite, a scratch file with --staff people (as bench_ack.py's).

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
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ack import APPROVE, SECRET, _answers, seed
from bench_sweep import scratch_database
from sqlmodel import select

from bot.app import create_app, outbox_of
from bot.server import EVENTS_PATH, wsgi_app
from bot.settings import Settings
from bot.ui.payload import Decision
from storage.models import ApprovalStep, Staff
from tests.fakeslack import FakeSlack
from tests.fakeslack.signing import (
    block_actions_form,
    sign,
    slash_command_form,
    view_state,
    view_submission_form,
)

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

            turn = iter(range(10**9))

            def command() -> str:
                return slash_command_form(
                    "/gift", "Dinner", members[next(turn) % len(members)],
                    trigger_id=fake.new_trigger_id(), response_url=fake.response_url("bench"),
                )

            send(command())
            view = fake.wait_for("views.open").args["view"]
            view = json.loads(view) if isinstance(view, str) else view

            def submission() -> str:
                person = members[next(turn) % len(members)]
                return view_submission_form(person, view, view_state(view, _answers()))

            results: dict[str, list[tuple[float, float]]] = {}
            kinds: list[tuple[str, Callable[[], str]]] = [
                ("slash-command", command), ("view-submission", submission)
            ]
            for kind, make in kinds:
                for _ in range(WARM):
                    send(make())
                results[kind] = [send(make()) for _ in range(requests)]
            presses = [press(fake, step_id, approver) for step_id, approver in pending(db)]
            for body in presses[:WARM]:
                send(body)
            results["button"] = [send(body) for body in presses[WARM : WARM + requests]]
            listeners.shutdown(wait=True)
            return results
    finally:
        fake.stop()


def pending(db: Any) -> list[tuple[int, str]]:
    """The steps waiting, with their approver's Slack id (the cards the worker did not send)."""
    with db.session() as session:
        return [
            (step_id, slack_id)
            for step_id, slack_id in session.exec(
                select(ApprovalStep.id, Staff.slack_user_id)
                .join(Staff, Staff.id == ApprovalStep.approver_id)  # type: ignore[arg-type]
                .where(ApprovalStep.status == "pending")
            )
            if step_id is not None and slack_id
        ]


def press(fake: FakeSlack, step_id: int, approver: str) -> str:
    """Approve pressed on the step's card (as the card's button carries it)."""
    return block_actions_form(
        approver, APPROVE, Decision(step_id=step_id, outcome="approved").encode(),
        block_id="decide", channel_id=f"D{approver}", message_ts="1.2",
        message={"ts": "1.2", "blocks": []}, response_url=fake.response_url("bench"),
        trigger_id=fake.new_trigger_id(),
    )


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
