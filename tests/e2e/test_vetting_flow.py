"""Vetting renewal end to end: the sweep's DMs carry "Renewed on…"; the vetting officer
records a renewal through the real HTTP endpoint (signed requests, the fake Slack); the next
expiry moves and the next reminders follow it; anyone else is refused."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlmodel import col, select

from bot.jobs import vetting as jobs
from bot.outbox import Worker
from bot.settings import Settings
from bot.sweep import Job, run_sweep
from handlers.notifier import Notifier
from handlers.outgoing import SlackSender
from handlers.vetting.ids import RENEW_ACTION, ClearanceRef, person_block
from storage.db import Database
from storage.models import AuditEntry, Staff
from tests.e2e.harness import SECRET, Clock, Nolan
from tests.fakeslack import FakeSlack, block_actions_form, post
from tests.fakeslack.server import Call

LONDON = ZoneInfo("Europe/London")
EXPIRES = date(2027, 3, 3)
THIRTY_BEFORE = date(2027, 2, 1)  # a Monday
VETTING_JOBS = [
    Job("vetting renewals", jobs.remind_renewals, working_days_only=True),
    Job("lapsed vetting", jobs.send_lapsed_lists, working_days_only=True),
]
DATE = "renewed_on_input"


def sweep(fake: FakeSlack, db: Database, day: date) -> None:
    settings = Settings(
        slack_bot_token="xoxb-e2e-token", slack_api_url=fake.api_url, database_url=db.url
    )
    notifier = Notifier(WebClient(token="xoxb-e2e-token", base_url=fake.api_url))
    now = datetime.combine(day, datetime.min.time().replace(hour=7), tzinfo=LONDON)
    # The sweep delivers what it queued through a worker, as `reminders run` does.
    worker = Worker(db, SlackSender(db, notifier, policy=settings.policy))
    report = run_sweep(
        db, settings, day, now.astimezone(UTC), jobs=VETTING_JOBS, outbox=worker
    )
    assert report.failures == []
    # The bot's own worker may have taken some of them first: wait until they are all sent.
    assert worker.wait_idle()


def set_clearance(db: Database, person: Staff, expires: date | None, level: str = "NPPV3") -> None:
    with db.session() as session:
        row = session.get(Staff, person.id)
        assert row is not None
        row.vetting_level, row.vetting_expires = level, expires
        session.commit()


def expiry_of(db: Database, person: Staff) -> date | None:
    with db.session() as session:
        row = session.get(Staff, person.id)
        assert row is not None
        return row.vetting_expires


def audit(db: Database, action: str) -> list[tuple[int | None, dict[str, Any]]]:
    with db.session() as session:
        rows = session.exec(
            select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
        ).all()
        return [(a.actor_id, json.loads(a.detail)) for a in rows]


def text_of(call: Call) -> str:
    return call.args.get("text", "") + json.dumps(call.args.get("blocks", []), ensure_ascii=False)


def dms(fake: FakeSlack, user: str) -> list[Call]:
    return [c for c in fake.calls("chat.postMessage") if c.args["channel"] == user]


def press_renewed_on(
    nolan: Nolan, fake: FakeSlack, user: str, message: Call, staff_id: int
) -> None:
    """Press "Renewed on…" beside one person in a list the bot posted."""
    [block] = [b for b in message.args["blocks"] if b.get("block_id") == person_block(staff_id)]
    posted = fake.calls("chat.postMessage")
    response = fake.responses("chat.postMessage")[posted.index(message)]
    body = block_actions_form(
        user,
        RENEW_ACTION,
        block["accessory"]["value"],
        block_id=block["block_id"],
        channel_id=response["channel"],
        message_ts=response["ts"],
        message={
            "ts": response["ts"],
            "text": message.args["text"],
            "blocks": message.args["blocks"],
        },
        response_url=fake.response_url(f"renew-{user}-{time.monotonic_ns()}"),
        trigger_id=fake.new_trigger_id(),
    )
    status, _headers, _reply = post(nolan.events_url, body, SECRET)
    assert status == 200


def press_with(nolan: Nolan, fake: FakeSlack, user: str, ref: ClearanceRef) -> None:
    """A button value the presser never saw (a forged or replayed one)."""
    body = block_actions_form(
        user,
        RENEW_ACTION,
        ref.encode(),
        block_id=person_block(ref.staff_id),
        channel_id=f"D{user}",
        message_ts="1700000000.000100",
        response_url=fake.response_url(f"forged-{user}-{time.monotonic_ns()}"),
        trigger_id=fake.new_trigger_id(),
    )
    status, _headers, _reply = post(nolan.events_url, body, SECRET)
    assert status == 200


def ephemeral(fake: FakeSlack, count: int = 1) -> str:
    reply = fake.wait_for("response_url", count=count)
    assert reply.args["response_type"] == "ephemeral"
    return str(reply.args["text"])


def the_form(fake: FakeSlack, count: int = 1) -> dict[str, Any]:
    return fake.wait_for("views.open", count=count).args["view"]


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_a_renewal_from_the_dm_moves_the_expiry_and_the_reminders_follow(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    alice = org["alice"]
    set_clearance(db, alice, EXPIRES)
    sweep(fake, db, THIRTY_BEFORE)
    [the_list] = dms(fake, "UVET")
    clock.now = at(THIRTY_BEFORE)

    press_renewed_on(nolan, fake, "UVET", the_list, alice.id or 0)
    view = the_form(fake)
    assert view["callback_id"] == "vetting_renewal"
    assert ClearanceRef.model_validate_json(view["private_metadata"]) == ClearanceRef(
        staff_id=alice.id or 0, expires=EXPIRES
    )
    picker = next(b for b in view["blocks"] if b.get("block_id") == "renewed_on")
    assert picker["element"]["initial_date"] == "2027-02-01"
    assert "Alice Able" in json.dumps(view["blocks"]) and "3 years" in json.dumps(view["blocks"])

    assert nolan.submit("UVET", view, {DATE: "2027-01-28"}) == {}
    new_expiry = date(2030, 1, 28)
    assert expiry_of(db, alice) == new_expiry
    [(actor, detail)] = audit(db, "vetting_renewed")
    assert actor == org["vetting"].id
    assert detail == {
        "staff_id": alice.id,
        "level": "NPPV3",
        "renewed_on": "2027-01-28",
        "old_expiry": "2027-03-03",
        "new_expiry": "2030-01-28",
        "years": 3,
    }
    told = fake.wait_for("chat.postMessage", lambda c: c.args["channel"] == "UALICE", count=2)
    assert "now expires on Mon 28 Jan 2030" in told.args["text"]
    assert "Vera Vetting" in text_of(told)
    confirmed = fake.wait_for("chat.postMessage", lambda c: c.args["channel"] == "UVET", count=2)
    assert "Alice Able" in confirmed.args["text"] and "Mon 28 Jan 2030" in confirmed.args["text"]

    # The old expiry's remaining reminders, and the lapsed list, never come.
    before = len(fake.calls("chat.postMessage"))
    for day in (date(2027, 2, 24), EXPIRES, date(2027, 3, 8), date(2027, 3, 15)):
        sweep(fake, db, day)
    assert len(fake.calls("chat.postMessage")) == before
    # The new one's do: 90 days before 28 January 2030, to both.
    sweep(fake, db, date(2029, 10, 30))
    assert "Mon 28 Jan 2030" in dms(fake, "UALICE")[-1].args["text"]
    assert set(dms(fake, "UVET")[-1].args["text"].split(": ")[1:]) == {
        "Alice Able (Mon 28 Jan 2030)."
    }
    assert len(fake.calls("chat.postMessage")) == before + 2

    # The old button is stale now: it says so rather than renewing twice.
    press_renewed_on(nolan, fake, "UVET", the_list, alice.id or 0)
    assert "now expires on Mon 28 Jan 2030" in ephemeral(fake)
    assert len(fake.calls("views.open")) == 1


def test_only_the_vetting_officer_or_the_head_of_office_may_record(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    alice = org["alice"]
    set_clearance(db, alice, EXPIRES)
    sweep(fake, db, EXPIRES)
    [the_list] = dms(fake, "UVET")
    clock.now = at(EXPIRES)
    ref = ClearanceRef(staff_id=alice.id or 0, expires=EXPIRES)

    press_with(nolan, fake, "UEVE", ref)
    assert ephemeral(fake) == (
        "Only the vetting officer or the head of office can record a vetting renewal."
    )
    press_with(nolan, fake, "UALICE", ref)
    assert "Only the vetting officer" in ephemeral(fake, 2)
    press_with(nolan, fake, "UNOBODY", ref)
    assert "Only the vetting officer" in ephemeral(fake, 3)
    assert fake.calls("views.open") == []

    # The form itself checks again: a submission from someone else changes nothing.
    press_renewed_on(nolan, fake, "UVET", the_list, alice.id or 0)
    view = the_form(fake)
    reply = nolan.submit("UEVE", view, {DATE: "2027-03-01"})
    assert reply["response_action"] == "errors"
    assert "Only the vetting officer" in reply["errors"]["renewed_on"]
    assert expiry_of(db, alice) == EXPIRES and audit(db, "vetting_renewed") == []

    # The head of office may.
    press_with(nolan, fake, "UHEAD", ref)
    head_view = the_form(fake, 2)
    assert nolan.submit("UHEAD", head_view, {DATE: "2027-03-01"}) == {}
    assert expiry_of(db, alice) == date(2030, 3, 1)
    [(actor, _)] = audit(db, "vetting_renewed")
    assert actor == org["head"].id
    # Vera is told that Harriet recorded it.
    note = fake.wait_for("chat.postMessage", lambda c: c.args["channel"] == "UVET", count=2)
    assert "Recorded by Harriet Head" in note.args["text"]

    # Vera's form, opened before Harriet recorded it, is now out of date.
    reply = nolan.submit("UVET", view, {DATE: "2027-03-02"})
    assert "now expires on Fri 1 Mar 2030" in reply["errors"]["renewed_on"]
    assert expiry_of(db, alice) == date(2030, 3, 1) and len(audit(db, "vetting_renewed")) == 1


def test_nobody_records_their_own_renewal(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    vera = org["vetting"]
    set_clearance(db, vera, EXPIRES)
    sweep(fake, db, EXPIRES)
    [heads_list] = dms(fake, "UHEAD")  # her own clearance goes to the head of office
    clock.now = at(EXPIRES)
    press_with(nolan, fake, "UVET", ClearanceRef(staff_id=vera.id or 0, expires=EXPIRES))
    assert "Nobody records their own vetting renewal" in ephemeral(fake)
    press_renewed_on(nolan, fake, "UHEAD", heads_list, vera.id or 0)
    assert nolan.submit("UHEAD", the_form(fake), {DATE: "2027-03-03"}) == {}
    assert expiry_of(db, vera) == date(2030, 3, 3)


def test_bad_dates_are_errors_on_the_field(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    alice = org["alice"]
    set_clearance(db, alice, EXPIRES, level="SC")
    sweep(fake, db, THIRTY_BEFORE)
    [the_list] = dms(fake, "UVET")
    clock.now = at(THIRTY_BEFORE)
    press_renewed_on(nolan, fake, "UVET", the_list, alice.id or 0)
    view = the_form(fake)
    for answer, words in [
        ("2027-02-02", "hasn't come yet"),
        ("2026-01-01", "over a year before"),
        (None, "Choose the date"),
    ]:
        reply = nolan.submit("UVET", view, {DATE: answer} if answer else {})
        assert reply["response_action"] == "errors", answer
        assert words in reply["errors"]["renewed_on"]
    assert expiry_of(db, alice) == EXPIRES and audit(db, "vetting_renewed") == []
    assert len(fake.calls("chat.postMessage")) == 2  # the sweep's two, nothing more
    # A valid one: SC is not in the settings here, so three years.
    assert nolan.submit("UVET", view, {DATE: "2027-02-01"}) == {}
    assert expiry_of(db, alice) == date(2030, 2, 1)


def test_renewing_from_the_lapsed_list(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    bob = org["bob"]
    set_clearance(db, bob, date(2027, 2, 20))
    monday = date(2027, 3, 1)
    sweep(fake, db, monday)
    [lapsed] = [c for c in dms(fake, "UVET") if "lapsed" in c.args["text"]]
    assert "Bob Loner" in text_of(lapsed) and "9 days ago" in text_of(lapsed)
    clock.now = at(date(2027, 3, 2))
    press_renewed_on(nolan, fake, "UVET", lapsed, bob.id or 0)
    assert nolan.submit("UVET", the_form(fake), {DATE: "2027-03-02"}) == {}
    assert expiry_of(db, bob) == date(2030, 3, 2)
    confirmed = fake.wait_for("chat.postMessage", lambda c: c.args["channel"] == "UVET", count=2)
    assert "Bob Loner" in confirmed.args["text"] and "has told them" in text_of(confirmed)
    before = len(dms(fake, "UVET"))
    sweep(fake, db, date(2027, 3, 8))
    assert len(dms(fake, "UVET")) == before  # no lapsed clearances: no list
