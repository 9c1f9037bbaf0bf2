"""The daily sweep on Teams, end to end: `python -m bot reminders run --today DATE --at HH:MM`
on a Teams configuration (bot.cli.main in this process) against the fake Bot Connector. The
morning digest of decisions waiting (with the card's decision buttons, pressed through the
real endpoint), the approver's one escalation reminder, once however many runs; a DM due
before 08:00 held until the window opens; an approver without Nolan installed parked, not
lost, and reached once they install it.

The bot under test runs with its delivery worker stopped, so only the sweep's own worker
sends (as `reminders run` does), as of the time the sweep acts at — not the machine's."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

import bot.runtime
from bot.cli import main
from bot.jobs import all_jobs
from bot.rules import approvals as rules
from bot.ui.approval import decide_action
from storage.db import Database
from storage.models import Staff
from tests.e2e.harness import Clock
from tests.e2e.teams.approving import (
    BOB,
    EXECUTE,
    MANNY,
    add_manager,
    add_manny,
    audit,
    declare,
    incidental,
    step_of,
    told,
)
from tests.e2e.teams.harness import Person, TeamsNolan, card_text, cards_of
from tests.faketeams import APP_ID, APP_PASSWORD, TENANT_ID, FakeTeams
from tests.faketeams.server import Call

FRIDAY, MONDAY, WEDNESDAY = "2026-11-20", "2026-11-23", "2026-11-25"


@pytest.fixture
def quiet(
    fake: FakeTeams, db: Database, clock: Clock, org: dict[str, Staff]
) -> Iterator[TeamsNolan]:
    """The bot serving Teams, its own delivery worker stopped: the sweep's worker sends."""
    running = TeamsNolan(fake, db, clock).start()
    assert running.runtime is not None
    running.runtime.outbox.stop()
    yield running
    running.stop()


def run(fake: FakeTeams, db: Database, day: str, at: str) -> tuple[int, str, str]:
    """`python -m bot reminders run --today DAY --at AT` on Teams: (exit code, out, err)."""
    environ = {
        "TEAMS_APP_ID": APP_ID,
        "TEAMS_APP_PASSWORD": APP_PASSWORD,
        "TEAMS_TENANT_ID": TENANT_ID,
        "TEAMS_OPENID_METADATA_URL": fake.openid_metadata_url,
        "TEAMS_TOKEN_URL": fake.token_url,
        "TEAMS_GRAPH_URL": fake.graph_url,
        "TEAMS_SERVICE_URL": fake.service_url("default"),
        "DATABASE_URL": db.url,
    }
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["reminders", "run", "--today", day, "--at", at], environ=environ, stdout=out, stderr=err
    )
    return code, out.getvalue(), err.getvalue()


def sent_to(fake: FakeTeams, person: Person) -> list[Call]:
    """What reached `person` about approvals (their Home card and receipts aside)."""
    chat = fake.conversation_of(person.object_id)
    return [c for c in fake.delivered(chat) if not incidental(c)]


def words(call: Call) -> str:
    """The message's cards (checked: cards_of), their runs of text in order."""
    return json.dumps(cards_of(call), ensure_ascii=False)


def digests(fake: FakeTeams, person: Person) -> list[Call]:
    return [c for c in sent_to(fake, person) if "Waiting for your decision" in card_text(c)]


def verbs(card: dict[str, Any]) -> list[str]:
    """The decision buttons on the card's items: their verbs, or the button id of one that
    opens a dialog for the words it needs."""
    found = []
    for block in card["body"]:
        for inner in block.get("items", []):
            for action in inner.get("actions", []) if inner.get("type") == "ActionSet" else []:
                if action["type"] == "Action.ShowCard":  # asks first, then executes
                    action = action["card"]["actions"][0]
                found.append(action.get("verb") or action["data"]["_action"])
    return found


