"""The HTTP edge: anything unsigned is a 401, anything signed but malformed a 400, never a 500
and never a traceback in the log; a replayed form submission records nothing; a form Slack
will not open, or a listener's bug, is told to the person who asked, and forms Slack is slow
to open hold no other request's answer back (issues 9 and 10)."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import urllib.request
from typing import Any

import pytest
from slack_bolt import BoltRequest
from sqlalchemy import event
from sqlmodel import func, select

from bot.slack_client import KeptAliveClient
from storage.db import Database
from storage.models import ApprovalStep, Declaration, Staff
from tests.e2e.harness import SECRET, Clock, Nolan, dm_to
from tests.e2e.test_gifts_flow import APPROVE, gift, has_buttons, hospitality
from tests.fakeslack import (
    FakeSlack,
    event_callback_payload,
    post,
    sign,
    slash_command_form,
    view_state,
    view_submission_form,
)

GIFT = gift(Clock())
FORM = "application/x-www-form-urlencoded"


def raw_post(url: str, data: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info]


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({}, b"not even a form"),
        ({"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"}, b"{}"),
        ({"X-Slack-Request-Timestamp": "", "X-Slack-Signature": ""}, b"payload=%7B"),
        ({"X-Slack-Request-Timestamp": "1" * 40, "X-Slack-Signature": "v0=1"}, b"{"),
        ({"X-Slack-Request-Timestamp": "\u00b9\u00b2\u00b3", "X-Slack-Signature": "v0=1"}, b"{"),
        ({"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "x"}, b"\xff"),
        (sign("not-the-secret", b'{"type":"event_callback"}'), b'{"type":"event_callback"}'),
        (sign(SECRET, b"{}", timestamp=int(time.time()) - 600), b"{}"),
        (sign(SECRET, b"x"), b"x" * 2_000_000),
    ],
)
def test_unsigned_or_badly_signed_requests_are_401(
    nolan: Nolan, caplog: pytest.LogCaptureFixture, headers: dict[str, str], body: bytes
) -> None:
    caplog.set_level(logging.INFO)
    assert raw_post(nolan.events_url, body, headers) == 401
    assert tracebacks(caplog) == []
    assert len([r for r in caplog.records if r.name == "handlers.edge"]) == 1


def test_no_request_acts_unless_freshly_signed_with_the_secret(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    """Bolt takes the edge's word for a request's signature (bot.server.CHECKED): each kind
    of request that reaches Bolt over HTTP, unsigned, signed with another secret, signed over
    other bytes or too old, is refused 401 with nothing done; signed, the same bodies act."""
    view = nolan.open_modal("UALICE", "/gift", "Dinner")
    assert nolan.submit("UALICE", view, hospitality(clock)) == {}
    card = dm_to(fake, "UMGR", has_buttons)
    nolan.settle()
    bodies = {
        "command": slash_command_form(
            "/gift",
            "pen",
            "UALICE",
            trigger_id=fake.new_trigger_id(),
            response_url=fake.response_url("unsigned-command"),
        ),
        "submission": view_submission_form("UALICE", view, view_state(view, hospitality(clock))),
        "press": nolan.press_body("UMGR", card, APPROVE),
        "event": json.dumps(
            event_callback_payload(
                {"type": "app_home_opened", "user": "UALICE", "channel": "DUALICE", "tab": "home"}
            )
        ),
    }
    calls, stale = len(fake.calls()), int(time.time()) - 301
    for kind, body in bodies.items():
        data = body.encode()
        kind_of = {"Content-Type": "application/json" if kind == "event" else FORM}
        for why, headers in {
            "unsigned": {},
            "another secret": sign("not-the-secret", data),
            "other bytes": sign(SECRET, data + b" "),
            "stale": sign(SECRET, data, timestamp=stale),
        }.items():
            assert raw_post(nolan.events_url, data, {**kind_of, **headers}) == 401, (kind, why)
    nolan.settle()
    assert fake.calls()[calls:] == []
    assert declarations(db) == 1 and pending_steps(db) == 1
    assert post(nolan.events_url, bodies["press"], SECRET)[0] == 200
    assert pending_steps(db) == 0


def test_a_command_whose_text_says_payload_is_read_as_a_command(nolan: Nolan) -> None:
    """Bolt's own reading takes any form mentioning "payload" for an interaction's and finds
    nothing; Bolt is given the edge's reading, which looks for the field itself."""
    view = nolan.open_modal("UALICE", "/gift", "payload of pens")
    assert view["callback_id"]


