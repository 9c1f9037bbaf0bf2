"""handlers.home.refresh: a refresh keeps the pages the person was on; opening starts afresh."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.views import View

from bot.settings import Settings
from handlers.home.ids import Pages
from handlers.home.refresh import HomeRefresher
from storage import audit
from storage.db import Database
from storage.models import Declaration, GiftOffer, Staff


class Published:
    """Stands in for bot.notifier.Notifier: keeps what each Home showed."""

    def __init__(self) -> None:
        self.views: list[tuple[str, dict[str, Any]]] = []

    def publish_home(self, user_id: str, view: View) -> None:
        self.views.append((user_id, view.to_dict()))


def _text(view: dict[str, Any]) -> str:
    return str(view["blocks"])


def test_a_refresh_keeps_the_page_the_person_was_on(db: Database) -> None:
    with db.session() as session:
        alice = Staff(email="alice@x", name="Alice", slack_user_id="UALICE")
        session.add(alice)
        session.flush()
        assert alice.id is not None
        for n in range(25):
            row = Declaration(kind="gift", declarant_id=alice.id, status="recorded")
            session.add(row)
            session.flush()
            row.reference = f"GH-{row.id:05d}"
            session.add(
                GiftOffer(
                    declaration_id=row.id or 0,
                    kind="gift",
                    offered_by=f"Giver {n}",
                    relationship="other",
                    description="Wine",
                    value_pence=100,
                    date_offered=date(2026, 6, 1),
                    response="declined",
                )
            )
        session.commit()
        alice_id = alice.id
    published = Published()
    homes = HomeRefresher(db, published, Settings())  # type: ignore[arg-type]
    homes.watch()

    assert homes.publish("UALICE", Pages(mine=2))
    assert "GH-00005" in _text(published.views[-1][1])  # the third page: the oldest five
    with db.session() as session:
        audit.record(session, action="delegated", delegator_id=alice_id, deputy_id=alice_id)
        session.commit()
    homes.settle()
    user, view = published.views[-1]
    assert user == "UALICE" and len(published.views) == 2
    assert "GH-00005" in _text(view) and "GH-00025" not in _text(view)

    assert homes.publish("UALICE", Pages())  # opening the tab again: the newest first
    assert "GH-00025" in _text(published.views[-1][1])
