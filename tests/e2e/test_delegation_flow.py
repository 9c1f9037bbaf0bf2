"""/conduct delegate end to end: the form and the one-line shortcut, bad input, a deputy
deciding, ending early and ending by itself (the daily sweep, driven by date)."""

from __future__ import annotations

import io
import json
import time
from datetime import date
from typing import Any

from sqlmodel import col, select

from bot.cli import main
from handlers.approvals.ids import decide_action
from storage.db import Database
from storage.models import ApprovalStep, AuditEntry, Delegation, Staff
from tests.e2e.harness import Clock, Nolan, dm_to
from tests.e2e.test_gifts_flow import declarations, declare, has_buttons, hospitality
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call

APPROVE = decide_action("approved")
UNTIL = date(2026, 12, 1)  # the harness clock says Friday 20 November 2026


def text_of(call: Call) -> str:
    return call.args.get("text", "") + json.dumps(call.args.get("blocks", []), ensure_ascii=False)


def delegations(db: Database) -> list[Delegation]:
    with db.session() as session:
        return list(session.exec(select(Delegation).order_by(col(Delegation.id))).all())


def steps(db: Database) -> list[ApprovalStep]:
    with db.session() as session:
        return list(session.exec(select(ApprovalStep).order_by(col(ApprovalStep.id))).all())


def audit(db: Database, action: str) -> list[dict[str, Any]]:
    with db.session() as session:
        rows = session.exec(
            select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
        ).all()
        return [json.loads(a.detail) for a in rows]


def reply_text(nolan: Nolan, user: str, text: str) -> str:
    status, reply = nolan.command(user, "/conduct", text)
    assert status == 200
    body = json.loads(reply)
    assert body.get("response_type") == "ephemeral"
    return str(body["text"])


def sweep(fake: FakeSlack, db: Database, today: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["reminders", "run", "--today", today],
        environ={
            "SLACK_BOT_TOKEN": "xoxb-e2e-token",
            "DATABASE_URL": db.url,
            "SLACK_API_URL": fake.api_url,
        },
        stdout=out,
        stderr=err,
    )
    assert err.getvalue() == ""
    return code, out.getvalue()


