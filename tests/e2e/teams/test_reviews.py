"""The yearly review of an outside-work permission on Teams end to end: the sweep on the Teams
runtime asks on the grant's anniversary (once, audited as sent); "It continues unchanged" and
"It has ended" are answered once, the card replaced in place; "It has changed" opens the
outside-work form as a dialog and the card is replaced in place; anyone else is refused."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

from sqlmodel import col, select

from bot.usecases.reviews import NOT_YOURS
from storage.db import Database
from storage.models import AuditEntry, Confirmation, OutsideWork, Staff
from tests.e2e.teams.approving import EXECUTE, MANNY, add_manny, execute, press
from tests.e2e.teams.dialogs import closed_with, dialog_of, fetch, inputs
from tests.e2e.teams.harness import ORG, TeamsNolan, cards_of
from tests.e2e.teams.test_home import actions, shown
from tests.e2e.teams.test_vetting import LONDON, sweep, to
from tests.faketeams import FakeTeams
from tests.faketeams.server import Call
from tests.schemas import card_problems
from tests.usecases.people import granted_permission

ALICE, BOB, MO = ORG
GRANTED = datetime(2026, 2, 1, 11, 0, tzinfo=UTC)
ANNIVERSARY = date(2027, 2, 1)  # a Monday
ASKS = "Outside work: yearly review"


def grant(db: Database, org: dict[str, Staff]) -> int:
    """Alice's permission to coach a football club, granted by the monitoring officer."""
    return granted_permission(db, org, by="mo", at=GRANTED)


def answers(db: Database) -> list[Confirmation]:
    with db.session() as session:
        return list(session.exec(select(Confirmation).order_by(col(Confirmation.id))))


def audited(db: Database, action: str) -> list[dict[str, Any]]:
    with db.session() as session:
        query = select(AuditEntry).where(AuditEntry.action == action)
        rows = session.exec(query.order_by(col(AuditEntry.id))).all()
        return [json.loads(a.detail) for a in rows]


def ended_on(db: Database, declaration_id: int) -> date | None:
    with db.session() as session:
        work = session.exec(
            select(OutsideWork).where(OutsideWork.declaration_id == declaration_id)
        ).one()
        return work.ended_on


def review(nolan: TeamsNolan, fake: FakeTeams) -> Call:
    sweep(nolan, date(2027, 1, 29))  # the Friday before: not yet
    assert to(fake, ALICE, ASKS) == []
    sweep(nolan, ANNIVERSARY)
    [asked] = to(fake, ALICE, ASKS)
    return asked


def changed_button(asked: Call) -> dict[str, Any]:
    [card] = cards_of(asked)
    [changed] = [a for a in actions(card) if a.get("title") == "It has changed"]
    return changed


def answer_at_noon(nolan: TeamsNolan) -> None:
    nolan.clock.now = datetime.combine(ANNIVERSARY, time(12), tzinfo=LONDON).astimezone(UTC)


def test_the_sweep_asks_once_and_it_continues_unchanged(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    declaration_id = grant(db, org)
    asked = review(nolan, fake)
    said = shown(asked).replace("\n", "")
    assert "Volunteer coach at Riverside Youth Football Club" in said
    assert "Sunday 1 February 2026: 1 year ago" in said
    [card] = cards_of(asked)
    titles = [a.get("title") for a in actions(card)]
    assert titles[:3] == ["It continues unchanged", "It has changed", "It has ended"]
    assert [d["anniversary"] for d in audited(db, "outside_work_review_sent")] == ["2027-02-01"]

    answer_at_noon(nolan)
    status, reply = press(nolan, ALICE, asked, "review_unchanged")
    assert status == 200 and reply["statusCode"] == 200 and not card_problems(reply["value"])
    replaced = shown(reply["value"])
    assert "You confirmed that" in replaced and "continues unchanged" in replaced
    assert not list(actions(reply["value"]))
    status, again = press(nolan, ALICE, asked, "review_unchanged")  # a double press
    assert status == 200 and "continues unchanged" in shown(again["value"])
    [answer] = answers(db)
    assert (answer.subject, answer.period, answer.response) == (
        f"declaration:{declaration_id}", "2027-02-01", "confirmed",
    )
    sweep(nolan, date(2027, 2, 2))  # answered: not asked again
    assert len(to(fake, ALICE, ASKS)) == 1


def test_it_has_ended_ends_it_once_and_tells_the_line_manager(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    add_manny(fake, db, org)
    declaration_id = grant(db, org)
    asked = review(nolan, fake)
    [card] = cards_of(asked)
    [show] = [a for a in card["actions"] if a["type"] == "Action.ShowCard"]
    assert show["title"] == "It has ended" and "End this outside work?" in shown(show["card"])
    answer_at_noon(nolan)
    status, reply = press(nolan, ALICE, asked, "review_ended")
    assert status == 200
    assert "recorded as ended on Monday 1 February 2027" in shown(reply["value"])
    status, again = press(nolan, ALICE, asked, "review_ended")
    assert status == 200 and "has ended" in shown(again["value"])
    assert ended_on(db, declaration_id) == ANNIVERSARY
    assert len(audited(db, "ended")) == 1
    nolan.settle()
    [word] = to(fake, MANNY, "has ended")
    assert "For your information: Alice Able's outside work" in shown(word)


def test_it_has_changed_opens_the_form_and_replaces_the_card(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    grant(db, org)
    asked = review(nolan, fake)
    changed = changed_button(asked)
    assert changed["type"] == "Action.Submit" and changed["data"]["_action"] == "review_changed"
    answer_at_noon(nolan)
    form = dialog_of(fetch(nolan, ALICE, changed["data"]))
    fields = inputs(form)
    assert any(f.get("value") == "Riverside Youth Football Club" for f in fields.values())
    assert any(str(f.get("value", "")).startswith("A change to") for f in fields.values())
    [answer] = answers(db)
    assert answer.response == "updated"
    nolan.settle()
    [update] = [c for c in fake.calls("update") if c.activity_id == asked.response["id"]]
    assert "has changed" in shown(update) and not list(actions(cards_of(update)[0]))


def test_someone_elses_press_and_a_forged_one_are_refused(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    grant(db, org)
    asked = review(nolan, fake)
    [card] = cards_of(asked)
    status, reply = press(nolan, MO, asked, "review_unchanged")
    assert status == 200 and reply["value"] == NOT_YOURS
    assert closed_with(fetch(nolan, MO, changed_button(asked)["data"])) == NOT_YOURS
    junk = {"action": {"type": "Action.Execute", "verb": "review_ended",
                       "data": {"_payload": "junk"}}}
    status, forged = nolan.post(nolan.activity(ALICE, "invoke", name=EXECUTE, value=junk))
    assert status == 200 and forged["statusCode"] == 400
    assert execute(card, "review_ended")  # still there: nothing was decided
    assert answers(db) == []
