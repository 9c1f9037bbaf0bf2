"""Policy review and the governance digest on Teams, end to end: the daily sweep on a Teams
runtime posts the review reminder in the policy's Teams channel (19:…@thread.tacv2), tells
the owner in their chat and posts the weekly digest in GOVERNANCE_CHANNEL, once; a channel
Nolan isn't installed in is said to the owner, and the digest counts who can't be reached;
admins add and edit policies from `conduct policies`, and the owner marks the review done
from the reminder, each reminder then replaced in place. Refusals as on Slack."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.ledger import owe_once
from bot.outbox import Worker
from bot.rules.refusal import STALE_BUTTON
from bot.settings import Policy as Office
from bot.sweep import SweepReport
from bot.usecases.governance import CHANNEL_REMINDER
from bot.usecases.policies import OUT_OF_DATE
from storage.db import Database
from storage.models import AuditEntry, Policy, Staff
from storage.reminders import Key
from tests.e2e.harness import Clock
from tests.e2e.teams.dialogs import (
    closed_with,
    dialog_of,
    error_after,
    fetch,
    inputs,
    send_form,
    set_staff,
)
from tests.e2e.teams.harness import ORG, STRANGER, TeamsNolan, cards_of
from tests.e2e.teams.test_home import actions, shown
from tests.faketeams import FakeTeams
from tests.faketeams.server import Call

ALICE, BOB, MO = ORG
LONDON = ZoneInfo("Europe/London")
CHANNEL = "19:0f1e2d3c4b5a69788796a5b4c3d2e1f0@thread.tacv2"
GOVERNANCE = "19:9a8b7c6d5e4f30211203f4e5d6c7b8a9@thread.tacv2"
CHANNEL_LINK = (
    f"https://teams.microsoft.com/l/channel/{quote(CHANNEL, safe='')}/Policies"
    "?groupId=5e6f7a8b-0000-4000-8000-000000000001&tenantId=tenant"
)
# A Monday after today's real date: the worker holds nothing dated before it.
MONDAY = date(2027, 4, 19)
REVIEW = date(2027, 6, 18)  # 60 days after MONDAY: its first reminder is due then


@pytest.fixture
def nolan(fake: FakeTeams, db: Database, clock: Clock, org: dict[str, Staff]) -> Iterator[
    TeamsNolan
]:
    """Nolan on Teams with a governance channel, its clock at 10:00 on MONDAY."""
    clock.now = at(MONDAY)
    fake.add_channel(GOVERNANCE)
    bot = TeamsNolan(fake, db, clock, policy=Office(governance_channel=GOVERNANCE)).start()
    yield bot
    bot.stop()


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


def sweep(nolan: TeamsNolan, day: date = MONDAY) -> SweepReport:
    """The daily sweep of the Teams runtime, its policy and digest jobs (the others, such as
    the undertaking, would message the same people), everything it owes sent."""
    assert nolan.runtime is not None
    jobs = tuple(j for j in nolan.runtime.jobs if j.name in ("policy reviews", "governance digest"))
    assert len(jobs) == 2
    report = replace(nolan.runtime, jobs=jobs).sweep(day, at(day))
    nolan.settle()
    return report


def add_policy(db: Database, owner: Staff, **values: Any) -> int:
    fields: dict[str, Any] = {
        "title": "Staff Code of Conduct",
        "owner_id": owner.id,
        "url": "https://intranet.opcc.example/code.pdf",
        "last_reviewed": date(2025, 6, 18),
        "review_months": 24,
        "next_review": REVIEW,
        "channel_id": CHANNEL,
    }
    fields.update(values)
    with db.session() as session:
        row = Policy(**fields)
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


def sends_to(fake: FakeTeams, conversation_id: str) -> list[Call]:
    return [c for c in fake.calls("send") if c.conversation_id == conversation_id]


def chat_of(fake: FakeTeams, person: Any) -> str:
    return fake.conversation_of(person.object_id)


def mark_button(call: Call) -> dict[str, Any]:
    [button] = [a for a in actions(cards_of(call)) if a.get("title") == "Mark reviewed…"]
    assert button["type"] == "Action.Submit" and button["data"]["msteams"]["type"] == "task/fetch"
    return dict(button["data"])


def policies(db: Database) -> list[Policy]:
    with db.session() as session:
        return list(session.exec(select(Policy).order_by(Policy.id)))


# -- the sweep ---------------------------------------------------------------------------------


def test_the_sweep_posts_the_reminder_in_the_teams_channel_tells_the_owner_and_posts_the_digest(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    fake.add_channel(CHANNEL)
    policy_id = add_policy(db, org["alice"])
    report = sweep(nolan)
    assert report.failures == []
    assert report.counts["policy_reminded"] == 2 and report.counts["governance_digest"] == 1

    [post] = sends_to(fake, CHANNEL)
    said = shown(post)
    assert "Policy review due" in said and "in 60 days" in said and "18 June 2027" in said
    assert "Owner: Alice Able" in said
    mark_button(post)
    [dm] = sends_to(fake, chat_of(fake, ALICE))
    assert "Your policy" in shown(dm) and "in 60 days" in shown(dm)
    assert "couldn't post" not in shown(dm)
    mark_button(dm)
    [digest] = sends_to(fake, GOVERNANCE)
    text = shown(digest)
    assert "Governance digest: week beginning Mon 19 Apr 2027" in text
    assert "*Policies*" not in text and "Decisions waiting" in text  # marks drawn as bold
    assert "can't be reached" not in text  # everyone Nolan wrote to has it installed
    assert "Alice" not in text  # counts only, never a name

    # Where each went is kept for updates; a second run sends nothing more.
    rows = [r for r in nolan.outbox() if r.subject == f"policy:{policy_id}"]
    assert {(r.recipient, r.status) for r in rows} == {
        (f"channel:{CHANNEL}", "sent"),
        (f"staff:{org['alice'].id}", "sent"),
    }
    assert all(r.channel and r.ts for r in rows)
    before = len(fake.calls("send"))
    again = sweep(nolan)
    assert again.counts["policy_reminded"] == 0 and again.counts["governance_digest"] == 0
    assert len(fake.calls("send")) == before


def test_a_channel_without_nolan_is_said_to_the_owner_and_the_digest_counts_the_unreachable(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    fake.add_channel(CHANNEL, installed=False)
    add_policy(db, org["alice"])
    add_policy(db, org["bob"], title="Expenses Policy", channel_id=None)  # Bob hasn't Nolan
    report = sweep(nolan)
    # What waits for Nolan to be installed is said so, not counted as sent nor as failed.
    assert report.counts["policy_reminded"] == 1 and report.failures == []
    waiting = [line for line in report.lines if "waits until Nolan is installed" in line]
    assert waiting == [
        "The review reminder for policy “Staff Code of Conduct” waits until Nolan is installed "
        f"in the team of channel {CHANNEL}.",
        "The review reminder for policy “Expenses Policy” waits until Nolan is installed for "
        "Bob Late.",
    ]

    assert [c.status for c in sends_to(fake, CHANNEL)] == [403]
    [dm] = sends_to(fake, chat_of(fake, ALICE))
    assert "isn't installed in that channel's team" in shown(dm)
    assert "conduct policies" in shown(dm)
    rows = {r.recipient: r.status for r in nolan.outbox() if r.kind.startswith("policy_")}
    assert rows[f"channel:{CHANNEL}"] == "parked"
    assert rows[f"staff:{org['bob'].id}"] == "parked"
    [digest] = sends_to(fake, GOVERNANCE)
    lines = shown(digest).replace("\n:", ":")  # a bold run ends a line of `shown`
    advice = "1 person can't be reached: ask IT to pre-install Nolan with an app setup policy."
    assert advice in lines
    assert "Bob" not in shown(digest)

    # Nolan added to the channel's team: the reminder parked for the channel goes.
    fake.add_channel(CHANNEL)
    install = nolan.activity(ALICE, "conversationUpdate",
                             extra={"membersAdded": [{"id": f"28:{fake.app_id}"}]})
    install["conversation"] = {**install["conversation"], "conversationType": "channel",
                               "id": CHANNEL}
    assert nolan.post(install)[0] == 200
    nolan.settle()
    assert [c.status for c in sends_to(fake, CHANNEL)] == [403, 201]
    assert "Policy review due" in shown(sends_to(fake, CHANNEL)[-1])
    rows = {r.recipient: r.status for r in nolan.outbox() if r.kind.startswith("policy_")}
    assert rows[f"channel:{CHANNEL}"] == "sent" and rows[f"staff:{org['bob'].id}"] == "parked"


def test_nobody_to_tell_is_noted_and_no_governance_channel_means_no_digest(
    fake: FakeTeams, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    clock.now = at(MONDAY)
    fake.add_channel(CHANNEL)
    with db.session() as session:
        session.add(Staff(email="gone@opcc.example", name="Gone Away"))  # no Teams account
        session.commit()
        gone = session.exec(select(Staff).where(Staff.email == "gone@opcc.example")).one()
        session.expunge(gone)
    add_policy(db, gone)
    bot = TeamsNolan(fake, db, clock).start()
    try:
        report = sweep(bot)
    finally:
        bot.stop()
    assert any("its owner (Gone Away) can't be sent a message" in line for line in report.lines)
    assert any("conduct policies" in line for line in report.lines)
    assert [c.conversation_id for c in fake.calls("send")] == [CHANNEL]


# -- adding and editing ------------------------------------------------------------------------


def open_list(nolan: TeamsNolan, fake: FakeTeams) -> dict[str, Any]:
    before = len(fake.calls("send"))
    nolan.say(ALICE, "conduct policies")
    call = fake.wait_for("send", lambda c: "The office's policies" in shown(c), count=1 + before)
    [card] = cards_of(call)
    return card


def button(card: dict[str, Any], title: str, n: int = 0) -> dict[str, Any]:
    found = [a for a in actions(card) if a.get("title") == title]
    assert found[n]["data"]["msteams"] == {"type": "task/fetch"}
    return dict(found[n]["data"])


def test_an_admin_adds_and_edits_a_policy_in_dialogs(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    set_staff(db, ALICE, roles="admin")
    listed = open_list(nolan, fake)
    assert "No policies yet" in shown(listed)
    form = dialog_of(fetch(nolan, ALICE, button(listed, "Add a policy…")))
    assert set(inputs(form)) >= {"title", "owner", "next_review", "channel", "flags"}

    # A group chat is not a channel, and someone outside the org chart can't own it.
    answers = {"title": "Gifts Policy", "owner": STRANGER.object_id,
               "next_review": "2027-09-01", "channel": "19:abc@thread.v2"}
    again = dialog_of(send_form(nolan, ALICE, form, answers))
    assert "channel of a team" in (error_after(again, "channel") or "")
    assert "org chart" in (error_after(again, "owner") or "")
    assert inputs(again)["title"]["value"] == "Gifts Policy"  # every answer kept
    assert policies(db) == []

    answers.update(owner=MO.object_id, channel=CHANNEL_LINK)
    said = closed_with(send_form(nolan, ALICE, form, answers))
    assert "Saved “Gifts Policy”" in said
    [added] = policies(db)
    assert (added.owner_id, added.channel_id, added.next_review) == (
        org["mo"].id, CHANNEL, date(2027, 9, 1)
    )

    listed = open_list(nolan, fake)
    assert "Gifts Policy" in shown(listed) and "Owner: Morgan Monitor" in shown(listed)
    form = dialog_of(fetch(nolan, ALICE, button(listed, "Edit…")))
    assert inputs(form)["title"]["value"] == "Gifts Policy"
    assert inputs(form)["owner"]["value"] == MO.object_id
    assert inputs(form)["channel"]["value"] == CHANNEL
    edited = {**{k: v["value"] for k, v in inputs(form).items() if "value" in v},
              "title": "Gifts and Hospitality Policy"}
    assert "Saved" in closed_with(send_form(nolan, ALICE, form, edited))
    [changed] = policies(db)
    assert changed.title == "Gifts and Hospitality Policy" and changed.channel_id == CHANNEL
    with db.session() as session:
        audit = session.exec(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert audit[-2:] == ["policy_added", "policy_changed"]
    nolan.settle()


def test_only_an_admin_may_add_or_edit(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    add_policy(db, org["alice"])
    refused = closed_with(fetch(nolan, MO, button_data("policy_add")))
    assert "Only an admin" in refused
    # A form kept open while the person lost the role: refused at submit, nothing saved.
    set_staff(db, ALICE, roles="admin")
    form = dialog_of(fetch(nolan, ALICE, button_data("policy_add")))
    set_staff(db, ALICE, roles="")
    answers = {"title": "New", "owner": MO.object_id, "next_review": "2027-09-01"}
    assert "Only an admin" in closed_with(send_form(nolan, ALICE, form, answers))
    assert [p.title for p in policies(db)] == ["Staff Code of Conduct"]
    # A button that isn't one of Nolan's; a policy gone since the list was drawn.
    set_staff(db, ALICE, roles="admin")
    junk = closed_with(fetch(nolan, ALICE, button_data("policy_edit", '{"policy_id": "x"}')))
    assert junk == STALE_BUTTON
    gone = closed_with(fetch(nolan, ALICE, button_data("policy_edit", '{"policy_id": 999}')))
    assert gone == OUT_OF_DATE


def button_data(action: str, payload: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"msteams": {"type": "task/fetch"}, "_action": action}
    if payload is not None:
        data["_payload"] = payload
    return data


# -- marking the review done -------------------------------------------------------------------


def test_the_owner_marks_it_reviewed_from_the_channel_and_each_reminder_is_replaced(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    fake.add_channel(CHANNEL)
    policy_id = add_policy(db, org["alice"])
    sweep(nolan)
    [post] = sends_to(fake, CHANNEL)
    [dm] = sends_to(fake, chat_of(fake, ALICE))
    pressed = mark_button(post)

    # Someone else may not; a date in the future is refused at its field.
    assert "Only the policy's owner" in closed_with(fetch(nolan, MO, pressed))
    form = dialog_of(fetch(nolan, ALICE, pressed))
    assert "18 June 2027" in shown(form)
    future = dialog_of(send_form(nolan, ALICE, form, {"reviewed_on": "2027-04-20"}))
    assert "future" in (error_after(future, "reviewed_on") or "")

    said = closed_with(
        send_form(nolan, ALICE, form, {"reviewed_on": "2027-04-16", "note": "No changes."})
    )
    assert "Marked reviewed" in said and "16 April 2029" in said
    nolan.settle()
    [row] = policies(db)
    assert (row.last_reviewed, row.next_review) == (date(2027, 4, 16), date(2029, 4, 16))
    updates = fake.calls("update")
    assert {(u.conversation_id, u.activity_id) for u in updates} == {
        (CHANNEL, post.activity_id),
        (chat_of(fake, ALICE), dm.activity_id),
    }
    for update in updates:
        text = shown(update)
        assert "Reviewed" in text and "marked by Alice Able" in text
        assert not [a for a in actions(cards_of(update)) if a.get("title") == "Mark reviewed…"]

    # The reminder's button is out of date now.
    assert "out of date" in closed_with(fetch(nolan, ALICE, pressed))
    rows = [r for r in nolan.outbox() if r.kind == "policy_reviewed"]
    assert len(rows) == 2 and {r.status for r in rows} == {"sent"}
    assert all(r.subject == f"policy:{policy_id}" for r in rows)


def test_nothing_is_sent_for_a_reminder_whose_review_was_marked_before_it_went(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    """A reminder held (for working hours, or a retry) goes drawn as things then stand."""
    fake.add_channel(CHANNEL)
    policy_id = add_policy(db, org["alice"], next_review=date(2029, 4, 16))  # reviewed since
    key = Key("policy_review", f"policy:{policy_id}", f"channel:{CHANNEL}", MONDAY)
    assert nolan.runtime is not None and nolan.runtime.teams is not None
    nolan.runtime.outbox.stop()  # only the worker below sends
    with db.session() as session:
        owe_once(session, key, CHANNEL_REMINDER, due_at=at(MONDAY), policy_id=policy_id,
                 due=REVIEW.isoformat())
        session.commit()
    Worker(db, nolan.runtime.teams.sender).run_once(at=at(MONDAY))
    assert sends_to(fake, CHANNEL) == []
    assert [r.status for r in nolan.outbox()] == ["skipped"]
