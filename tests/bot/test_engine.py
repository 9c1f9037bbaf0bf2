"""The approval engine on a real database: stages open in turn, parallel steps wait for each
other, a refusal ends the chain, and a moved step keeps one owner."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import event, update
from sqlmodel import col, select

from bot import engine
from bot.rules.chains import parse_chain
from bot.rules.roles import ApproverRole
from bot.rules.routing import Approver
from storage import declarations
from storage.db import Database
from storage.models import ApprovalStep, AuditEntry, Notice, OutsideWork
from storage.staff import org_view
from tests.e2e.harness import seed_org

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _outside_work(db: Database, org: dict, chain: str):
    with db.session() as session:
        declaration = declarations.create_declaration(
            session, kind="outside_work", declarant=org["alice"], status="pending"
        )
        session.add(
            OutsideWork(
                declaration_id=declaration.id,
                organisation="Parish council",
                role="Councillor",
                paid=False,
                hours_per_week=3,
                when="outside_hours",
                start_date=date(2027, 1, 1),
            )
        )
        opened = engine.start(
            session,
            declaration=declaration,
            declarant=org["alice"],
            chain=parse_chain(chain),
            org=org_view(session, on=NOW.date()),
            now=NOW,
        )
        session.commit()
        return declaration.id, opened


def _decide(db: Database, step_id: int, outcome: str, by: int, reason: str | None = None):
    with db.session() as session:
        assert engine.claim(
            session, step_id=step_id, outcome=outcome, decided_by_id=by, reason=reason, at=NOW
        )
        session.expire_all()
        step = declarations.get_step(session, step_id=step_id)
        record = declarations.load_record(session, declaration_id=step.declaration_id)
        step = next(s for s in record.steps if s.id == step_id)
        advanced = engine.advance(
            session, record=record, step=step, org=org_view(session, on=NOW.date()), now=NOW
        )
        session.commit()
        return advanced


def test_two_stages_open_in_turn_and_the_last_decides(db: Database) -> None:
    org = seed_org(db)
    declaration_id, opened = _outside_work(db, org, "line_manager:recommend,head_of_office:grant")
    [first] = opened.steps
    assert (first.approver_id, first.stage, first.purpose) == (org["manager"].id, 1, "recommend")
    assert first.clock_started_at == NOW

    advanced = _decide(db, first.id, "not_supported", org["manager"].id, "Too many hours")
    assert advanced.status == "pending"
    [second] = advanced.opened.steps
    assert (second.approver_id, second.stage, second.purpose) == (org["head"].id, 2, "grant")

    advanced = _decide(db, second.id, "granted", org["head"].id, "Outside office hours only")
    assert advanced.status == "approved"
    with db.session() as session:
        assert (
            declarations.load_record(session, declaration_id=declaration_id).declaration.status
            == "approved"
        )


def test_a_refusal_ends_the_chain(db: Database) -> None:
    org = seed_org(db)
    _id, opened = _outside_work(db, org, "head_of_office:grant,line_manager:recommend")
    advanced = _decide(db, opened.steps[0].id, "refused", org["head"].id, "Conflict")
    assert advanced.status == "refused" and not advanced.opened.steps


def test_parallel_steps_wait_for_each_other(db: Database) -> None:
    org = seed_org(db)
    with db.session() as session:
        declaration = declarations.create_declaration(
            session, kind="notice", declarant=org["alice"], status="pending"
        )
        session.add(
            Notice(
                declaration_id=declaration.id, category="vetting", description="Change of address"
            )
        )
        opened = engine.start(
            session,
            declaration=declaration,
            declarant=org["alice"],
            chain=parse_chain("head_of_office:acknowledge+vetting_officer:acknowledge"),
            org=org_view(session, on=NOW.date()),
            now=NOW,
        )
        session.commit()
    head_step, vetting_step = opened.steps
    assert {head_step.approver_id, vetting_step.approver_id} == {org["head"].id, org["vetting"].id}
    assert _decide(db, head_step.id, "acknowledged", org["head"].id).status == "pending"
    assert _decide(db, vetting_step.id, "acknowledged", org["vetting"].id).status == "acknowledged"


def test_a_step_moves_once_and_not_after_a_decision(db: Database) -> None:
    org = seed_org(db)
    _id, opened = _outside_work(db, org, "line_manager:recommend")
    step = opened.steps[0]
    with db.session() as session:
        step = declarations.get_step(session, step_id=step.id)
        moved = engine.move(
            session,
            step=step,
            to=Approver(org["eve"].id, ApproverRole.LINE_MANAGER),
            why="test",
            actor_id=None,
            now=NOW,
        )
        again = engine.move(
            session,
            step=step,
            to=Approver(org["bob"].id, ApproverRole.LINE_MANAGER),
            why="stale",
            actor_id=None,
            now=NOW,
        )
        session.commit()
        assert moved is not None and moved.to_id == org["eve"].id
        assert again is None  # it no longer waits for the person it was read with
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "reassigned")).all()
        assert len(audit) == 1


def _record_card(db: Database, step_id: int, ts: str) -> None:
    """What the outbox's worker does once the card has gone (handlers.approvals.owed)."""
    with db.session() as session:
        session.execute(
            update(ApprovalStep)
            .where(col(ApprovalStep.id) == step_id)
            .values(dm_channel="DMGR", dm_ts=ts)
        )
        session.commit()