def press_in_digest(nolan: TeamsNolan, person: Person, sent: Call, verb: str) -> tuple[int, Any]:
    """`person` presses an item's `verb` (as Teams invokes an Action.Execute)."""
    [card] = cards_of(sent)
    sets = [i for b in card["body"] for i in b.get("items", []) if i.get("type") == "ActionSet"]
    found = [a for s in sets for a in s["actions"]]
    found += [a["card"]["actions"][0] for a in found if a["type"] == "Action.ShowCard"]
    action = next(a for a in found if a.get("verb") == verb)
    value = {
        "action": {"type": "Action.Execute", "verb": verb, "data": action["data"]},
        "trigger": "manual",
    }
    return nolan.post(
        nolan.activity(person, "invoke", name=EXECUTE, value=value, reply_to_id=sent.response["id"])
    )


@pytest.fixture
def manny(fake: FakeTeams, db: Database, org: dict[str, Staff]) -> Staff:
    return add_manny(fake, db, org)


def declared(quiet: TeamsNolan, fake: FakeTeams, org: dict[str, Staff]) -> int:
    """Alice's hospitality, declared on Friday at 10:00; its card reaches Manny with
    Friday's sweep (the sweep delivers what the outbox owes)."""
    step_id = declare(quiet, org)
    code, _out, err = run(fake, quiet.db, FRIDAY, "10:00")
    assert (code, err) == (0, "")
    assert len(sent_to(fake, MANNY)) == 1
    return step_id


# -- the digest ---------------------------------------------------------------------------------


def test_the_digest_reaches_the_approver_once_with_the_cards_buttons(
    quiet: TeamsNolan, fake: FakeTeams, org: dict[str, Staff], manny: Staff
) -> None:
    step_id = declared(quiet, fake, org)
    code, out, err = run(fake, quiet.db, MONDAY, "10:00")
    assert (code, err) == (0, "")
    assert "Sent Manny Manager the digest of 1 decision waiting (GH-" in out
    [digest] = digests(fake, MANNY)
    [card] = cards_of(digest)
    text = words(digest)
    assert "1 decision has waited more than a day for you" in text
    assert "Waiting since Fri 20 Nov (1 working day)" in text
    assert verbs(card) == [decide_action(o.outcome) for o in rules.outcomes("authorise")]
    assert digest.body["attachments"][0]["content"]["fallbackText"].startswith(
        "1 decision waiting for you: GH-"
    )

    again = run(fake, quiet.db, MONDAY, "10:00")  # a second run that day: nothing more
    assert again[0] == 0 and "digest" not in again[1]
    assert len(digests(fake, MANNY)) == 1

    # A press on the digest decides as on the card (bot.teams.approvals): told, as the
    # digest is not the step's card.
    status, reply = press_in_digest(quiet, MANNY, digest, "decide_approved")
    assert status == 200 and told(reply).startswith("Approved: GH-")
    assert step_of(quiet.db, step_id).status == "approved"
    assert press_in_digest(quiet, MANNY, digest, "decide_approved")[0] == 200  # told, no error
    assert step_of(quiet.db, step_id).status == "approved"


def test_the_digest_carries_the_escalation_reminder_once(
    quiet: TeamsNolan, fake: FakeTeams, org: dict[str, Staff], manny: Staff
) -> None:
    step_id = declared(quiet, fake, org)
    code, out, _err = run(fake, quiet.db, WEDNESDAY, "10:00")  # three working days
    assert code == 0 and "It carries the reminder for GH-" in out
    [digest] = digests(fake, MANNY)
    assert "🔔" in words(digest) and "Reminder:" in words(digest)
    assert len(sent_to(fake, MANNY)) == 2  # the card, then one message that morning
    [entry] = [json.loads(a.detail) for a in audit(quiet.db, "reminded")]
    assert (entry["step_id"], entry["via"]) == (step_id, "waiting_digest")
    assert run(fake, quiet.db, WEDNESDAY, "10:00")[0] == 0
    assert len(sent_to(fake, MANNY)) == 2


