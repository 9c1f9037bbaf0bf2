"""Deciding, with no platform at all: the use case on a real database (conftest's `db`),
called with staff ids. What it owes is read back from the outbox."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from bot.outbox import REDRAWN
from bot.rules.refusal import Refused
from bot.teams.approval_drawers import decided_card
from bot.teams.cards import adaptive_card
from bot.usecases import decide, gifts, owed
from bot.usecases.outside_work import request_outside_work as requesting
from storage.db import Database
from storage.models import ApprovalStep, Declaration, OutboxMessage, Staff
from tests.e2e.harness import seed_org
from tests.usecases.world import (
    NOW,
    audit_actions,
    hospitality,
    outside_work_request,
    settings,
    to,
)
from tests.usecases.world import owed as owed_messages

TWO_STAGES = "line_manager:recommend,head_of_office:grant"


def request_outside_work(db: Database, org: dict[str, Staff], chain: str = TWO_STAGES) -> int:
    """Alice's request, its first stage open: the id of its one step."""
    done = requesting(
        db,
        declarant=org["alice"],
        request=outside_work_request(),
        settings=settings(outside_work=chain),
        now=NOW,
    )
    [step_id] = done.steps
    return step_id


@pytest.fixture
def org(db: Database) -> dict[str, Staff]:
    return seed_org(db)


def test_the_approver_decides_and_the_chain_moves_on(db: Database, org: dict[str, Staff]) -> None:
    step_id = request_outside_work(db, org)
    manager, head = org["manager"], org["head"]
    assert manager is not None and head is not None

    allowed = decide.check(db, actor=manager, step_id=step_id)
    assert (allowed.step_id, allowed.purpose) == (step_id, "recommend")
    assert allowed.reference.startswith("OW-")

    done = decide.decide(
        db,
        actor=manager,
        step_id=step_id,
        outcome="supported",
        reason="Fits with the job",
        now=NOW,
    )
    assert (done.step_id, done.outcome, done.status) == (step_id, "supported", "pending")
    assert done.decider_name == "Manny Manager"
    assert done.closed == []
    [next_step] = done.opened
    with db.session() as session:
        step = session.get(ApprovalStep, next_step)
        assert step is not None and (step.approver_id, step.purpose) == (head.id, "grant")
    assert owed_messages(db)[-3:] == [
        (owed.UPDATE, to(org["manager"])),  # the card loses its buttons
        (owed.APPROVAL, to(org["head"])),
        (owed.OUTCOME, to(org["alice"])),
    ]
    assert "decided" in audit_actions(db)

    final = decide.decide(
        db, actor=head, step_id=next_step, outcome="granted", reason="Fine", now=NOW
    )
    assert (final.status, final.opened) == ("approved", [])


def test_someone_who_is_not_the_approver_is_refused_and_it_is_audited(
    db: Database, org: dict[str, Staff]
) -> None:
    step_id = request_outside_work(db, org)
    eve = org["eve"]
    assert eve is not None
    with pytest.raises(Refused, match="Only Manny Manager"):
        decide.check(db, actor=eve, step_id=step_id)
    with pytest.raises(Refused, match="Only Manny Manager") as refused:
        decide.decide(db, actor=eve, step_id=step_id, outcome="supported", reason="x", now=NOW)
    assert refused.value.field is None
    with db.session() as session:
        step = session.get(ApprovalStep, step_id)
        assert step is not None and step.status == "pending"
    assert audit_actions(db)[-1] == "decision_refused"
    assert [kind for kind, _ in owed_messages(db)] == [owed.APPROVAL, "outside_work_receipt"]


def test_the_declarant_cannot_decide_their_own(db: Database, org: dict[str, Staff]) -> None:
    step_id = request_outside_work(db, org, "line_manager:grant")
    with pytest.raises(Refused, match="your own declaration"):
        decide.decide(
            db,
            actor=org["alice"],
            step_id=step_id,
            outcome="granted",
            reason="",
            now=NOW,
        )


def test_the_declarant_cannot_decide_their_own_even_as_its_steps_delegator(
    db: Database, org: dict[str, Staff]
) -> None:
    """The delegator's own step stays theirs to decide (bot.rules.permissions.may_decide_step)
    — but never a step of their own declaration."""
    step_id = request_outside_work(db, org, "line_manager:grant")
    with db.session() as session:
        step = session.get(ApprovalStep, step_id)
        assert step is not None
        step.delegated_from_id = org["alice"].id
        session.add(step)
        session.commit()
    with pytest.raises(Refused, match="your own declaration"):
        decide.check(db, actor=org["alice"], step_id=step_id)


def test_someone_named_in_it_is_told_so(db: Database, org: dict[str, Staff]) -> None:
    step_id = request_outside_work(db, org, "line_manager:grant")
    with db.session() as session:
        step = session.get(ApprovalStep, step_id)
        assert step is not None
        declaration = session.get(Declaration, step.declaration_id)
        assert declaration is not None
        declaration.named_staff_id = org["eve"].id
        session.add(declaration)
        session.commit()
    with pytest.raises(Refused, match="You are named in this declaration"):
        decide.check(db, actor=org["eve"], step_id=step_id)


def test_a_second_decision_records_nothing(db: Database, org: dict[str, Staff]) -> None:
    step_id = request_outside_work(db, org, "line_manager:grant")
    manager, mo = org["manager"], org["mo"]
    decide.decide(db, actor=manager, step_id=step_id, outcome="granted", reason="Ok", now=NOW)
    before = owed_messages(db)

    # The monitoring officer may decide in the manager's place, but it is decided already.
    with pytest.raises(Refused, match=r"already decided \(granted\) by Manny Manager"):
        decide.decide(db, actor=mo, step_id=step_id, outcome="refused", reason="No", now=NOW)
    with pytest.raises(Refused, match="already decided"):
        decide.check(db, actor=manager, step_id=step_id)

    with db.session() as session:
        step = session.get(ApprovalStep, step_id)
        assert step is not None and (step.status, step.decided_by_id) == ("granted", manager.id)
    assert owed_messages(db) == before
    assert audit_actions(db).count("decided") == 1