def test_the_form_delegates_and_the_deputy_decides_new_declarations(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    view = nolan.open_modal("UMGR", "/conduct", "delegate")
    assert view["callback_id"] == "delegation_create"
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["deputy"]["element"]["type"] == "users_select"
    assert blocks["starts_on"]["element"]["initial_date"] == "2026-11-20"
    assert blocks["ends_on"]["element"]["type"] == "datepicker"

    assert nolan.submit("UMGR", view, {"deputy_input": "UEVE", "ends_on_input": UNTIL}) == {}
    [delegation] = delegations(db)
    assert (delegation.delegator_id, delegation.deputy_id) == (org["manager"].id, org["eve"].id)
    assert (delegation.starts_on, delegation.ends_on) == (clock.today, UNTIL)
    told_eve = dm_to(fake, "UEVE")
    assert "Manny Manager" in told_eve.args["text"] and "Tue 1 Dec 2026" in told_eve.args["text"]
    confirmed = dm_to(fake, "UMGR")
    assert "Eve Other" in confirmed.args["text"] and "/conduct delegate end" in text_of(confirmed)

    # A declaration made now goes to the deputy, who sees whose approvals they hold.
    declare(nolan, "UALICE", hospitality(clock))
    card = dm_to(fake, "UEVE", has_buttons)
    assert "You are deciding this as deputy for Manny Manager" in text_of(card)
    fake.assert_no_call(
        "chat.postMessage", lambda c: c.args["channel"] == "UMGR" and has_buttons(c)
    )
    [step] = steps(db)
    assert (step.approver_id, step.delegated_from_id) == (org["eve"].id, org["manager"].id)

    status, _ = nolan.press("UEVE", card, APPROVE)
    assert status == 200
    dm_to(
        fake, "UALICE", lambda c: "*Approved*" in c.args["text"] and "Eve Other" in c.args["text"]
    )
    assert declarations(db)[0][0].status == "approved"
    [delegated] = audit(db, "delegated")
    assert (delegated["delegator"], delegated["deputy"]) == ("Manny Manager", "Eve Other")


def test_the_form_shows_a_delegation_already_in_force(
    nolan: Nolan, fake: FakeSlack, db: Database
) -> None:
    reply_text(nolan, "UMGR", "delegate <@UEVE|eve> until 2026-12-01")
    view = nolan.open_modal("UMGR", "/conduct", "delegate")
    assert "your approvals go to Eve Other until Tue 1 Dec 2026" in json.dumps(view["blocks"])


def test_the_shortcut_moves_what_is_already_waiting_and_keeps_both_names(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    declare(nolan, "UALICE", hospitality(clock))
    old_card = dm_to(fake, "UMGR", has_buttons)

    text = reply_text(nolan, "UMGR", "delegate <@UEVE|eve> until 2026-12-01")
    assert "Your approvals go to *Eve Other* until Tue 1 Dec 2026" in text
    assert "1 waiting item moved to them" in text

    # Manny's card loses its buttons and says where it went; Eve gets it with hers.
    update = fake.wait_for("chat.update")
    assert update.args["ts"] == old_card.response["ts"] and not has_buttons(update)
    assert "Now with Eve Other" in text_of(update)
    notice = dm_to(fake, "UEVE", lambda c: "asked you to decide" in c.args["text"])
    assert "1 waiting item moved to you" in notice.args["text"]
    card = dm_to(fake, "UEVE", has_buttons)
    assert "deputy for Manny Manager" in text_of(card)

    nolan.press("UEVE", card, APPROVE)
    dm_to(fake, "UALICE", lambda c: "*Approved*" in c.args["text"])
    [step] = steps(db)
    assert step.decided_by_id == org["eve"].id
    # Both names stay in the audit trail.
    [moved] = audit(db, "reassigned")
    assert (moved["from_id"], moved["to_id"], moved["delegated_from"]) == (
        org["manager"].id,
        org["eve"].id,
        org["manager"].id,
    )
    assert audit(db, "delegated")[0]["delegator_id"] == org["manager"].id


def test_a_deputy_never_decides_their_own_declaration(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    reply_text(nolan, "UMGR", "delegate <@UEVE|eve> until 2026-12-01")
    declare(nolan, "UEVE", hospitality(clock))
    card = dm_to(fake, "UMGR", has_buttons)
    assert "deputy" not in text_of(card)
    [step] = steps(db)
    assert (step.approver_id, step.delegated_from_id) == (org["manager"].id, None)


def test_bad_input_in_the_form_is_shown_on_its_field(
    nolan: Nolan, fake: FakeSlack, db: Database
) -> None:
    fake.add_user("stranger@elsewhere.example", "USTRANGER", name="Stranger")
    view = nolan.open_modal("UMGR", "/conduct", "delegate")
    cases = [
        ({"deputy_input": "UMGR", "ends_on_input": UNTIL}, "deputy", "yourself"),
        ({"deputy_input": "USTRANGER", "ends_on_input": UNTIL}, "deputy", "org chart"),
        ({"deputy_input": "UEVE", "ends_on_input": date(2026, 11, 19)}, "ends_on", "passed"),
        ({"deputy_input": "UEVE", "ends_on_input": date(2028, 1, 1)}, "ends_on", "up to a year"),
        (
            {
                "deputy_input": "UEVE",
                "starts_on_input": date(2026, 12, 5),
                "ends_on_input": UNTIL,
            },
            "ends_on",
            "before the first",
        ),
        ({"ends_on_input": UNTIL}, "deputy", "Choose who"),
    ]
    for answers, field, says in cases:
        reply = nolan.submit("UMGR", view, answers)
        assert reply["response_action"] == "errors", answers
        assert says in reply["errors"][field], reply
    assert delegations(db) == []
    fake.assert_no_call("chat.postMessage")


def test_bad_shortcuts_are_answered_with_how_to_write_them(
    nolan: Nolan, fake: FakeSlack, db: Database
) -> None:
    fake.add_user("stranger@elsewhere.example", "USTRANGER", name="Stranger")
    cases = {
        "delegate <@UMGR|manny> until 2026-12-01": "yourself",
        "delegate <@USTRANGER|stranger> until 2026-12-01": "org chart",
        "delegate <@UEVE|eve> until 2026-11-01": "passed",
        "delegate <@UEVE|eve>": "until when",
        "delegate <@UEVE|eve> until 1st December": "YYYY-MM-DD",
        "delegate @eve until 2026-12-01": "mention",
    }
    for text, says in cases.items():
        answer = reply_text(nolan, "UMGR", text)
        assert says in answer, (text, answer)
        assert "Traceback" not in answer
    assert "/conduct delegate @person until YYYY-MM-DD" in reply_text(
        nolan, "UMGR", "delegate <@UEVE|eve>"
    )
    assert delegations(db) == []


def test_someone_not_in_the_org_chart_is_told_so(nolan: Nolan, fake: FakeSlack) -> None:
    assert "org chart" in reply_text(nolan, "UNOBODY", "delegate")
    assert "org chart" in reply_text(nolan, "UNOBODY", "delegate <@UEVE|eve> until 2026-12-01")
    fake.assert_no_call("views.open")


def test_ending_early_brings_the_items_back(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    assert "no delegation to end" in reply_text(nolan, "UMGR", "delegate end")
    reply_text(nolan, "UMGR", "delegate <@UEVE|eve> until 2026-12-01")
    declare(nolan, "UALICE", hospitality(clock))
    eve_card = dm_to(fake, "UEVE", has_buttons)
    # The card reaches Slack a moment before Nolan stores where it went (what chat.update
    # needs): end the delegation once it has.
    deadline = time.monotonic() + 15
    while [s.dm_ts for s in steps(db)] != [eve_card.response["ts"]]:
        assert time.monotonic() < deadline, "the card's ts was never stored"
        time.sleep(0.02)

    text = reply_text(nolan, "UMGR", "delegate end")
    assert "Your delegation to Eve Other has ended" in text and "1 waiting item" in text
    update = fake.wait_for("chat.update", lambda c: c.args["ts"] == eve_card.response["ts"])
    assert not has_buttons(update)
    dm_to(fake, "UEVE", lambda c: "no longer decide for Manny Manager" in c.args["text"])
    card = dm_to(fake, "UMGR", has_buttons)
    assert "deputy" not in text_of(card)
    [step] = steps(db)
    assert (step.approver_id, step.delegated_from_id) == (org["manager"].id, None)
    assert delegations(db)[0].ended_at is not None
    assert audit(db, "delegation_ended")[0]["by_itself"] is False
    # New declarations go to the manager again.
    declare(nolan, "UALICE", hospitality(clock))
    assert steps(db)[-1].approver_id == org["manager"].id


def test_a_delegation_ends_by_itself_in_the_daily_sweep(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    reply_text(nolan, "UMGR", "delegate <@UEVE|eve> until 2026-11-24")
    declare(nolan, "UALICE", hospitality(clock))
    eve_card = dm_to(fake, "UEVE", has_buttons)
    # Stored as reached too: else the sweep may find it neither reached nor on its way and
    # re-send it, and the move would then redraw that copy, not this one.
    nolan.settle()

    code, out = sweep(fake, db, "2026-11-24")  # the last day: still in force
    assert code == 0 and "ended 0 delegations" in out
    code, out = sweep(fake, db, "2026-11-25")
    assert code == 0
    assert out.splitlines()[0] == (
        "Ended Manny Manager's delegation to Eve Other (last day Tue 24 Nov 2026); "
        "1 waiting step back with Manny Manager."
    )
    assert out.splitlines()[-1].endswith("ended 1 delegation.")
    update = fake.wait_for("chat.update", lambda c: c.args["ts"] == eve_card.response["ts"])
    assert not has_buttons(update)
    dm_to(fake, "UMGR", lambda c: "came back to you" in c.args["text"])
    card = dm_to(fake, "UMGR", has_buttons)
    [step] = steps(db)
    assert (step.approver_id, step.delegated_from_id) == (org["manager"].id, None)

    nolan.press("UMGR", card, APPROVE)
    dm_to(fake, "UALICE", lambda c: "*Approved*" in c.args["text"])
    assert sweep(fake, db, "2026-11-25")[1].endswith("ended 0 delegations.\n")
