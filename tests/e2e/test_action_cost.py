"""An action reads only the rows it concerns: declaring a gift, approving it and answering the
annual declaration's "Nothing has changed" cost the same queries in an office of a hundred as
in a police force of fifty thousand."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from sqlalchemy import event, insert
from sqlmodel import func, select

from bot.rules.annual import round_of
from bot.sending import Queued
from bot.settings import Policy
from bot.usecases.homes import HOME
from handlers.annual.ids import Action as AnnualAction
from handlers.annual.messages import annual_message
from handlers.home.publish import draw_home
from storage.db import Database
from storage.models import Staff
from tests.e2e.harness import Clock, Nolan, dm_to, redrawn, seed_org
from tests.e2e.plans import Captured, full_scans
from tests.e2e.test_delegation_flow import APPROVE, has_buttons
from tests.e2e.test_gifts_flow import hospitality
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call

SMALL, LARGE = 100, 50_000
NOTHING_CHANGED = AnnualAction.NOTHING_CHANGED.value
HOME_DRAWN = 9  # the outbox worker's statements to draw one Home (the `home` card)


def add_staff(db: Database, upto: int, manager_id: int | None = None) -> None:
    """Colleagues in other teams, up to `upto` people in all, reporting to the head (or to
    `manager_id`)."""
    with db.session() as session:
        have = session.exec(select(func.count()).select_from(Staff)).one()
        if manager_id is None:
            head = session.exec(select(Staff).where(Staff.roles == "head_of_office")).one().id
        else:
            head = manager_id
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        {
            "email": f"colleague{i}@opcc.example",
            "name": f"Colleague {i}",
            "roles": "",
            "slack_user_id": f"UC{i:07d}",
            "line_manager_id": head,
            "active": True,
            "politically_restricted": False,
            "updated_at": stamp,
        }
        for i in range(have, upto)
    ]
    with db.engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(insert(Staff), rows[start : start + 5000])


def queries(
    db: Database, nolan: Nolan, action: Callable[[], None], seen: list[Captured] | None = None
) -> tuple[int, int, int]:
    """Statements sent to the database by one action and all the work it sets off — the
    request's and its listeners', then the outbox worker's — and the staff rows they read (the
    bot settles — its listeners, then the outbox, Home refreshes included — and stops before
    counting ends). One query can read the whole org chart: the rows tell. The bot's statements
    and their parameters go to `seen`, for their plans."""
    count = [0, 0, 0]
    test_thread = threading.get_ident()

    def counted(
        _conn: object, _cursor: object, statement: str, parameters: Any, *_: object
    ) -> None:
        if seen is not None and threading.get_ident() != test_thread:
            seen.append((statement, parameters))
        if on_the_worker():
            count[2] += by_the_worker(" ".join(statement.split()))
        elif threading.get_ident() != test_thread:  # not settle()'s polling: the bot's work
            count[0] += 1

    def staff_read(*_: object) -> None:
        count[1] += 1

    nolan.start()
    nolan.settle()  # the outbox worker's pass on start-up is not the action's work
    event.listen(db.engine, "before_cursor_execute", counted)
    event.listen(Staff, "load", staff_read)
    event.listen(Staff, "refresh", staff_read)
    try:
        action()
        nolan.settle()  # the Home refreshes it owes too: stopping leaves them for the next start
        nolan.stop()
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
        event.remove(Staff, "load", staff_read)
        event.remove(Staff, "refresh", staff_read)
    return count[0], count[1], count[2]


def annual_dm(user: str, year: int) -> Call:
    """The annual declaration's DM as `user` has it (the sweep's message, drawn here)."""
    message = annual_message(
        name=user, round_=round_of(year, (4, 1), 4), holdings=None, policy=Policy()
    )
    blocks = [block.to_dict() for block in message.blocks]
    args = {"channel": f"D{user}", "ts": "1700000000.000100", "blocks": blocks}
    return Call("chat.update", args, token=None)


def actions_cost(
    fake: FakeSlack,
    db: Database,
    clock: Clock,
    staff: int,
    cards: int,
    seen: list[Captured] | None = None,
) -> tuple[tuple[int, int, int], ...]:
    """Queries of a declaration, of its approval and of "Nothing has changed" (the second of
    each, by another person: the first warms caches) in an office of `staff`; `cards` is how
    many cards the manager had before. The statements of all six, and of the monitoring
    officer's Home opened after, go to `seen`."""
    seed_org(db)
    add_staff(db, staff)
    nolan = Nolan(fake, db, clock)

    def declare(number: int) -> Callable[[], None]:
        def run() -> None:
            view = nolan.open_modal("UALICE", "/gift", "Dinner")
            # A new giver each time: a third offer from one would raise a risk flag.
            answers = hospitality(clock, offered_by_input=f"Giver {number}")
            assert nolan.submit("UALICE", view, answers) == {}
            dm_to(fake, "UMGR", has_buttons, count=cards + number)

        return run

    def approve(number: int) -> Callable[[], None]:
        def run() -> None:
            card = dm_to(fake, "UMGR", has_buttons, count=cards + number)
            status, _ = nolan.press("UMGR", card, APPROVE)
            assert status == 200

        return run

    def nothing_changed(user: str) -> Callable[[], None]:
        def run() -> None:
            dm = annual_dm(user, clock().year)
            status, _ = nolan.press(user, dm, NOTHING_CHANGED)
            assert status == 200
            redrawn(fake, user)

        return run

    queries(db, nolan, declare(1), seen)
    queries(db, nolan, approve(1), seen)
    queries(db, nolan, nothing_changed("UEVE"), seen)
    cost = (
        queries(db, nolan, declare(2), seen),
        queries(db, nolan, approve(2), seen),
        queries(db, nolan, nothing_changed("UBOB"), seen),
    )
    if seen is not None:  # and an officer's Home: the risk window's flags, the year's counts
        queries(db, nolan, lambda: nolan.open_home("UMO") and None, seen)
    return cost