def test_bolt_still_checks_a_request_that_does_not_come_through_the_edge(nolan: Nolan) -> None:
    body = slash_command_form("/gift", "pen", "UALICE", trigger_id="T", response_url="https://x")
    assert nolan.app is not None
    for headers in ({}, sign("not-the-secret", body)):
        assert nolan.app.dispatch(BoltRequest(body=body, headers=headers)).status == 401


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"payload=%7Bnot+json", "application/x-www-form-urlencoded"),
        (b"\xff\xfe", "application/x-www-form-urlencoded"),
        (b"[1, 2]", "application/json"),
        (b'{"type": "block_actions", "user": "UALICE", "actions": []}', "application/json"),
        (b'{"type": "view_submission", "user": {"id": "UALICE"}}', "application/json"),
        (b'{"type": "event_callback", "event": {"type": 7}}', "application/json"),
        (b"command=%2Fgift&text=pen", "application/x-www-form-urlencoded"),  # no user_id
        (b"&&&==", "application/x-www-form-urlencoded"),
        (b"payload=" + b"%5B" * 5000 + b"%5D" * 5000, "application/x-www-form-urlencoded"),
    ],
)
def test_signed_but_malformed_requests_are_400(
    nolan: Nolan, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    caplog.set_level(logging.INFO)
    headers = {"Content-Type": content_type, **sign(SECRET, body)}
    assert raw_post(nolan.events_url, body, headers) == 400
    assert tracebacks(caplog) == []


def test_the_flows_work_after_malformed_requests(nolan: Nolan, fake: FakeSlack) -> None:
    for body in (b"{", b"payload=%7B", b"\xff"):
        raw_post(nolan.events_url, body, {"Content-Type": "application/json", **sign(SECRET, body)})
    view = nolan.open_modal("UALICE", "/gift", "pen")
    assert nolan.submit("UALICE", view, GIFT) == {}


def declarations(db: Database) -> int:
    with db.session() as session:
        return session.exec(select(func.count()).select_from(Declaration)).one()


def pending_steps(db: Database) -> int:
    with db.session() as session:
        waiting = select(func.count()).where(ApprovalStep.status == "pending")
        return session.exec(waiting.select_from(ApprovalStep)).one()


def test_a_replayed_submission_records_nothing(nolan: Nolan, db: Database) -> None:
    view = nolan.open_modal("UALICE", "/gift", "pen")
    body = view_submission_form("UALICE", view, view_state(view, GIFT))
    stamp = int(time.time())
    first = post(nolan.events_url, body, SECRET, timestamp=stamp)
    again = post(nolan.events_url, body, SECRET, timestamp=stamp)  # same bytes, same signature
    assert (first[0], again[0]) == (200, 200)
    assert again[2].strip() == ""
    assert declarations(db) == 1


def test_a_submission_is_claimed_in_the_transaction_that_reads_who_sent_it(
    nolan: Nolan, db: Database
) -> None:
    """The claim and the submitter's row share one connection's transaction: one checkout and
    one commit before the flow's, not one each."""
    view = nolan.open_modal("UALICE", "/gift", "pen")
    body = view_submission_form("UALICE", view, view_state(view, GIFT))
    checkouts: list[int] = []
    seen: list[tuple[int, str]] = []

    def checked_out(*_: object) -> None:
        checkouts.append(len(checkouts))

    def sent(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if threading.current_thread().name.startswith("waitress"):
            seen.append((len(checkouts), " ".join(statement.split())))

    event.listen(db.engine.pool, "checkout", checked_out)
    event.listen(db.engine, "before_cursor_execute", sent)
    try:
        assert post(nolan.events_url, body, SECRET)[0] == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", sent)
        event.remove(db.engine.pool, "checkout", checked_out)
    claim = [n for n, st in seen if st.startswith("INSERT INTO view_submission")]
    who = [n for n, st in seen if st.startswith("SELECT staff.") and "slack_user_id =" in st]
    assert len(claim) == 1 and who == claim, seen
    assert declarations(db) == 1


def test_the_same_form_corrected_after_an_error_is_taken(nolan: Nolan, db: Database) -> None:
    """Slack keeps the view's id and hash while the form shows errors: the corrected form
    is the same view, and must not be taken for a replay."""
    view = nolan.open_modal("UALICE", "/gift", "pen")
    wrong = view_state(view, {**GIFT, "value_input": "lots"})
    body = view_submission_form("UALICE", view, wrong, view_id="VSAME", view_hash="1.h")
    status, _headers, reply = post(nolan.events_url, body, SECRET)
    assert status == 200 and json.loads(reply)["response_action"] == "errors"
    body = view_submission_form(
        "UALICE", view, view_state(view, GIFT), view_id="VSAME", view_hash="1.h"
    )
    status, _headers, reply = post(nolan.events_url, body, SECRET)
    assert status == 200 and reply.strip() == ""
    assert declarations(db) == 1


def test_a_form_slack_will_not_open_is_told(
    nolan: Nolan, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    fake.slack_error_next("views.open", "expired_trigger_id")
    status, _reply = nolan.command("UALICE", "/gift", "pen")
    assert status == 200
    told = fake.wait_for("response_url", lambda c: "open the form" in c.args.get("text", ""))
    assert told.args["response_type"] == "ephemeral"
    assert "expired_trigger_id" in told.args["text"]
    assert tracebacks(caplog) == []


def test_forms_slack_is_slow_to_open_hold_no_other_answer_back(
    fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each request's listener opens its form after the ack: with every request thread's
    listener still waiting on Slack there, the next request is answered all the same."""
    opening, release = threading.Semaphore(0), threading.Event()
    real = KeptAliveClient.views_open

    def slow(self: KeptAliveClient, **kwargs: Any) -> Any:
        opening.release()
        assert release.wait(30), "never released"
        return real(self, **kwargs)

    monkeypatch.setattr(KeptAliveClient, "views_open", slow)
    bot = Nolan(fake, db, clock, http_threads=2).start()
    try:
        for _ in range(2):  # as many as the requests handled at once
            assert bot.command("UALICE", "/gift", "pen")[0] == 200
            assert opening.acquire(timeout=10)
        assert bot.command("UALICE", "/gift", "pen")[0] == 200  # not Bolt's 404 after 3 s
        assert opening.acquire(timeout=10)
        release.set()
        fake.wait_for("views.open", count=3)
    finally:
        release.set()
        bot.stop()


def test_a_bug_is_told_with_a_reference_the_log_also_holds(
    nolan: Nolan, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers import manager_picker

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(manager_picker, "asks_for_manager", broken)  # drawing the /gift form
    status, reply = nolan.command("UALICE", "/gift", "pen")
    assert status == 200
    said = json.loads(reply)
    assert said["response_type"] == "ephemeral"
    reference = re.search(r"ref ([A-Z0-9]{6})", said["text"])
    assert reference, said
    logged = [r for r in caplog.records if reference.group(1) in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info is not None


def test_a_listeners_calls_go_over_the_apps_kept_alive_connections(
    nolan: Nolan, fake: FakeSlack
) -> None:
    """Not over the plain client Bolt makes for each request, a connection (over HTTPS, a
    handshake) a call: each form opened here would open one."""
    nolan.open_modal("UALICE", "/gift", "pen")
    nolan.settle()
    before = fake.connections
    for _ in range(5):
        nolan.open_modal("UALICE", "/gift", "pen")
    assert fake.connections - before <= 2
