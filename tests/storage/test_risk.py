"""Risk flags from the database: one declaration's, the officers' list, and the snapshot kept
at submission. Runs on SQLite and PostgreSQL (the `db` fixture)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import event
from sqlmodel import Session, select

from bot.rules import risk as rules
from bot.rules.risk import Code
from bot.settings import Policy
from storage import audit, declarations
from storage.db import Database
from storage.models import AuditEntry, Declaration, GiftOffer, Interest, OutsideWork, Staff
from storage.risk import (
    _interest,
    _offer,
    _offers_between,
    flagged,
    flags_for,
    recorded,
    snapshot,
    thresholds,
    went_live,
)

POLICY = Policy()
TODAY = date(2026, 11, 20)
DAY = timedelta(days=1)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def person(session: Session, email: str, **fields: object) -> Staff:
    row = Staff(email=email, name=email.split("@")[0].capitalize(), **fields)  # type: ignore[arg-type]
    session.add(row)
    session.flush()
    return row


def gift(
    session: Session,
    who: Staff,
    *,
    offered_on: date,
    declared: datetime | None = None,
    offered_by: str = "Acme Ltd",
    status: str = "pending",
    value_pence: int = 1_000,
    **fields: object,
) -> int:
    declaration = declarations.create_declaration(
        session, kind="gift", declarant=who, status=status
    )
    declaration.created_at = declared or at(offered_on)
    assert declaration.id is not None
    row: dict[str, object] = {
        "kind": "gift",
        "gift_type": "item",
        "relationship": "contractor",
        "description": "A hamper",
        "response": "accepted",
    }
    row.update(fields)
    session.add(
        GiftOffer(
            declaration_id=declaration.id,
            offered_by=offered_by,
            value_pence=value_pence,
            date_offered=offered_on,
            **row,  # type: ignore[arg-type]
        )
    )
    session.flush()
    return declaration.id


def interest(
    session: Session, who: Staff, *, organisation: str, started_on: date, declared: datetime
) -> int:
    declaration = declarations.create_declaration(
        session, kind="interest", declarant=who, status="pending"
    )
    declaration.created_at = declared
    assert declaration.id is not None
    session.add(
        Interest(
            declaration_id=declaration.id,
            category="financial",
            organisation=organisation,
            description="Shares",
            started_on=started_on,
        )
    )
    session.flush()
    return declaration.id


def outside_work(
    session: Session, who: Staff, *, start_date: date, declared: datetime, partner: bool
) -> int:
    declaration = declarations.create_declaration(
        session, kind="outside_work", declarant=who, status="pending"
    )
    declaration.created_at = declared
    assert declaration.id is not None
    session.add(
        OutsideWork(
            declaration_id=declaration.id,
            organisation="Acme Ltd",
            role="Consultant",
            paid=True,
            hours_per_week=4,
            when="outside_hours",
            start_date=start_date,
            involves_partner=partner,
            notes="Contractor, supplier or partner: Acme FM" if partner else "",
        )
    )
    session.flush()
    return declaration.id


def codes(flags: object) -> set[Code]:
    return {f.code for f in flags}  # type: ignore[attr-defined]


def test_the_third_offer_from_one_giver_is_flagged_and_withdrawn_ones_do_not_count(
    db: Database,
) -> None:
    with db.session() as session:
        alice, bob = person(session, "alice@x"), person(session, "bob@x")
        first = gift(session, alice, offered_on=TODAY - 40 * DAY, offered_by="ACME Limited")
        gift(session, bob, offered_on=TODAY - 20 * DAY, offered_by="Acme", status="withdrawn")
        second = gift(session, bob, offered_on=TODAY - 10 * DAY, offered_by="acme ltd.")
        gift(session, alice, offered_on=TODAY - 5 * DAY, offered_by="Apex Ltd")
        third = gift(session, alice, offered_on=TODAY, value_pence=5_000)
        session.commit()

        assert flags_for(session, first, POLICY, TODAY) == []
        assert flags_for(session, second, POLICY, TODAY) == []
        [flag] = flags_for(session, third, POLICY, TODAY)
    assert flag.code is Code.REPEAT_OFFERS
    assert flag.explanation == "3rd offer from Acme Ltd in 12 months (to 2 people), £70.00 in all"


def test_an_offer_a_year_before_is_outside_the_window(db: Database) -> None:
    with db.session() as session:
        alice = person(session, "alice@x")
        gift(session, alice, offered_on=TODAY - 365 * DAY)
        gift(session, alice, offered_on=TODAY - DAY)
        third = gift(session, alice, offered_on=TODAY)
        session.commit()
        assert flags_for(session, third, POLICY, TODAY) == []
        policy = replace(POLICY, risk_window_days=366)
        assert codes(flags_for(session, third, policy, TODAY)) == {Code.REPEAT_OFFERS}


def test_late_counts_in_the_offices_days_not_utc(db: Database) -> None:
    # 23:30 UTC on 1 July is 00:30 on 2 July in London: 29 days after 3 June, not 28.
    with db.session() as session:
        alice = person(session, "alice@x")
        late = gift(
            session,
            alice,
            offered_on=date(2026, 6, 3),
            declared=datetime(2026, 7, 1, 23, 30, tzinfo=UTC),
        )
        in_time = gift(
            session,
            alice,
            offered_on=date(2026, 6, 4),
            offered_by="Apex",
            declared=datetime(2026, 7, 1, 23, 30, tzinfo=UTC),
        )
        session.commit()
        [flag] = flags_for(session, late, POLICY, TODAY)
        assert flag.code is Code.LATE and flag.explanation.startswith("Declared 29 days after")
        assert flags_for(session, in_time, POLICY, TODAY) == []


def test_bidders_held_retrospective_hospitality_and_the_procurement_list(db: Database) -> None:
    with db.session() as session:
        alice = person(session, "alice@x")
        held = gift(
            session,
            alice,
            offered_on=TODAY - 12 * DAY,
            declared=at(TODAY),
            offered_by="Zenith Events",
            kind="hospitality",
            gift_type=None,
            event_date=TODAY - 2 * DAY,
            flags="retrospective",
        )
        listed = gift(session, alice, offered_on=TODAY, offered_by="Bidco plc")
        session.commit()
        assert codes(flags_for(session, held, POLICY, TODAY)) == {Code.RETROSPECTIVE}
        assert flags_for(session, listed, POLICY, TODAY) == []
        bidding = replace(POLICY, procurement_bidders=("BIDCO Limited",))
        assert codes(flags_for(session, listed, bidding, TODAY)) == {Code.BIDDER}


def test_an_interest_in_a_giver_and_a_late_one(db: Database) -> None:
    with db.session() as session:
        alice = person(session, "alice@x", starter_since=TODAY - 100 * DAY)
        bob = person(session, "bob@x")
        gift(session, bob, offered_on=TODAY - 30 * DAY, offered_by="Acme Ltd", value_pence=8_500)
        in_giver = interest(
            session, alice, organisation="ACME", started_on=TODAY - 3 * DAY, declared=at(TODAY)
        )
        # Began long before she joined; declared 60 days after joining.
        late = interest(
            session,
            alice,
            organisation="Parish council",
            started_on=TODAY - 3000 * DAY,
            declared=at(TODAY - 40 * DAY),
        )
        session.commit()
        [flag] = flags_for(session, in_giver, POLICY, TODAY)
        assert flag.code is Code.OFFEROR_INTEREST and "£85.00" in flag.explanation
        [flag] = flags_for(session, late, POLICY, TODAY)
        assert flag.code is Code.LATE and "after joining" in flag.explanation


def test_interests_held_before_nolan_went_live_are_late_only_after_the_go_live(
    db: Database,
) -> None:
    """Staff of the first org chart import have no starter date: the import is their start."""
    with db.session() as session:
        bob = person(session, "bob@x")  # in the first import
        audit.record(session, action="staff_imported", source="first.csv")
        session.flush()
        live = session.exec(select(AuditEntry.at)).one().astimezone(POLICY.tz).date()
        prompt = interest(
            session,
            bob,
            organisation="Parish council",
            started_on=date(2015, 5, 1),
            declared=at(live + 10 * DAY),
        )
        slow = interest(
            session,
            bob,
            organisation="Golf club",
            started_on=date(2015, 5, 1),
            declared=at(live + 40 * DAY),
        )
        session.commit()
        assert flags_for(session, prompt, POLICY, live + 50 * DAY) == []
        [flag] = flags_for(session, slow, POLICY, live + 50 * DAY)
        assert flag.code is Code.LATE
        listed = {f.declaration_id for f in flagged(session, POLICY, live + 50 * DAY)}
        assert slow in listed and prompt not in listed


def test_outside_work_with_a_contractor_and_asked_late(db: Database) -> None:
    with db.session() as session:
        alice = person(session, "alice@x")
        work = outside_work(
            session, alice, start_date=TODAY - 29 * DAY, declared=at(TODAY), partner=True
        )
        fine = outside_work(
            session, alice, start_date=TODAY + 5 * DAY, declared=at(TODAY), partner=False
        )
        session.commit()
        flags = flags_for(session, work, POLICY, TODAY)
        assert codes(flags) == {Code.CONTRACTOR_WORK, Code.LATE}
        assert "Acme FM" in flags[0].explanation
        assert flags_for(session, fine, POLICY, TODAY) == []
        assert flags_for(session, 9999, POLICY, TODAY) == []


def test_flagged_lists_the_window_newest_first_and_stops_at_the_limit(db: Database) -> None:
    with db.session() as session:
        alice, bob = person(session, "alice@x"), person(session, "bob@x")
        # Too old for the list, but still counts towards later offers' patterns.
        gift(session, alice, offered_on=TODAY - 370 * DAY, declared=at(TODAY - 366 * DAY))
        # Declared within the window about an offer from long before: late.
        old_offer = gift(session, bob, offered_on=TODAY - 500 * DAY, declared=at(TODAY - 300 * DAY))
        gift(session, alice, offered_on=TODAY - 50 * DAY, offered_by="Apex")
        gift(session, alice, offered_on=TODAY - 20 * DAY)
        repeat = gift(session, bob, offered_on=TODAY - 10 * DAY)
        gift(session, alice, offered_on=TODAY - 9 * DAY, status="withdrawn", value_pence=0)
        work = outside_work(
            session, alice, start_date=TODAY, declared=at(TODAY - 5 * DAY), partner=True
        )
        held = interest(
            session, bob, organisation="Acme", started_on=TODAY - 2 * DAY, declared=at(TODAY - DAY)
        )
        session.commit()

        listed = flagged(session, POLICY, TODAY, limit=10)
        assert [f.declaration_id for f in listed] == [held, work, repeat, old_offer]
        assert [f.kind for f in listed] == ["interest", "outside_work", "gift", "gift"]
        assert listed[0].reference.startswith("INT-") and listed[0].declarant_name == "Bob"
        assert listed[0].declared_on == TODAY - DAY
        assert codes(listed[2].flags) == {Code.REPEAT_OFFERS}
        assert codes(listed[3].flags) == {Code.LATE}
        assert [f.declaration_id for f in flagged(session, POLICY, TODAY, limit=2)] == [
            held,
            work,
        ]
        # As of an earlier day, later declarations are not yet made.
        assert [f.declaration_id for f in flagged(session, POLICY, TODAY - 8 * DAY, 10)] == [
            repeat,
            old_offer,
        ]


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_flagged_takes_the_same_few_queries_whatever_the_register_holds(db: Database) -> None:
    def queries() -> int:
        with db.session() as session, counting(db) as statements:
            flagged(session, POLICY, TODAY, limit=100)
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    with db.session() as session:
        alice = person(session, "alice@x")
        gift(session, alice, offered_on=TODAY)
        session.commit()
        alice_id = alice.id
    few = queries()
    with db.session() as session:
        alice = session.get(Staff, alice_id)
        assert alice is not None
        for n in range(30):
            gift(session, alice, offered_on=TODAY - n * DAY, offered_by=f"Giver {n % 4}")
            interest(
                session, alice, organisation=f"Giver {n}", started_on=TODAY, declared=at(TODAY)
            )
        session.commit()
    assert queries() == few <= 5


def test_the_snapshot_is_kept_with_the_submitted_entry(db: Database) -> None:
    with db.session() as session:
        alice = person(session, "alice@x")
        late = gift(session, alice, offered_on=TODAY - 40 * DAY, declared=at(TODAY))
        made, _offer = session.get_one(Declaration, late), session.get_one(GiftOffer, late)
        with counting(db) as statements:  # what was just made is not read again
            risks = snapshot(session, made, alice, POLICY, TODAY)
        reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(reads) == 1  # the giver's earlier offers counted, nothing else
        audit.record(
            session, action="submitted", actor_id=alice.id, declaration_id=late, risks=risks
        )
        plain = gift(session, alice, offered_on=TODAY, offered_by="Apex")
        audit.record(session, action="submitted", actor_id=alice.id, declaration_id=plain)
        session.commit()
        assert recorded(session, late) == flags_for(session, late, POLICY, TODAY)
        assert codes(recorded(session, late)) == {Code.LATE}
        assert recorded(session, plain) == []
        assert recorded(session, 9999) == []


def test_one_declarations_flags_counted_in_sql_agree_with_the_rules_over_the_whole_register(
    db: Database,
) -> None:
    """flags_for counts a giver's offers in SQL by the stored key; the rules count them from
    every offer (as the officers' list does): on a register with spellings of one giver,
    several on one day, withdrawn ones, a window's edges and ended interests, both agree."""
    rng = random.Random(12)
    spellings = ["ACME Ltd.", "acme", "The Acme Company", "Apex plc", "APEX", "Zed & Co"]
    ids: list[int] = []
    with db.session() as session:
        people = [person(session, f"p{n}@x") for n in range(4)]
        for _ in range(70):
            day = TODAY - rng.randrange(0, 420) * DAY
            ids.append(gift(
                session, rng.choice(people), offered_on=day, offered_by=rng.choice(spellings),
                value_pence=rng.choice([500, 2_000, 9_000]),
                status=rng.choice(["pending", "pending", "approved", "withdrawn"]),
                declared=at(day, rng.randrange(8, 18)),
            ))
        for n, organisation in enumerate(["Acme Limited", "apex", "Nobody Ltd", "Zed and Co"]):
            ids.append(interest(
                session, people[n], organisation=organisation, started_on=TODAY - 30 * DAY,
                declared=at(TODAY),
            ))
            if n == 1:  # ended: only the offers up to its end count
                session.get_one(Interest, ids[-1]).ended_on = TODAY - 200 * DAY
        session.commit()
        th = thresholds(POLICY)
        everything = _offers_between(session, TODAY - 900 * DAY, TODAY, POLICY)
        flagged_some = 0
        for declaration_id in ids:
            found = flags_for(session, declaration_id, POLICY, TODAY)
            row = session.get_one(Declaration, declaration_id)
            if row.kind == "gift":
                offer = _offer(row, session.get_one(GiftOffer, declaration_id), POLICY)
                expected = rules.offer_flags(offer, everything, th)
            else:
                declarant = session.get_one(Staff, row.declarant_id)
                item = _interest(row, session.get_one(Interest, declaration_id), declarant,
                                 POLICY, went_live(session, POLICY))
                expected = rules.interest_flags(item, everything, th, TODAY)
            assert found == expected, declaration_id
            flagged_some += bool(found)
    assert flagged_some > 10  # the register exercised the flags, not only their absence
