"""/conduct policies and "Mark reviewed…" end to end: signed requests in, Web API calls out,
the policies and the audit trail in the database."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlmodel import col, select

from bot.jobs.policies import remind_policy_reviews
from bot.outbox import Worker
from bot.settings import Settings
from bot.sweep import Job, run_sweep
from handlers.notifier import Notifier
from handlers.outgoing import SlackSender
from storage.db import Database
from storage.models import AuditEntry, Policy, Reminder, Staff
from tests.e2e.harness import SECRET, Clock, Nolan
from tests.fakeslack import FakeSlack, block_actions_form, post
from tests.fakeslack.server import Call

CHANNEL = "C0POLICIES"
URL = "https://intranet.opcc.example/policies/code-of-conduct.pdf"
# The harness clock says Friday 20 November 2026: a review due on 19 January 2027 is 60 days
# away, so today's sweep posts its first reminder.
DUE = date(2027, 1, 19)


def make_admin(db: Database, key: str = "head") -> None:
    with db.session() as session:
        person = session.exec(select(Staff).where(Staff.email == f"{key}@opcc.example")).one()
        person.roles = ";".join(sorted({*person.role_set, "admin"}))
        session.add(person)
        session.commit()


def policies(db: Database) -> list[Policy]:
    with db.session() as session:
        return list(session.exec(select(Policy).order_by(col(Policy.id))).all())


def audit(db: Database, action: str) -> list[dict[str, Any]]:
    with db.session() as session:
        rows = session.exec(
            select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
        ).all()
        return [{"actor_id": a.actor_id, **json.loads(a.detail)} for a in rows]


def text_of(call: Call) -> str:
    return call.args.get("text", "") + json.dumps(call.args.get("blocks", []), ensure_ascii=False)


def blocks_text(view: dict[str, Any]) -> str:
    return json.dumps(view.get("blocks", []), ensure_ascii=False)


def open_list(nolan: Nolan, fake: FakeSlack, user: str = "UHEAD") -> dict[str, Any]:
    """/conduct policies; returns the list as Slack holds it (with its view id)."""
    nolan.open_modal(user, "/conduct", "policies")
    return fake.responses("views.open")[-1]["view"]


def _button(view: dict[str, Any], action_id: str, value_has: str = "") -> tuple[str, str]:
    for block in view["blocks"]:
        elements = list(block.get("elements", [])) if block["type"] == "actions" else []
        if block.get("accessory"):
            elements.append(block["accessory"])
        for element in elements:
            if element.get("action_id") == action_id and value_has in element.get("value", ""):
                return block.get("block_id", ""), element.get("value", "")
    raise AssertionError(f"no button {action_id!r} in the view")


def press_in_view(
    nolan: Nolan, fake: FakeSlack, user: str, view: dict[str, Any], action_id: str, value: str = ""
) -> dict[str, Any]:
    """Press a button in a modal; returns the view the bot pushed in answer."""
    block_id, button_value = _button(view, action_id, value)
    before = len(fake.calls("views.push"))
    body = block_actions_form(
        user,
        action_id,
        button_value,
        block_id=block_id,
        trigger_id=fake.new_trigger_id(),
        container_type="view",
        view=view,
    )
    status, _headers, reply = post(nolan.events_url, body, SECRET)
    assert status == 200, reply
    return fake.wait_for("views.push", count=before + 1).args["view"]


def answers(clock: Clock, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title_input": "Staff Code of Conduct",
        "owner_input": "UALICE",
        "url_input": URL,
        "last_reviewed_input": date(2025, 1, 19),
        "review_months_input": "24",
        "channel_input": CHANNEL,
        "flags_input": ["code_of_conduct"],
    }
    values.update(overrides)
    return values


def test_someone_who_is_not_an_admin_is_refused(nolan: Nolan, fake: FakeSlack) -> None:
    status, reply = nolan.command("UALICE", "/conduct", "policies")
    body = json.loads(reply)
    assert status == 200 and body["response_type"] == "ephemeral"
    assert "Only an admin" in body["text"]
    fake.assert_no_call("views.open", settle=0.1)


def test_an_admin_adds_the_code_of_conduct(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    make_admin(db)
    listing = open_list(nolan, fake)
    assert "No policies yet" in blocks_text(listing)  # nothing is seeded
    form = press_in_view(nolan, fake, "UHEAD", listing, "policy_add")
    assert form["callback_id"] == "policy_form"
    assert "every 2 years (24), Derbyshire every 3 (36)" in blocks_text(form)
    assert "Warwickshire" in blocks_text(form)

    assert nolan.submit("UHEAD", form, answers(clock)) == {}

    [policy] = policies(db)
    assert (policy.title, policy.owner_id, policy.url) == (
        "Staff Code of Conduct",
        org["alice"].id,
        URL,
    )
    assert (policy.last_reviewed, policy.review_months) == (date(2025, 1, 19), 24)
    assert policy.next_review == DUE  # 19 January 2025 + 24 months
    assert policy.channel_id == CHANNEL and policy.is_code_of_conduct and policy.active
    [added] = audit(db, "policy_added")
    assert added["actor_id"] == org["head"].id and added["policy_id"] == policy.id
    # The list underneath is refreshed with it.
    update = fake.wait_for("views.update")
    assert update.args["view_id"] == listing["id"]
    shown = blocks_text(update.args["view"])
    assert "Staff Code of Conduct" in shown and "Alice Able" in shown
    assert "19 January 2027" in shown and "the code of conduct" in shown
    assert "Due soon" in shown  # 60 days away


def test_errors_land_on_their_fields(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    make_admin(db)
    form = press_in_view(nolan, fake, "UHEAD", open_list(nolan, fake), "policy_add")
    reply = nolan.submit(
        "UHEAD",
        form,
        answers(
            clock,
            title_input="   ",
            owner_input="UNOBODY",  # in Slack, not in the org chart
            url_input="intranet/code.pdf",
            last_reviewed_input=date(2026, 12, 1),  # the future
            review_months_input="0",
        ),
    )
    assert reply["response_action"] == "errors"
    assert set(reply["errors"]) == {"title", "owner", "url", "last_reviewed", "review_months"}
    assert "org chart" in reply["errors"]["owner"]
    # Neither an interval nor a date.
    reply = nolan.submit(
        "UHEAD", form, answers(clock, review_months_input=None, last_reviewed_input=None)
    )
    assert set(reply["errors"]) == {"next_review"}
    assert policies(db) == []
    fake.assert_no_call("views.update", settle=0.1)


def test_a_printed_review_date_instead_of_an_interval(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    make_admin(db)
    form = press_in_view(nolan, fake, "UHEAD", open_list(nolan, fake), "policy_add")
    reply = nolan.submit(
        "UHEAD",
        form,
        answers(
            clock,
            review_months_input=None,
            last_reviewed_input=None,
            next_review_input=date(2018, 3, 1),  # warwickshire's, long passed
            channel_input=None,
            flags_input=[],
        ),
    )
    assert reply == {}
    [policy] = policies(db)
    assert (policy.next_review, policy.review_months, policy.channel_id) == (
        date(2018, 3, 1),
        None,
        None,
    )
    assert "Overdue" in blocks_text(fake.wait_for("views.update").args["view"])


def test_editing_moves_the_code_of_conduct_flag_and_retires(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    make_admin(db)
    add = press_in_view(nolan, fake, "UHEAD", open_list(nolan, fake), "policy_add")
    assert nolan.submit("UHEAD", add, answers(clock)) == {}
    add = press_in_view(nolan, fake, "UHEAD", open_list(nolan, fake), "policy_add")
    second = answers(clock, title_input="Gifts and Hospitality Policy", owner_input="UMO")
    assert nolan.submit("UHEAD", add, second) == {}
    first, gifts = policies(db)
    # Marking the second as the code of conduct cleared the first.
    assert (first.is_code_of_conduct, gifts.is_code_of_conduct) == (False, True)

    # Edit the first back: the form comes prefilled; it becomes the code again.
    listing = open_list(nolan, fake)
    form = press_in_view(nolan, fake, "UHEAD", listing, "policy_edit", f'"policy_id":{first.id}')
    assert form["title"]["text"] == "Edit a policy"
    shown = blocks_text(form)
    assert "Staff Code of Conduct" in shown and URL in shown and '"UALICE"' in shown
    edited = answers(clock, title_input="Staff Code of Conduct (2025)", review_months_input="36")
    assert nolan.submit("UHEAD", form, edited) == {}
    first, gifts = policies(db)
    assert first.title == "Staff Code of Conduct (2025)" and first.is_code_of_conduct
    assert first.next_review == date(2028, 1, 19)  # the new interval from the last review
    assert not gifts.is_code_of_conduct
    changes = audit(db, "policy_changed")
    assert {c["policy_id"] for c in changes} == {first.id, gifts.id}
    mine = next(c for c in changes[-2:] if c["policy_id"] == first.id)
    assert mine["changes"]["title"] == ["Staff Code of Conduct", "Staff Code of Conduct (2025)"]
    assert mine["changes"]["review_months"] == [24, 36]

    # Retire the gifts policy: no more reminders, and it is no longer the code.
    form = press_in_view(
        nolan, fake, "UHEAD", open_list(nolan, fake), "policy_edit", f'"policy_id":{gifts.id}'
    )
    retire = {**second, "flags_input": ["retired"]}
    assert nolan.submit("UHEAD", form, retire) == {}
    _first, gifts = policies(db)
    assert not gifts.active
    assert audit(db, "policy_changed")[-1]["changes"]["active"] == [True, False]
    listing = fake.wait_for("views.update", count=4).args["view"]
    assert "Retired" in blocks_text(listing)


# -- "Mark reviewed…" -------------------------------------------------------------------------


@pytest.fixture
def reminded(nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]):
    """A policy owned by Alice, due in 60 days; today's sweep has posted its reminders."""
    with db.session() as session:
        row = Policy(
            title="Staff Code of Conduct",
            owner_id=org["alice"].id,
            url=URL,
            last_reviewed=date(2025, 1, 19),
            review_months=24,
            next_review=DUE,
            channel_id=CHANNEL,
            is_code_of_conduct=True,
        )
        session.add(row)
        session.commit()
        policy_id = row.id
    settings = Settings(
        slack_bot_token="xoxb-e2e-token", slack_api_url=fake.api_url, database_url=db.url
    )
    notifier = Notifier(WebClient(token="xoxb-e2e-token", base_url=fake.api_url))
    today = clock.now.astimezone(settings.policy.tz).date()
    jobs = [Job("policy reviews", remind_policy_reviews)]
    # The sweep delivers what it queued through a worker, as `reminders run` does.
    worker = Worker(db, SlackSender(db, notifier, policy=settings.policy))
    report = run_sweep(db, settings, today, clock.now, jobs=jobs, outbox=worker)
    assert report.failures == []
    # The bot's own worker may have taken some of them first: wait until they are all sent.
    assert worker.wait_idle()
    channel_post = fake.wait_for("chat.postMessage", lambda c: c.args["channel"] == CHANNEL)
    dm = fake.wait_for("chat.postMessage", lambda c: c.args["channel"] == "UALICE")
    return policy_id, channel_post, dm