def test_declaring_and_deciding_cost_the_same_queries_whatever_the_size_of_the_office(
    fake: FakeSlack, db: Database, fresh_db_url: str, clock: Clock
) -> None:
    small = actions_cost(fake, db, clock, SMALL, cards=0)
    large_db = Database(fresh_db_url)
    large_db.migrate()
    statements: list[Captured] = []
    try:
        large = actions_cost(fake, large_db, clock, LARGE, cards=2, seen=statements)
        scans = full_scans(large_db, statements)
    finally:
        large_db.dispose()
    for (large_queries, large_rows, large_sends), (small_queries, small_rows, small_sends) in zip(
        large, small, strict=True
    ):
        # The request's statements are the same whatever the size of the office; the staff
        # rows read by every thread and the worker's work on its messages too, but for timings
        # that are not the office's size: a claim given back when the pace holds a message (its
        # update and its claim again, the recipient read again when it goes), and a person's
        # Home drawn twice when the refresh a sent card owes comes after the listener's went
        # (refreshes merge only while one waits: about a dozen statements and its person).
        assert abs(large_rows - small_rows) <= 2, (large, small)
        assert large_queries == small_queries, (large, small)
        assert abs(large_sends - small_sends) <= 4 + HOME_DRAWN, (large, small)
    assert all(staff_read < 50 for _, staff_read, _ in small)  # those concerned, not everyone
    # Nor does any statement read a whole table to find them: the same number of statements
    # can still cost more with every person added (a role looked for by LIKE in everyone's,
    # whether someone manages anyone asked of every row) — by its plan, not by its time.
    assert statements and scans == [], "\n".join(scans)


# What one request's transaction may send, at most: the submission's own (its replay claim,
# the declaration, its routing, risk flags, messages owed and audit links) and the Approve's.
# Each statement is a round trip on PostgreSQL, so this count is the request's latency at low
# load: lower it when a change saves some, never raise it to let a regression through. By
# database: PostgreSQL adds the audit trail's links in the statement that moves its head on.
STATEMENTS = {"sqlite": (14, 12), "postgresql": (13, 11)}  # a submission's, an approval's


