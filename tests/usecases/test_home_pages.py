"""A Home's lists read a page and the list's total in one statement (a window count); a page
past the end — the list shrank since it was shown — shows the last one, with the total."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.settings import Policy
from bot.ui.home_model import Pages
from bot.usecases.home import load_home, own_declarations
from storage.db import Database
from tests.handlers.test_home_refresh import gift, person

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def test_each_list_gives_its_total_and_a_page_past_the_end_shows_the_last(db: Database) -> None:
    manager, alice = person(db, "UMGR", "Manny"), person(db, "UALICE", "Alice")
    for n in range(12):
        gift(db, alice, f"Giver {n}", approver_id=manager)
    for n in range(3):
        gift(db, manager, f"Host {n}")
    with db.session() as session:
        first = load_home(
            session, staff_id=manager, policy=Policy(), now=NOW, pages=Pages(), page_size=5
        )
        past = load_home(
            session,
            staff_id=manager,
            policy=Policy(),
            now=NOW,
            pages=Pages(mine=4, waiting=7),
            page_size=5,
        )
        theirs = own_declarations(session, alice, 1, Policy(), 5)
    assert first is not None and past is not None
    assert (first.waiting.total, first.waiting.page, len(first.waiting.items)) == (12, 0, 5)
    assert (first.mine.total, first.mine.page, len(first.mine.items)) == (3, 0, 3)
    assert (past.waiting.total, past.waiting.page, len(past.waiting.items)) == (12, 2, 2)
    assert (past.mine.total, past.mine.page, len(past.mine.items)) == (3, 0, 3)
    assert [i.reference for i in past.mine.items] == [i.reference for i in first.mine.items]
    assert (theirs.total, theirs.page, len(theirs.items)) == (12, 1, 5)
    assert theirs.items[0].reference == "GH-00007"  # newest first: the second page