def test_the_owner_marks_it_reviewed_from_the_channel(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff], reminded
) -> None:
    _policy_id, channel_post, dm = reminded
    status, _ = nolan.press("UALICE", channel_post, "policy_mark_reviewed")
    assert status == 200
    modal = fake.wait_for("views.open").args["view"]
    assert modal["callback_id"] == "policy_review"
    assert "19 January 2027" in blocks_text(modal)
    assert '"initial_date": "2026-11-20"' in blocks_text(modal)  # today, by default

    # Not in the future.
    reply = nolan.submit("UALICE", modal, {"reviewed_on_input": date(2026, 11, 23)})
    assert set(reply["errors"]) == {"reviewed_on"}

    reply = nolan.submit(
        "UALICE", modal, {"reviewed_on_input": date(2026, 11, 18), "note_input": "No changes."}
    )
    assert reply == {}
    [policy] = policies(db)
    assert (policy.last_reviewed, policy.next_review) == (date(2026, 11, 18), date(2028, 11, 18))
    [reviewed] = audit(db, "policy_reviewed")
    assert reviewed["actor_id"] == org["alice"].id
    assert reviewed["next_review"] == "2028-11-18" and reviewed["note"] == "No changes."

    # Both reminders now say so, and lose their button.
    updates = [fake.wait_for("chat.update", count=n) for n in (1, 2)]
    where = {(u.args["channel"], u.args["ts"]) for u in updates}
    assert where == {
        (CHANNEL, channel_post.response["ts"]),
        (dm.response["channel"], dm.response["ts"]),
    }
    for update in updates:
        text = text_of(update)
        assert "Reviewed" in text and "18 November 2026" in text and "<@UALICE>" in text
        assert "18 November 2028" in text
        assert not any(b["type"] == "actions" for b in update.args["blocks"])
    nolan.settle()  # the updates are the outbox's: recorded once sent
    with db.session() as session:
        rows = session.exec(select(Reminder).where(Reminder.kind != "home")).all()
    assert {(r.channel, r.ts) for r in rows} == where  # the ledger kept where each went

    # The old button is now out of date.
    nolan.press("UALICE", channel_post, "policy_mark_reviewed")
    stale = fake.wait_for("response_url", lambda c: "out of date" in c.args["text"])
    assert stale.args["response_type"] == "ephemeral"
    assert "18 November 2028" in stale.args["text"]