def statements_sent(
    db: Database, nolan: Nolan, act: Callable[[], object], counts: Callable[[str], bool]
) -> list[str]:
    """The statements sent in `act`, until the bot settles, that `counts` (given the statement,
    whitespace folded, on the thread that sends it) keeps."""
    seen: list[str] = []

    def counted(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statement = " ".join(statement.split())
        if counts(statement):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        act()
        nolan.settle()
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    return seen


def on_the_worker() -> bool:
    """On the outbox worker's thread, or one of its lanes' (bot.pacing.Lanes)."""
    name = threading.current_thread().name
    return name == "outbox" or name.startswith("outbox-send")


def by_the_worker(statement: str) -> bool:
    """Sent by the outbox worker for its work on each message: not its looks at what is due,
    whose number follows its passes (woken by each commit, kept to the platform's pace)."""
    polls = statement.startswith("SELECT") and "FROM outbox" in statement
    on_messages = not polls or "outbox.id = " in statement or "outbox.id IN" in statement
    return on_the_worker() and on_messages


def by_a_request(_statement: str) -> bool:
    """Sent by a request thread: the server's or a listener's, not the outbox worker's."""
    return threading.current_thread().name.startswith(("waitress", "ThreadPoolExecutor"))


def submitted_and_approved(
    fake: FakeSlack, db: Database, clock: Clock, counts: Callable[[str], bool]
) -> tuple[list[str], list[str]]:
    """The statements `counts` keeps of a gift's submission and of its approval, each the
    second of its kind (the first warms the caches)."""
    seed_org(db)
    nolan = Nolan(fake, db, clock)
    nolan.start()
    nolan.settle()
    try:
        views = [nolan.open_modal("UALICE", "/gift", "Dinner") for _ in range(2)]
        for number, view in enumerate(views, start=1):
            answers = hospitality(clock, offered_by_input=f"Giver {number}")
            submit = partial(nolan.submit, "UALICE", view, answers)
            submitted = statements_sent(db, nolan, submit, counts)
            dm_to(fake, "UMGR", has_buttons, count=number)
        card = dm_to(fake, "UMGR", has_buttons, count=2)
        press = partial(nolan.press, "UMGR", card, APPROVE)
        approved = statements_sent(db, nolan, press, counts)
    finally:
        nolan.stop()
    return submitted, approved


def test_a_submission_and_an_approval_send_no_more_statements_than_they_did(
    fake: FakeSlack, db: Database, clock: Clock
) -> None:
    submitted, approved = submitted_and_approved(fake, db, clock, by_a_request)
    submission_statements, approval_statements = STATEMENTS[db.engine.dialect.name]
    assert len(submitted) <= submission_statements, "\n".join(submitted)
    assert len(approved) <= approval_statements, "\n".join(approved)


def test_one_home_draw_sends_no_more_statements_than_home_drawn(
    fake: FakeSlack, db: Database, clock: Clock
) -> None:
    """A Home refresh drawn by the outbox worker (the `home` card: the person, then their
    Home) costs a fixed number of statements, whatever is on it: here a manager with gifts of
    their own and two waiting on them, and a declarant with theirs and none to decide."""
    people = seed_org(db)
    nolan = Nolan(fake, db, clock)
    nolan.start()
    nolan.settle()
    try:
        for number, who in enumerate(("UALICE", "UALICE", "UMGR"), start=1):
            view = nolan.open_modal(who, "/gift", "Dinner")
            answers = hospitality(clock, offered_by_input=f"Giver {number}")
            assert nolan.submit(who, view, answers) == {}
            nolan.settle()
    finally:
        nolan.stop()
    drawn: dict[str, list[str]] = {}
    for key in ("manager", "alice", "manager", "alice"):  # the first two warm the caches
        drawn[key] = []

        def counted(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            drawn[key].append(" ".join(statement.split()))  # noqa: B023

        message = Queued(0, HOME, "home", "", {"staff_id": people[key].id})
        event.listen(db.engine, "before_cursor_execute", counted)
        try:
            with db.session() as session:
                draw_home(session, message)  # None when it is the Home last published
        finally:
            event.remove(db.engine, "before_cursor_execute", counted)
    for key, statements in drawn.items():
        assert any("JOIN gift_offer" in s for s in statements), key  # the Home was drawn
        assert len(statements) <= HOME_DRAWN, (key, "\n".join(s[:100] for s in statements))


# What "Nothing has changed" sends at most, on the request's threads: the person read, the
# answer, its receipt owed (the DM redrawn by the outbox) and its audit entry (the chain's
# head claimed and moved on) in one transaction, and who it concerns for the Home. On the
# annual morning every member of a force sends these.
NOTHING_CHANGED_STATEMENTS = 7


def test_nothing_has_changed_sends_no_more_statements_than_it_did(
    fake: FakeSlack, db: Database, clock: Clock
) -> None:
    seed_org(db)
    nolan = Nolan(fake, db, clock)
    nolan.start()
    nolan.settle()
    try:
        sent: list[str] = []
        for user in ("UEVE", "UBOB"):  # the first warms the caches
            press = partial(nolan.press, user, annual_dm(user, clock().year), NOTHING_CHANGED)
            sent = statements_sent(db, nolan, press, by_a_request)
            redrawn(fake, user)
    finally:
        nolan.stop()
    assert len(sent) <= NOTHING_CHANGED_STATEMENTS, "\n".join(sent)


@pytest.mark.parametrize("command", ["/gift", "/outside-work", "/interest"])
def test_a_form_command_reads_who_asked_for_it_once(
    fake: FakeSlack, db: Database, clock: Clock, command: str
) -> None:
    """The form is drawn for the person the request read already (handlers.context.
    load_actor), not for a second read of them by their Slack id."""
    seed_org(db)
    nolan = Nolan(fake, db, clock)
    nolan.start()
    nolan.settle()
    try:
        opened = statements_sent(
            db, nolan, partial(nolan.command, "UALICE", command, "pen"), by_a_request
        )
    finally:
        nolan.stop()
    by_slack_id = [s for s in opened if s.startswith("SELECT") and "staff.slack_user_id =" in s]
    assert len(by_slack_id) == 1, "\n".join(opened)
    assert fake.calls("views.open")
