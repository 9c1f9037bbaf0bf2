"""Home refreshes go through the outbox (bot.usecases.homes → the `home` card, drawn by
handlers.home.publish): coalesced while one waits, a second when a change lands during a
send, retried when a publish fails, and drawn at the pages the person was on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from slack_sdk.models.views import View
from sqlmodel import select

from bot.outbox import Worker
from bot.settings import Settings
from bot.usecases.homes import HomeRefresher
from handlers.home import publish
from handlers.home.ids import Pages
from handlers.home.publish import SlackHomes
from handlers.outgoing import SlackSender
from storage import audit
from storage.db import Database
from storage.models import ApprovalStep, Declaration, GiftOffer, OutboxMessage, Staff
from tests.bot.test_outbox import Clock


@dataclass
class Published:
    """Stands in for handlers.notifier.Notifier: keeps what each Home showed; `during` runs inside
    the next publish (a change landing while one is sent), `failures` are raised first."""

    views: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    during: Callable[[], None] | None = None
    failures: list[Exception] = field(default_factory=list)

    def publish_home(self, user_id: str, view: View) -> None:
        if self.failures:
            raise self.failures.pop(0)
        if self.during is not None:
            during, self.during = self.during, None
            during()
        self.views.append((user_id, view.to_dict()))


@dataclass
class Rig:
    db: Database
    published: Published
    refresher: HomeRefresher
    homes: SlackHomes
    worker: Worker
    clock: Clock

    def homes_of(self, user: str) -> list[str]:
        return [str(view["blocks"]) for who, view in self.published.views if who == user]

    def rows(self) -> list[OutboxMessage]:
        with self.db.session() as session:
            return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


@pytest.fixture
def rig(db: Database) -> Rig:
    published, clock = Published(), Clock()
    homes = SlackHomes(db, published, Settings()).attach()  # type: ignore[arg-type]
    worker = Worker(db, SlackSender(db, published), now=clock)  # type: ignore[arg-type]
    return Rig(db, published, HomeRefresher(db).watch(), homes, worker, clock)


def person(db: Database, slack: str, name: str, *, active: bool = True) -> int:
    with db.session() as session:
        row = Staff(email=f"{slack}@x", name=name, slack_user_id=slack, active=active)
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


def gift(db: Database, declarant_id: int, giver: str, *, approver_id: int | None = None) -> str:
    """A gift declared and audited (as a use case does); returns its reference."""
    with db.session() as session:
        row = Declaration(kind="gift", declarant_id=declarant_id, status="recorded")
        session.add(row)
        session.flush()
        assert row.id is not None
        row.reference = f"GH-{row.id:05d}"
        session.add(
            GiftOffer(
                declaration_id=row.id,
                kind="gift",
                offered_by=giver,
                relationship="other",
                description="Wine",
                value_pence=100,
                date_offered=date(2026, 6, 1),
                response="declined",
            )
        )
        if approver_id is not None:
            session.add(
                ApprovalStep(
                    declaration_id=row.id,
                    approver_id=approver_id,
                    role="line_manager",
                    purpose="authorise",
                )
            )
        audit.record(session, action="submitted", actor_id=declarant_id, declaration_id=row.id)
        session.commit()
        return row.reference


def test_a_refresh_keeps_the_page_the_person_was_on(rig: Rig) -> None:
    alice = person(rig.db, "UALICE", "Alice")
    for n in range(25):
        gift(rig.db, alice, f"Giver {n}")
    rig.refresher.settle()
    rig.worker.run_once()
    assert "GH-00025" in rig.homes_of("UALICE")[-1]

    assert rig.homes.publish("UALICE", Pages(mine=2))  # pressed "More" twice
    assert "GH-00005" in rig.homes_of("UALICE")[-1]  # the third page: the oldest five
    gift(rig.db, alice, "Giver 25")  # a change the Home shows (one that it did not: no publish)
    rig.refresher.settle()
    assert rig.worker.run_once() == 1
    latest = rig.homes_of("UALICE")[-1]
    assert len(rig.homes_of("UALICE")) == 3
    assert "GH-00005" in latest and "GH-00025" not in latest and "GH-00026" not in latest

    assert rig.homes.publish("UALICE", Pages())  # opening the tab again: the newest first
    assert "GH-00025" in rig.homes_of("UALICE")[-1]


def test_changes_before_the_worker_runs_make_one_publish_showing_them_all(rig: Rig) -> None:
    alice = person(rig.db, "UALICE", "Alice")
    manager = person(rig.db, "UMGR", "Manager")
    first = gift(rig.db, alice, "Acme", approver_id=manager)
    rig.refresher.settle()  # after the first listener
    second = gift(rig.db, alice, "Globex", approver_id=manager)
    rig.refresher.settle()  # after the second
    homes = [r for r in rig.rows() if r.kind == "home"]
    assert sorted(r.subject for r in homes) == [f"home:{alice}", f"home:{manager}"]
    assert {r.recipient for r in homes} == {f"staff:{alice}", f"staff:{manager}"}
    assert rig.published.views == []  # nothing published on the listener's thread

    assert rig.worker.run_once() == 2
    for user in ("UALICE", "UMGR"):
        (only,) = rig.homes_of(user)
        assert first in only and second in only


def test_a_change_while_a_refresh_is_being_sent_gets_its_own(rig: Rig) -> None:
    alice = person(rig.db, "UALICE", "Alice")
    gift(rig.db, alice, "Acme")
    rig.refresher.settle()
    later: list[str] = []

    def change() -> None:  # drawn already, not yet on Slack: this one is not in it
        later.append(gift(rig.db, alice, "Globex"))
        rig.refresher.settle()

    rig.published.during = change
    rig.worker.run_once()
    first, second = rig.homes_of("UALICE")
    assert later[0] not in first and later[0] in second
    assert [r.status for r in rig.rows() if r.kind == "home"] == ["sent", "sent"]


def test_a_refresh_that_fails_is_retried_by_the_outbox_not_lost(rig: Rig) -> None:
    alice = person(rig.db, "UALICE", "Alice")
    gift(rig.db, alice, "Acme")
    rig.refresher.settle()
    rig.published.failures = [OSError("connection refused")]
    rig.worker.run_once()
    (row,) = rig.rows()
    assert row.status == "failed" and "Slack not reached" in (row.last_error or "")
    newer = gift(rig.db, alice, "Globex")  # while it waits out its back-off
    rig.refresher.settle()
    assert len(rig.rows()) == 1  # the waiting refresh covers this change too

    rig.clock.now += timedelta(seconds=1)
    assert rig.worker.run_once() == 1
    (only,) = rig.homes_of("UALICE")
    assert newer in only
    assert [r.status for r in rig.rows()] == ["sent"]


def test_only_the_active_people_concerned_are_owed_a_refresh(rig: Rig) -> None:
    alice = person(rig.db, "UALICE", "Alice")
    deputy = person(rig.db, "UDEP", "Deputy")
    manager = person(rig.db, "UMGR", "Manager")
    gone = person(rig.db, "UGONE", "Gone", active=False)
    person(rig.db, "UBOB", "Bob")
    with rig.db.session() as session:
        row = Declaration(kind="gift", declarant_id=alice, status="pending")
        session.add(row)
        session.flush()
        assert row.id is not None
        session.add(
            ApprovalStep(
                declaration_id=row.id,
                approver_id=deputy,
                delegated_from_id=manager,
                role="line_manager",
                purpose="authorise",
            )
        )
        audit.record(session, action="submitted", actor_id=gone, declaration_id=row.id)
        session.commit()
    assert rig.refresher.settle() == [alice, deputy, manager]
    assert sorted(r.subject for r in rig.rows()) == [f"home:{i}" for i in (alice, deputy, manager)]


def test_a_detached_database_draws_no_home_until_an_app_attaches_again(rig: Rig) -> None:
    """After `detach` (the app that drew Homes is gone), a queued refresh is tried again
    later, by the next app, rather than drawn by the old one."""
    alice = person(rig.db, "UALICE", "Alice")
    gift(rig.db, alice, "Acme")
    rig.refresher.settle()
    publish.detach(rig.db)
    rig.worker.run_once()
    assert rig.published.views == []
    assert [r.status for r in rig.rows() if r.kind == "home"] == ["failed"]  # tried again
    rig.homes.attach()
    rig.clock.now += timedelta(minutes=5)
    rig.worker.run_once()
    assert len(rig.homes_of("UALICE")) == 1


def unseen_change(rig: Rig, staff_id: int) -> None:
    """A change that concerns the person but that their Home does not show."""
    with rig.db.session() as session:
        audit.record(session, action="delegated", delegator_id=staff_id, deputy_id=staff_id)
        session.commit()
    rig.refresher.settle()


def test_a_refresh_that_would_show_the_same_home_is_not_published_again(rig: Rig) -> None:
    alice = person(rig.db, "UALICE", "Alice")
    gift(rig.db, alice, "Acme")
    rig.refresher.settle()
    assert rig.worker.run_once() == 1
    unseen_change(rig, alice)
    assert rig.worker.run_once() == 1
    assert len(rig.homes_of("UALICE")) == 1
    assert [r.status for r in rig.rows()] == ["sent", "skipped"]

    newer = gift(rig.db, alice, "Globex")  # a change it shows: published
    rig.refresher.settle()
    assert rig.worker.run_once() == 1
    assert len(rig.homes_of("UALICE")) == 2 and newer in rig.homes_of("UALICE")[-1]


def test_after_a_failed_publish_the_next_refresh_is_published_even_if_the_same(rig: Rig) -> None:
    alice = person(rig.db, "UALICE", "Alice")
    gift(rig.db, alice, "Acme")
    rig.refresher.settle()
    rig.worker.run_once()
    rig.published.failures = [OSError("timed out")]  # Slack may or may not have taken it
    assert not rig.homes.publish("UALICE", Pages())
    unseen_change(rig, alice)
    assert rig.worker.run_once() == 1
    assert len(rig.homes_of("UALICE")) == 2


def test_where_several_processes_publish_every_refresh_is_published(rig: Rig) -> None:
    several = Settings(http_processes=2, delivery_process=False)
    homes = SlackHomes(rig.db, rig.published, several).attach()  # type: ignore[arg-type]
    alice = person(rig.db, "UALICE", "Alice")
    gift(rig.db, alice, "Acme")
    rig.refresher.settle()
    rig.worker.run_once()
    unseen_change(rig, alice)  # another process may have published a different Home since
    assert rig.worker.run_once() == 1
    assert len(rig.homes_of("UALICE")) == 2 and homes is not rig.homes