def test_someone_else_is_refused_but_an_admin_may(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff], reminded
) -> None:
    _policy_id, channel_post, _dm = reminded
    nolan.press("UEVE", channel_post, "policy_mark_reviewed")
    refused = fake.wait_for("response_url", lambda c: "Only the policy's owner" in c.args["text"])
    assert refused.args["response_type"] == "ephemeral" and not refused.args["replace_original"]
    assert "Alice Able" in refused.args["text"]
    fake.assert_no_call("views.open", settle=0.1)

    make_admin(db)
    nolan.press("UHEAD", channel_post, "policy_mark_reviewed")
    modal = fake.wait_for("views.open").args["view"]
    # An admin who is not the owner can submit too; a form submitted by someone who lost
    # the right meanwhile is refused on its field.
    bad = nolan.submit("UEVE", modal, {"reviewed_on_input": date(2026, 11, 20)})
    assert "owner" in bad["errors"]["reviewed_on"]
    assert nolan.submit("UHEAD", modal, {"reviewed_on_input": date(2026, 11, 20)}) == {}
    [policy] = policies(db)
    assert policy.next_review == date(2028, 11, 20)
    assert audit(db, "policy_reviewed")[0]["actor_id"] == org["head"].id
    # A second submission of the same form does not record the review twice.
    again = nolan.submit("UHEAD", modal, {"reviewed_on_input": date(2026, 11, 20)})
    assert "just marked" in again["errors"]["reviewed_on"]
    assert len(audit(db, "policy_reviewed")) == 1