def test_the_chases_own_reminder_points_at_the_card_and_goes_once(
    quiet: TeamsNolan,
    fake: FakeTeams,
    org: dict[str, Staff],
    manny: Staff,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the digest (which otherwise carries it), the chase sends its own reminder."""
    monkeypatch.setattr(
        bot.runtime, "all_jobs", lambda: [j for j in all_jobs() if j.name != "waiting digest"]
    )
    step_id = declared(quiet, fake, org)
    code, out, _err = run(fake, quiet.db, WEDNESDAY, "10:00")
    assert code == 0 and "Reminded Manny Manager about GH-" in out
    [_card, reminder] = sent_to(fake, MANNY)
    [card] = cards_of(reminder)
    text = words(reminder)
    assert "waited 3 working days for your decision" in text
    assert "The buttons are on the original message" in text
    assert "Alice Able" in text and "Waiting since" not in text
    assert "actions" not in card  # one live card per step: the original
    assert [json.loads(a.detail)["step_id"] for a in audit(quiet.db, "reminded")] == [step_id]
    assert run(fake, quiet.db, WEDNESDAY, "10:00")[0] == 0
    assert run(fake, quiet.db, "2026-11-26", "10:00")[0] == 0
    assert len(sent_to(fake, MANNY)) == 2


# -- working hours ----------------------------------------------------------------------------


def test_a_dm_due_before_eight_is_held_until_the_window_opens(
    quiet: TeamsNolan, fake: FakeTeams, org: dict[str, Staff], manny: Staff
) -> None:
    declared(quiet, fake, org)
    code, out, _err = run(fake, quiet.db, MONDAY, "07:00")
    assert code == 0 and "Scheduled Manny Manager's digest" in out
    assert digests(fake, MANNY) == []
    [held] = [r for r in quiet.outbox() if r.kind == "waiting_digest"]
    assert held.status == "queued" and held.not_before is not None
    assert held.not_before.strftime("%H:%M") == "08:00"  # London is on UTC in November

    assert run(fake, quiet.db, MONDAY, "07:30")[0] == 0  # still held: nothing, nothing new
    assert digests(fake, MANNY) == []
    assert run(fake, quiet.db, MONDAY, "08:00")[0] == 0
    assert len(digests(fake, MANNY)) == 1
    assert run(fake, quiet.db, MONDAY, "10:00")[0] == 0
    assert len(digests(fake, MANNY)) == 1


# -- delivery that loses nothing --------------------------------------------------------------


def test_an_approver_without_nolan_installed_is_parked_then_reached_once(
    quiet: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    add_manager(db, org["alice"], BOB)  # Bob has not installed Nolan: Teams answers 403
    step_id = declare(quiet, org)
    assert run(fake, db, FRIDAY, "10:00")[0] == 0
    code, out, _err = run(fake, db, MONDAY, "10:00")
    assert code == 0
    assert "1 person can't be reached" in out
    assert "Bob Late <bob@opcc.example>: 2 messages waiting" in out  # the card, the digest
    bobs = {r.kind: r.status for r in quiet.outbox() if r.recipient == f"staff:{org['bob'].id}"}
    assert bobs == {"approval": "parked", "waiting_digest": "parked"}
    assert sent_to(fake, BOB) == []

    fake.install(BOB.object_id)
    assert quiet.install(BOB)[0] == 200  # conversationUpdate: what was parked goes again
    code, out, _err = run(fake, db, MONDAY, "10:30")
    assert code == 0 and "can't be reached" not in out
    assert len(digests(fake, BOB)) == 1 and len(sent_to(fake, BOB)) == 2
    assert run(fake, db, MONDAY, "11:00")[0] == 0
    assert len(sent_to(fake, BOB)) == 2
    assert step_of(db, step_id).status == "pending"
