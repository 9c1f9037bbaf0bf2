"""The code of conduct undertaking end to end: a new starter brought in by a later import of
the org chart (the real `staff import` command, twice, against the fake Slack) is sent it by
the sweep and accepts it through the bot's HTTP endpoint; an admin sends it to everyone."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.cli import main
from bot.rules.calendar import next_working_day
from storage.db import Database
from storage.models import AuditEntry, Confirmation, Reminder, Staff
from tests.e2e.harness import ORG, Clock, Nolan, dm_to, redrawn
from tests.e2e.test_annual_flow import blocks_text, ephemeral, has_buttons, local, sweep
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call
from tests.usecases.people import owed

ACCEPT = "undertaking_accept"
HEADER = "email,name,line_manager_email,roles"


def is_undertaking(call: Call) -> bool:
    return "undertaking" in call.args.get("text", "")


def accepted(db: Database) -> list[Confirmation]:
    with db.session() as session:
        return list(
            session.exec(select(Confirmation).where(Confirmation.kind == "undertaking")).all()
        )


def chart(tmp_path: Path, *extra: str) -> Path:
    rows = [f"{p.email},{p.name},,{p.roles}" for p in ORG]
    path = tmp_path / "staff.csv"
    path.write_text("\n".join([HEADER, *rows, *extra]) + "\n", encoding="utf-8")
    return path


def import_chart(db: Database, fake: FakeSlack, path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    environ = {"SLACK_BOT_TOKEN": "xoxb-cli", "DATABASE_URL": db.url, "SLACK_API_URL": fake.api_url}
    assert main(["staff", "import", str(path)], environ=environ, stdout=out, stderr=err) == 0, (
        err.getvalue()
    )


@pytest.fixture
def bare_nolan(fake: FakeSlack, db: Database, clock: Clock) -> Iterator[Nolan]:
    """The bot over an empty staff table: the org chart comes from real imports."""
    bot = Nolan(fake, db, clock).start()
    yield bot
    bot.stop()


def test_a_new_starter_from_a_later_import_accepts_the_undertaking(
    bare_nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, tmp_path: Path
) -> None:
    nolan = bare_nolan
    fake.add_user("nina@opcc.example", "UNINA", name="Nina New")
    imported_on = datetime.now(UTC).date()  # the import stamps the real date
    day = next_working_day(imported_on)

    import_chart(db, fake, chart(tmp_path))
    sweep(nolan, day)
    assert not [c for c in fake.calls("chat.postMessage") if is_undertaking(c)]

    import_chart(db, fake, chart(tmp_path, "nina@opcc.example,Nina New,mo@opcc.example,"))
    with db.session() as session:
        nina = session.exec(select(Staff).where(Staff.email == "nina@opcc.example")).one()
        others = session.exec(select(Staff).where(col(Staff.starter_since).is_not(None))).all()
    assert nina.starter_since == imported_on and [s.email for s in others] == [nina.email]

    report = sweep(nolan, day)
    assert report.counts["undertaking_sent"] == 1
    dm = dm_to(fake, "UNINA", is_undertaking)
    assert "Welcome to the Office of the Police and Crime Commissioner, Nina New" in blocks_text(dm)
    assert [c.args["channel"] for c in fake.calls("chat.postMessage") if is_undertaking(c)] == [
        "UNINA"
    ]

    clock.now = local(day, 11)
    status, _ = nolan.press("UNINA", dm, ACCEPT)
    assert status == 200
    update = redrawn(fake, "UNINA")
    assert "You accepted this undertaking on" in blocks_text(update)
    assert "I, *Nina New*" in blocks_text(update)
    assert not has_buttons(update)
    [answer] = accepted(db)
    assert (answer.subject, answer.period, answer.response) == (
        f"staff:{nina.id}",
        "v1",
        "accepted",
    )
    assert answer.responded_at == local(day, 11)
    with db.session() as session:
        [entry] = session.exec(
            select(AuditEntry).where(AuditEntry.action == "undertaking_accepted")
        ).all()
    assert entry.actor_id == nina.id

    # Accepted: no reminder a week later, and nothing more on a rerun.
    sweep(nolan, day)
    sweep(nolan, day + timedelta(weeks=1))
    assert len([c for c in fake.calls("chat.postMessage") if is_undertaking(c)]) == 1


def ledger_when_settled(db: Database) -> list[Reminder]:
    """The undertaking's ledger rows once the command's sending thread has recorded them
    (it records each after Slack answers)."""
    deadline = time.monotonic() + 5
    while True:
        with db.session() as session:
            keys = list(session.exec(select(Reminder).where(Reminder.kind == "undertaking")))
        if all(k.status == "sent" for k in keys) or time.monotonic() > deadline:
            return keys
        time.sleep(0.02)


def make_admin(db: Database, staff_id: int | None) -> None:
    with db.session() as session:
        person = session.get(Staff, staff_id)
        assert person is not None
        person.roles = "admin"
        session.add(person)
        session.commit()


def test_an_admin_sends_the_undertaking_to_everyone(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    _, reply = nolan.command("UBOB", "/conduct", "undertaking send-all")
    assert "Only an admin" in ephemeral(reply)["text"]
    assert not fake.calls("chat.postMessage")

    make_admin(db, org["bob"].id)
    _, reply = nolan.command("UBOB", "/conduct", "undertaking send-all")
    assert "Queued the code of conduct undertaking for 7 people" in ephemeral(reply)["text"]
    dms = [dm_to(fake, p.slack_id, is_undertaking) for p in ORG]
    for d in dms:
        assert "now keeps its staff code of conduct in Slack" in blocks_text(d), blocks_text(d)
    keys = ledger_when_settled(db)
    assert {k.due_on for k in keys} == {clock.today} and len(keys) == 7
    assert all(k.status == "sent" for k in keys)

    # The same day again: the ledger holds; the sweep sends nothing more either.
    _, reply = nolan.command("UBOB", "/conduct", "undertaking send-all")
    assert "Nobody is waiting" in ephemeral(reply)["text"]
    sweep(nolan, clock.today)
    assert len([c for c in fake.calls("chat.postMessage") if is_undertaking(c)]) == 7

    alice = dm_to(fake, "UALICE", is_undertaking)
    nolan.press("UALICE", alice, ACCEPT)
    redrawn(fake, "UALICE")

    # A week later, the others are reminded.
    sweep(nolan, clock.today + timedelta(weeks=1))
    reminders = [c for c in fake.calls("chat.postMessage") if c.args["text"].startswith("Reminder")]
    assert sorted(c.args["channel"] for c in reminders) == sorted(
        p.slack_id for p in ORG if p.key != "alice"
    )

    _, reply = nolan.command("UBOB", "/conduct", "undertaking")
    text = ephemeral(reply)["text"]
    assert "sending you the code of conduct undertaking in a DM" in text
    assert "1 of 7 active members of staff have accepted it" in text


def test_conduct_undertaking_shows_your_own(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    _, reply = nolan.command("UEVE", "/conduct", "undertaking")
    assert "in a DM" in ephemeral(reply)["text"]
    assert "accepted it" not in ephemeral(reply)["text"]  # counts are for admins
    # Owed through the outbox before the reply, not sent on the request's thread.
    eve = f"staff:{org['eve'].id}"
    assert [(o.to, o.payload["why"]) for o in owed(db) if o.card == "undertaking"] == [
        (eve, "asked")
    ]
    dm = dm_to(fake, "UEVE", is_undertaking)
    nolan.press("UEVE", dm, ACCEPT)
    redrawn(fake, "UEVE")
    _, reply = nolan.command("UEVE", "/conduct", "undertaking")
    assert "You accepted the code of conduct undertaking on" in ephemeral(reply)["text"]
    _, reply = nolan.command("UEVE", "/conduct", "undertaking please")
    assert "Usage" in ephemeral(reply)["text"]
    assert len(accepted(db)) == 1
    assert json.loads(accepted(db)[0].model_dump_json())["response"] == "accepted"