def test_the_owner_can_mark_it_from_their_dm(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, reminded
) -> None:
    _policy_id, _channel_post, dm = reminded
    nolan.press("UALICE", dm, "policy_mark_reviewed")
    modal = fake.wait_for("views.open").args["view"]
    assert nolan.submit("UALICE", modal, {}) == {}  # the date picker's default: today
    [policy] = policies(db)
    assert policy.last_reviewed == date(2026, 11, 20)
    assert len({u.args["ts"] for u in [fake.wait_for("chat.update", count=n) for n in (1, 2)]}) == 2


def test_a_policy_without_an_interval_asks_for_the_next_date(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, reminded
) -> None:
    policy_id, channel_post, _dm = reminded
    with db.session() as session:
        row = session.get(Policy, policy_id)
        assert row is not None
        row.review_months = None
        session.add(row)
        session.commit()
    nolan.press("UALICE", channel_post, "policy_mark_reviewed")
    modal = fake.wait_for("views.open").args["view"]
    assert "no review interval" in blocks_text(modal)
    reply = nolan.submit("UALICE", modal, {"reviewed_on_input": date(2026, 11, 20)})
    assert set(reply["errors"]) == {"review_next"}
    reply = nolan.submit(
        "UALICE",
        modal,
        {"reviewed_on_input": date(2026, 11, 20), "review_next_input": date(2029, 3, 1)},
    )
    assert reply == {}
    assert policies(db)[0].next_review == date(2029, 3, 1)
    fake.wait_for("chat.update", count=2)


def test_the_list_marks_each_policy(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    make_admin(db)
    with db.session() as session:
        for title, next_review in [
            ("Overdue One", date(2018, 3, 1)),
            ("Current One", date(2029, 1, 1)),
        ]:
            session.add(Policy(title=title, owner_id=org["mo"].id, next_review=next_review))
        session.commit()
    shown = blocks_text(open_list(nolan, fake))
    assert shown.index("Overdue One") < shown.index("Current One")
    assert "Overdue" in shown and "Morgan Monitor" in shown