def test_a_move_sees_the_card_recorded_after_the_step_was_read(db: Database) -> None:
    """The delegation shortcut's race: the card is recorded after the step was read, before
    the move — the move must still know where the card went, so that it loses its buttons."""
    org = seed_org(db)
    _id, opened = _outside_work(db, org, "line_manager:recommend")
    step_id = opened.steps[0].id
    with db.session() as session:
        step = declarations.get_step(session, step_id=step_id)
        assert step.dm_ts is None
        _record_card(db, step_id, "1.000100")
        moved = engine.move(
            session, step=step, to=Approver(org["eve"].id, ApproverRole.LINE_MANAGER),
            why="delegated", actor_id=None, now=NOW,
        )
        session.commit()
    assert moved is not None and (moved.old_channel, moved.old_ts) == ("DMGR", "1.000100")


def test_a_move_sees_the_card_recorded_between_its_read_and_its_update(db: Database) -> None:
    """The same race a step later: the record commits just before the move's update runs.
    The update finds the place changed, and the move reads it again."""
    org = seed_org(db)
    _id, opened = _outside_work(db, org, "line_manager:recommend")
    step_id = opened.steps[0].id
    recorded: list[str] = []

    def record_first(_conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith("UPDATE APPROVAL_STEP") and not recorded:
            recorded.append("1.000200")
            _record_card(db, step_id, recorded[0])

    with db.session() as session:
        step = declarations.get_step(session, step_id=step_id)
        connection = session.connection()
        event.listen(connection, "before_cursor_execute", record_first)
        try:
            moved = engine.move(
                session, step=step, to=Approver(org["eve"].id, ApproverRole.LINE_MANAGER),
                why="delegated", actor_id=None, now=NOW,
            )
        finally:
            event.remove(connection, "before_cursor_execute", record_first)
        session.commit()
        session.expire_all()
        stored = session.get(ApprovalStep, step_id)
        assert stored.approver_id == org["eve"].id and stored.dm_ts is None
    assert recorded and moved is not None and moved.old_ts == "1.000200"


def test_routing_reads_only_what_it_asks_of_the_org_chart(db: Database) -> None:
    """The role holders and the delegations in force are read when routing first asks, once
    each: a line manager's seat needs no role holder; two office holders' seats, one read."""
    org = seed_org(db)
    alice = org["alice"]
    read: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        read.append(statement)

    def routed(seats: str) -> list[int]:
        read.clear()
        with db.session() as session:
            view = org_view(session, on=NOW.date(), known=(alice,))
            draft = declarations.draft_declaration("gift", alice, "pending")
            event.listen(db.engine, "before_cursor_execute", seen)
            try:
                found = [
                    engine.route_seat(seat, draft, alice, view) for seat in parse_chain(seats)[0]
                ]
            finally:
                event.remove(db.engine, "before_cursor_execute", seen)
        return [target.person_id for target in found if isinstance(target, Approver)]

    assert routed("line_manager:authorise") == [org["manager"].id]
    assert [s for s in read if "FROM delegation" in s] != []
    assert [s for s in read if "roles <>" in s] == []  # no role holder asked
    assert len(read) == 1  # and Alice, the row the request read, not again
    assert routed("head_of_office:note+monitoring_officer:note") == [
        org["head"].id,
        org["mo"].id,
    ]
    assert len([s for s in read if "roles <>" in s]) == 1
    assert len([s for s in read if "FROM delegation" in s]) == 1
