"""The daily sweep on a Teams runtime, end to end: the annual declaration (its card with
Slack's three answers, weekly reminders, the monitoring officer's list at the end, `conduct
annual`) and the code of conduct undertaking (a new starter's, and an admin's send-all),
each card arriving in the person's 1:1 chat through the fake Bot Connector and checked
against the Adaptive Cards schema; a DM due outside 08:00–19:00 held until the morning; an
answer pressed twice recorded once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.outbox import Worker
from bot.rules.status import OutboxStatus
from bot.sweep import SweepReport, run_sweep
from bot.ui.interests import FORM_ID as INTEREST_FORM
from bot.ui.outside_work import FORM_ID as OUTSIDE_WORK_FORM
from storage.db import Database
from storage.models import AuditEntry, Confirmation, OutboxMessage, Staff
from tests.e2e.teams.dialogs import dialog_of, fetch
from tests.e2e.teams.harness import ORG, Person, TeamsNolan, cards_of
from tests.e2e.teams.test_conduct_undertaking import press
from tests.e2e.teams.test_home import actions, shown
from tests.faketeams import FakeTeams
from tests.faketeams.server import Call

ALICE, BOB, MO = ORG  # Bob has not got Nolan installed
LONDON = ZoneInfo("Europe/London")
# In the tests' future, so the running bot's own worker (on the real clock) holds a message
# due outside working hours as the sweep's does, rather than sending it as of today.
ANNUAL_DAY = date(2027, 4, 1)  # a Thursday
WEEK = timedelta(weeks=1)
# The bot's worker stamps its claims on the real clock, months behind the tests' clock: to a
# worker on the tests' clock, with the usual lease, each would look long stale the moment it
# was taken, and be taken over while its send is still under way (the message sent twice).
# On one clock that needs a worker dead for the lease; here no worker dies.
NEVER_STALE = timedelta(days=365 * 100)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def sweep(nolan: TeamsNolan, day: date, hour: int = 10) -> SweepReport:
    """The Teams runtime's sweep (bot.jobs.all_jobs()) at `hour` office time on `day`, its
    messages sent by a worker on the same clock (the bot's clock is moved there too)."""
    runtime = nolan.runtime
    assert runtime is not None and runtime.teams is not None
    names = [job.name for job in runtime.jobs]
    assert names.index("annual declaration") < names.index("code of conduct undertaking")
    nolan.clock.now = local(day, hour)
    report = run_sweep(
        nolan.db, runtime.settings, day, nolan.clock.now, jobs=runtime.jobs,
        outbox=worker(nolan),
    )
    nolan.settle()  # what the bot's own worker took first (in its 30-second pass, say) is sent
    return report


def worker(nolan: TeamsNolan) -> Worker:
    assert nolan.runtime is not None and nolan.runtime.teams is not None
    return Worker(
        nolan.db, nolan.runtime.teams.sender, now=nolan.clock, office_tz=LONDON,
        stale_after=NEVER_STALE,
    )


def chat(fake: FakeTeams, person: Person) -> str:
    return fake.conversation_of(person.object_id)


def sent_to(fake: FakeTeams, person: Person, words: str) -> list[Call]:
    return [
        c for c in fake.delivered(chat(fake, person))
        if c.op == "send" and words in shown(c)
    ]


def button(card: dict[str, Any], title: str) -> dict[str, Any]:
    [found] = [a for a in actions(card) if a.get("title") == title]
    return found


def rows(db: Database, model: Any, *where: Any) -> list[Any]:
    with db.session() as session:
        return list(session.exec(select(model).where(*where)))


def test_the_annual_round_on_teams(nolan: TeamsNolan, fake: FakeTeams, db: Database) -> None:
    report = sweep(nolan, ANNUAL_DAY)
    assert report.failures == []
    assert report.counts["annual_sent"] == 3  # Bob's is kept until he installs Nolan
    [card] = cards_of(sent_to(fake, ALICE, "Annual declaration 2027")[0])
    said = shown(card)
    assert "Hello Alice Able" in said and "None declared." in said
    assert "Thursday 29 April 2027" in said  # answer by: the day of the last reminder
    nothing = button(card, "Nothing has changed")
    assert nothing["type"] == "Action.Execute" and nothing["verb"] == "annual_nothing_changed"
    for title, opens in (("Declare an interest", "annual_declare_interest"),
                         ("Ask about outside work", "annual_ask_outside_work")):
        data = button(card, title)["data"]
        assert data["msteams"] == {"type": "task/fetch"} and data["_action"] == opens
    assert sent_to(fake, MO, "Annual declaration 2027")
    assert not sent_to(fake, BOB, "Annual declaration 2027")

    # A second run the same day owes and sends nothing new.
    sends = len(fake.calls("send"))
    again = sweep(nolan, ANNUAL_DAY, hour=11)
    assert "annual_sent" not in again.counts and len(fake.calls("send")) == sends
    assert len(rows(db, OutboxMessage, OutboxMessage.kind == "annual_declaration")) == 3

    # The other two answers open the forms the commands open: the declaration is the answer.
    for title, form in (("Declare an interest", INTEREST_FORM),
                        ("Ask about outside work", OUTSIDE_WORK_FORM)):
        dialog = dialog_of(fetch(nolan, ALICE, button(card, title)["data"]))
        [submit] = [a for a in dialog["actions"] if a["type"] == "Action.Submit"]
        assert submit["data"]["_form"] == form

    # "Nothing has changed", pressed twice: one answer, the card replaced by the receipt.
    first = press(nolan, ALICE, nothing)
    second = press(nolan, ALICE, nothing)
    for reply in (first, second):
        assert reply["statusCode"] == 200
        receipt = shown(reply["value"])
        assert "Nothing has changed" in receipt and "Alice Able" in receipt
        assert not list(actions(reply["value"]))
    [answer] = rows(db, Confirmation, Confirmation.kind == "annual_declaration")
    assert (answer.period, answer.response) == ("2027", "confirmed")
    audited = rows(db, AuditEntry, AuditEntry.action == "annual_declaration_confirmed")
    assert len(audited) == 1

    # A week on, Morgan and Bob (who have not answered) are reminded; Alice is not.
    reminded = sweep(nolan, ANNUAL_DAY + WEEK)
    assert reminded.counts["annual_reminded"] == 2  # Bob's kept for him, as his first was
    assert "Reminder 1 of 4" in shown(sent_to(fake, MO, "Reminder 1 of 4")[0])
    assert len(sent_to(fake, ALICE, "Annual declaration 2027")) == 1
    for week in (2, 3, 4):
        sweep(nolan, ANNUAL_DAY + week * WEEK)
    # The day after the last reminder, the monitoring officer gets the list, once.
    listed = sweep(nolan, date(2027, 4, 30))
    assert listed.counts["annual_nonresponders"] == 1
    [the_list] = sent_to(fake, MO, "have not answered")
    text = shown(the_list)
    assert "2 of 3" in text and "Bob Late" in text and "Morgan Monitor" in text
    assert "Alice Able" not in text
    sweep(nolan, date(2027, 5, 3))
    assert len(sent_to(fake, MO, "have not answered")) == 1
    nolan.settle()


def test_conduct_annual_lists_who_has_not_answered_for_the_monitoring_officer_only(
    nolan: TeamsNolan, fake: FakeTeams
) -> None:
    sweep(nolan, ANNUAL_DAY)
    nolan.say(ALICE, "conduct annual")
    refused = fake.wait_for("send", lambda c: "Only the monitoring officer" in shown(c))
    assert refused.conversation_id == chat(fake, ALICE)
    nolan.say(MO, "conduct annual 2027")
    listed = fake.wait_for("send", lambda c: "So far" in shown(c))
    assert listed.conversation_id == chat(fake, MO) and "3 of 3" in shown(listed)
    nolan.say(MO, "conduct annual next")
    fake.wait_for("send", lambda c: "YEAR" in shown(c) and "Type" in shown(c))
    nolan.settle()


def test_a_dm_due_outside_working_hours_is_held_until_the_morning(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    report = sweep(nolan, ANNUAL_DAY, hour=7)
    assert report.failures == []
    assert not sent_to(fake, ALICE, "Annual declaration")
    held = rows(db, OutboxMessage, OutboxMessage.kind == "annual_declaration",
                OutboxMessage.recipient == f"staff:{staff_id(db, ALICE)}")
    [row] = held
    assert row.status == OutboxStatus.QUEUED and row.not_before == local(ANNUAL_DAY, 8)
    # A second sweep before the morning owes nothing more.
    sweep(nolan, ANNUAL_DAY, hour=7)
    assert len(rows(db, OutboxMessage, OutboxMessage.kind == "annual_declaration")) == 3
    # 08:00: it goes, once.
    nolan.clock.now = local(ANNUAL_DAY, 8, 1)
    worker(nolan).run_once()
    assert len(sent_to(fake, ALICE, "Annual declaration 2027")) == 1
    worker(nolan).run_once()
    assert len(sent_to(fake, ALICE, "Annual declaration 2027")) == 1
    nolan.settle()


def staff_id(db: Database, person: Person) -> int:
    [row] = rows(db, Staff, Staff.email == person.email)
    assert row.id is not None
    return row.id


def test_a_new_starter_is_sent_the_undertaking_and_accepts_it_once(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    day = date(2027, 6, 7)  # a Monday
    with db.session() as session:
        alice = session.exec(select(Staff).where(Staff.email == ALICE.email)).one()
        alice.starter_since = day
        session.add(alice)
        session.commit()
    report = sweep(nolan, day)
    assert report.counts["undertaking_sent"] == 1
    [call] = sent_to(fake, ALICE, "Code of conduct undertaking")
    [card] = cards_of(call)
    assert "Welcome to the Office of the Police and Crime Commissioner, Alice Able" in shown(card)
    accept = button(card, "I have read and will comply with the code")
    for _ in range(2):  # a double press
        reply = press(nolan, ALICE, accept)
        assert reply["statusCode"] == 200 and "Accepted" in shown(reply["value"])
    [answer] = rows(db, Confirmation, Confirmation.kind == "undertaking")
    assert answer.response == "accepted"
    # Accepted: no reminder a week later, and nothing more on a rerun.
    sweep(nolan, day)
    sweep(nolan, day + WEEK)
    assert len(sent_to(fake, ALICE, "Code of conduct undertaking")) == 1
    assert not sent_to(fake, MO, "Code of conduct undertaking")  # not a starter
    nolan.settle()


def test_an_admin_sends_the_undertaking_to_everyone_from_teams(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    nolan.clock.now = local(date(2027, 6, 7), 10)
    with db.session() as session:
        mo = session.exec(select(Staff).where(Staff.email == MO.email)).one()
        mo.roles = "monitoring_officer;admin"
        session.add(mo)
        session.commit()
    nolan.say(MO, "conduct undertaking send-all")
    fake.wait_for("send", lambda c: "Queued the code of conduct undertaking for 3 people"
                  in shown(c))
    # Each is owed for its recipient's working hours, from the bot's now (the tests' clock).
    worker(nolan).run_once()
    card = fake.wait_for("send", lambda c: c.conversation_id == chat(fake, ALICE)
                         and "Code of conduct undertaking" in shown(c))
    assert "now keeps its staff code of conduct in Teams" in shown(card)
    nolan.say(MO, "conduct undertaking SEND-ALL")
    fake.wait_for("send", lambda c: "Nobody is waiting for the undertaking" in shown(c))
    nolan.settle()
    # The sweep the same day sends nothing more: the keys are the send-all's.
    report = sweep(nolan, date(2027, 6, 7))
    assert "undertaking_sent" not in report.counts
    assert len(sent_to(fake, ALICE, "Code of conduct undertaking")) == 1
    owed = rows(db, OutboxMessage, OutboxMessage.kind == "undertaking")
    assert len(owed) == 3
    audited = rows(db, AuditEntry, col(AuditEntry.action) == "undertaking_sent")
    assert len(audited) == 1 and audited[0].actor_id == staff_id(db, MO)