def test_a_decision_the_step_cannot_take_or_missing_words_are_refused(
    db: Database, org: dict[str, Staff]
) -> None:
    step_id = request_outside_work(db, org, "line_manager:grant")
    manager = org["manager"]
    with pytest.raises(Refused, match="not a decision this step can take"):
        decide.decide(db, actor=manager, step_id=step_id, outcome="kept", reason="", now=NOW)
    with pytest.raises(Refused):
        decide.decide(db, actor=manager, step_id=step_id, outcome="refused", reason="", now=NOW)
    with db.session() as session:
        step = session.get(ApprovalStep, step_id)
        assert step is not None and step.status == "pending"


def test_an_unknown_step_or_person_is_refused(db: Database, org: dict[str, Staff]) -> None:
    step_id = request_outside_work(db, org)
    with pytest.raises(Refused, match="doesn't know you"):
        decide.check(db, actor=None, step_id=step_id)
    with pytest.raises(Refused, match="doesn't know you"):
        decide.decide(
            db,
            actor=org["manager"],
            step_id=999,
            outcome="supported",
            reason="",
            now=NOW,
        )


def test_a_press_decides_at_once_or_asks_for_the_words_first(
    db: Database, org: dict[str, Staff]
) -> None:
    """A button: decided in the one transaction that checks it, or, for a decision with
    words, the step to ask them for and nothing decided; refused as `check` refuses."""
    manager = org["manager"]
    asked = request_outside_work(db, org, "line_manager:grant")
    wants_words = decide.press(db, actor=manager, step_id=asked, outcome="granted", now=NOW)
    assert isinstance(wants_words, decide.Decidable)
    assert (wants_words.step_id, wants_words.purpose) == (asked, "grant")
    with pytest.raises(Refused, match="older message"):  # not an outcome of this step
        decide.press(db, actor=manager, step_id=asked, outcome="kept", now=NOW)
    with pytest.raises(Refused, match="Only Manny Manager"):
        decide.press(db, actor=org["eve"], step_id=asked, outcome="granted", now=NOW)
    assert "decided" not in audit_actions(db) and "decision_refused" not in audit_actions(db)

    declared = gifts.declare_gift(
        db, declarant=org["alice"], offer=hospitality(), settings=settings(), now=NOW
    )
    [step_id] = declared.steps
    done = decide.press(db, actor=manager, step_id=step_id, outcome="approved", now=NOW)
    assert isinstance(done, decide.Outcome)
    assert (done.step_id, done.outcome, done.status) == (step_id, "approved", "approved")
    with pytest.raises(Refused, match="already decided"):
        decide.press(db, actor=manager, step_id=step_id, outcome="approved", now=NOW)
    assert audit_actions(db).count("decided") == 1


def test_the_card_the_press_redrew_is_named_on_its_update_alone(
    db: Database, org: dict[str, Staff]
) -> None:
    """A platform whose answer to a press redraws the pressed card (Teams) names that card:
    the decided step's update carries it (bot.outbox.REDRAWN), to be recorded as made rather
    than sent; a decision that names none owes a plain update."""
    step_id = request_outside_work(db, org)
    first = decide.decide(
        db, actor=org["manager"], step_id=step_id, outcome="supported",
        reason="Fits with the job", now=NOW, redrawn="1700000000001",
    )
    [next_step] = first.opened
    decide.decide(
        db, actor=org["head"], step_id=next_step, outcome="granted", reason="Fine",
        now=NOW,
    )
    with db.session() as session:
        updates = session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == owed.UPDATE).order_by(
                col(OutboxMessage.id)
            )
        ).all()
        payloads = [json.loads(u.payload or "{}") for u in updates]
    assert [(p["step_id"], p.get(REDRAWN)) for p in payloads] == [
        (step_id, "1700000000001"), (next_step, None)
    ]


def test_the_decided_step_and_record_are_as_a_fresh_read_has_them(
    db: Database, org: dict[str, Staff]
) -> None:
    """What a decision hands back for redrawing its card at once (Teams' answer to the press)
    draws the same card as the step and record read afresh: at a stage that opens the next,
    at the last, and a refusal."""

    def drawn_both_ways(done: decide.Outcome) -> None:
        assert done.decided is not None
        with db.session() as session:
            fresh = owed.step_and_record(session, done.step_id)
            assert fresh is not None
            kept_step, kept = done.decided
            step, record = fresh
            assert adaptive_card(decided_card(session, kept, kept_step)) == adaptive_card(
                decided_card(session, record, step)
            )
            assert (kept_step.status, kept_step.decided_by_id, kept_step.reason) == (
                step.status,
                step.decided_by_id,
                step.reason,
            )
            assert kept.declaration.status == record.declaration.status

    first = request_outside_work(db, org)
    supported = decide.decide(
        db, actor=org["manager"], step_id=first, outcome="supported", reason="Fits", now=NOW
    )
    drawn_both_ways(supported)
    [grant] = supported.opened
    drawn_both_ways(
        decide.decide(
            db, actor=org["head"], step_id=grant, outcome="granted", reason="Fine", now=NOW
        )
    )
    refused = request_outside_work(db, org, "line_manager:grant")
    drawn_both_ways(
        decide.decide(
            db,
            actor=org["manager"],
            step_id=refused,
            outcome="refused",
            reason="Clashes with shifts",
            now=NOW,
        )
    )
