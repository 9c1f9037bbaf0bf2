"""The yearly review of an outside-work permission end to end: granted through /outside-work
(line manager supports, head of office grants), put up for review by the sweep on the grant's
anniversary, and answered with the buttons through the bot's HTTP endpoint."""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

from sqlmodel import col, select

from storage.db import Database
from storage.models import AuditEntry, Confirmation, OutsideWork, Staff
from tests.e2e.harness import Clock, Nolan, dm_to, redrawn
from tests.e2e.test_annual_flow import blocks_text, has_buttons, local, sweep
from tests.e2e.test_outside_work_flow import GRANT, SUPPORT, answers, decide
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call

GRANTED_ON = date(2026, 11, 20)  # the harness clock's Friday
ANNIVERSARY = date(2027, 11, 20)  # a Saturday: the review goes on Monday 22nd
MONDAY = date(2027, 11, 22)


def is_review(call: Call) -> bool:
    return "Yearly review" in call.args.get("text", "")


def grant(nolan: Nolan, fake: FakeSlack, clock: Clock) -> int:
    """Alice asks, her manager supports, the head grants: returns the declaration id."""
    view = nolan.open_modal("UALICE", "/outside-work")
    assert nolan.submit("UALICE", view, answers(clock)) == {}
    card = dm_to(fake, "UMGR", has_buttons)
    assert decide(nolan, fake, "UMGR", card, SUPPORT, "Fine") == {}
    card = dm_to(fake, "UHEAD", has_buttons)
    assert decide(nolan, fake, "UHEAD", card, GRANT, "") == {}
    dm_to(fake, "UALICE", lambda c: "*Granted*" in c.args["text"])
    with nolan.db.session() as session:
        [work] = session.exec(select(OutsideWork)).all()
    return work.declaration_id


def reviews(db: Database) -> list[Confirmation]:
    with db.session() as session:
        return list(
            session.exec(
                select(Confirmation)
                .where(Confirmation.kind == "outside_work_review")
                .order_by(col(Confirmation.id))
            ).all()
        )


def actions(db: Database, declaration_id: int) -> list[tuple[str, dict[str, Any]]]:
    with db.session() as session:
        rows = session.exec(
            select(AuditEntry)
            .where(AuditEntry.declaration_id == declaration_id)
            .order_by(col(AuditEntry.id))
        ).all()
    return [(a.action, json.loads(a.detail)) for a in rows]


def review_dm(nolan: Nolan, fake: FakeSlack) -> Call:
    sweep(nolan, date(2027, 11, 19))
    sweep(nolan, ANNIVERSARY)  # Saturday: the sweep does not send on non-working days
    assert not [c for c in fake.calls("chat.postMessage") if is_review(c)]
    sweep(nolan, MONDAY)
    return dm_to(fake, "UALICE", is_review)


def test_it_continues_unchanged(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    declaration_id = grant(nolan, fake, clock)
    dm = review_dm(nolan, fake)
    shown = blocks_text(dm)
    assert "*Youth coach* at *Riverside Rugby Club* (OW-00001)" in shown
    assert "Friday 20 November 2026" in shown

    clock.now = local(MONDAY, 12)
    status, _ = nolan.press("UALICE", dm, "review_unchanged")
    assert status == 200
    update = redrawn(fake, "UALICE")
    assert "continues unchanged" in blocks_text(update) and not has_buttons(update)
    [answer] = reviews(db)
    assert (answer.subject, answer.period, answer.response, answer.responded_at) == (
        f"declaration:{declaration_id}",
        "2027-11-20",
        "confirmed",
        local(MONDAY, 12),
    )
    assert ("outside_work_reviewed", {"anniversary": "2027-11-20", "response": "confirmed"}) in (
        actions(db, declaration_id)
    )

    # Answered: not asked again this year; asked again on the next anniversary.
    sweep(nolan, date(2027, 11, 23))
    assert len([c for c in fake.calls("chat.postMessage") if is_review(c)]) == 1
    sweep(nolan, date(2028, 11, 20))
    assert len([c for c in fake.calls("chat.postMessage") if is_review(c)]) == 2


def test_it_has_ended(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    declaration_id = grant(nolan, fake, clock)
    dm = review_dm(nolan, fake)
    ended = next(
        e
        for b in dm.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "review_ended"
    )
    assert ended["confirm"]["confirm"]["text"] == "It has ended"

    nolan.press("UALICE", dm, "review_ended")
    told = dm_to(fake, "UMGR", lambda c: "has ended" in c.args["text"])
    assert "Alice Able's outside work" in blocks_text(told)
    update = redrawn(fake, "UALICE")
    assert "recorded as ended on Monday 22 November 2027" in blocks_text(update)
    with db.session() as session:
        work = session.get(OutsideWork, declaration_id)
        assert work is not None and work.ended_on == MONDAY
    [answer] = reviews(db)
    assert answer.response == "ended"
    # The note to the manager is audited once Slack has taken it (after the DM above).
    deadline = time.monotonic() + 5
    while (done := [a for a, _ in actions(db, declaration_id)])[-1] != "notified":
        assert time.monotonic() < deadline, done
        time.sleep(0.02)
    assert done[-3:] == ["ended", "outside_work_reviewed", "notified"]

    # Pressing again changes nothing; no review next year.
    nolan.press("UALICE", dm, "review_ended")
    redrawn(fake, "UALICE", count=2)
    assert len(reviews(db)) == 1
    assert len([c for c in fake.calls("chat.postMessage") if "has ended" in c.args["text"]]) == 1
    sweep(nolan, date(2028, 11, 20))
    assert len([c for c in fake.calls("chat.postMessage") if is_review(c)]) == 1


def test_it_has_changed_opens_the_form_pre_filled(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    grant(nolan, fake, clock)
    dm = review_dm(nolan, fake)
    before = len(fake.calls("views.open"))
    nolan.press("UALICE", dm, "review_changed")
    view = fake.wait_for("views.open", count=before + 1).args["view"]
    assert view["callback_id"] == "outside_work_request"
    organisation = next(b for b in view["blocks"] if b.get("block_id") == "organisation")
    assert organisation["element"]["initial_value"] == "Riverside Rugby Club"
    notes = next(b for b in view["blocks"] if b.get("block_id") == "notes")
    assert notes["element"]["initial_value"].startswith("A change to OW-00001 (Youth coach")
    update = redrawn(fake, "UALICE")
    assert "has changed" in blocks_text(update)
    [answer] = reviews(db)
    assert answer.response == "updated"


def test_only_the_holder_answers(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    grant(nolan, fake, clock)
    dm = review_dm(nolan, fake)
    nolan.press("UBOB", dm, "review_unchanged")
    told = fake.wait_for("response_url")
    assert "Only the person who holds this permission" in told.args["text"]
    assert reviews(db) == []
