"""`python -m bot register export outside-work`: the record of permissions for outside work.

Requests are made through the real engine and decided through the decide use case, so the
register shows what the bot stores. `db` is conftest's migrated database (SQLite, or
PostgreSQL when TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import event
from sqlmodel import Session, select

from bot import registers
from bot.cli import main
from bot.registers import OUTSIDE_WORK, local_day_bounds
from bot.rules.outside_work import OfficeUse, OutsideWorkRequest, When
from bot.settings import Settings
from bot.usecases import decide as deciding
from bot.usecases.outside_work import request_outside_work
from storage import declarations, staff
from storage.db import Database
from storage.models import ApprovalStep, AuditEntry, Staff

CONTRACT = [
    "reference",
    "requested_on",
    "staff_name",
    "staff_email",
    "organisation",
    "role",
    "paid",
    "hours_per_week",
    "start_date",
    "recommendation",
    "status",
    "decided_by",
    "decided_at",
    "conditions",
    "reason",
]
EXTRAS = ["when", "involves_partner", "uses_office", "notes", "recommended_by"]
PRIVATE = [
    "staff_email",
    "recommendation",
    "decided_by",
    "conditions",
    "reason",
    "partner",
    "uses_office",
    "notes",
    "recommended_by",
    "recommendation_note",
    "approver",
]
DECIDED = datetime(2026, 3, 10, 9, 30, 15, tzinfo=UTC)


def run(db: Database, *args: str, timezone: str | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    environ = {"DATABASE_URL": db.url}
    if timezone:
        environ["TIMEZONE"] = timezone
    code = main(
        ["register", "export", "outside-work", *args],
        environ=environ,
        stdout=out,
        stderr=err,
    )
    return code, out.getvalue(), err.getvalue()


def parse(text: str) -> tuple[list[str], list[dict[str, str]]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def seed_people(session: Session) -> dict[str, Staff]:
    people = {
        "head": Staff(
            email="head@office.example",
            name="Harriet Head",
            slack_user_id="UH",
            roles="head_of_office",
        ),
        "mo": Staff(
            email="mo@office.example",
            name="Morag Officer",
            slack_user_id="UM",
            roles="monitoring_officer",
        ),
        "lm": Staff(email="lm@office.example", name="Lena Manager", slack_user_id="UL"),
    }
    for person in people.values():
        session.add(person)
    session.flush()
    people["ann"] = Staff(
        email="ann@office.example",
        name="Ann Ébrard",
        slack_user_id="UA",
        line_manager_id=people["lm"].id,
    )
    session.add(people["ann"])
    session.commit()
    return people


def work(**changes: object) -> OutsideWorkRequest:
    base = OutsideWorkRequest(
        organisation="Riverside Rugby Club",
        role="Youth coach",
        paid=False,
        hours_per_week=4.5,
        when=When.OUTSIDE_HOURS,
        start_date=date(2026, 4, 1),
        involves_partner=False,
        partner="",
        uses_office=frozenset(),
        notes="Internal: Saturday mornings",
    )
    fields = {**base.__dict__, **changes}
    return OutsideWorkRequest(**fields)  # type: ignore[arg-type]


def request(db: Database, who: str, asked: OutsideWorkRequest, at: datetime) -> int:
    """Ask as the /outside-work form does: the request use case, at `at`."""
    with db.session() as session:
        me = staff.by_slack_id(session, slack_user_id=who)
        assert me is not None and me.id is not None
    done = request_outside_work(db, declarant=me, request=asked, settings=Settings(), now=at)
    return done.declaration_id


def decide(db: Database, declaration_id: int, who: str, outcome: str, reason: str | None) -> None:
    with db.session() as session:
        step = session.exec(
            select(ApprovalStep).where(
                ApprovalStep.declaration_id == declaration_id, ApprovalStep.status == "pending"
            )
        ).one()
        actor = staff.by_slack_id(session, slack_user_id=who)
        assert actor is not None and actor.id is not None
    deciding.decide(
        db, actor=actor, step_id=step.id or 0, outcome=outcome, reason=reason, now=DECIDED
    )


def reference(db: Database, declaration_id: int) -> str:
    with db.session() as session:
        record = declarations.load_record(session, declaration_id=declaration_id)
        assert record is not None
        return record.declaration.reference or ""


@pytest.fixture
def register(db: Database) -> dict[str, str]:
    """One request in each state; returns references by name, oldest request first."""
    with db.session() as session:
        seed_people(session)
    granted = request(
        db,
        "UA",
        work(paid=True, uses_office=frozenset({OfficeUse.SKILLS}), when=When.BOTH),
        datetime(2026, 3, 2, 10, tzinfo=UTC),
    )
    decide(db, granted, "UL", "supported", "Fits well with the job")
    decide(db, granted, "UH", "granted", "No work for Acme Cleaning")
    refused = request(
        db,
        "UA",
        work(
            organisation="Acme Cleaning Ltd",
            role="Bookkeeper",
            hours_per_week=20.0,
            involves_partner=True,
            partner="Acme Cleaning Ltd",
            uses_office=frozenset({OfficeUse.INFORMATION}),
        ),
        datetime(2026, 3, 3, 10, tzinfo=UTC),
    )
    decide(db, refused, "UL", "not_supported", "Too many hours")
    decide(db, refused, "UH", "refused", "Conflicts with the cleaning bid")
    pending = request(db, "UA", work(role="Trustee"), datetime(2026, 3, 4, 10, tzinfo=UTC))
    with_head = request(db, "UA", work(role="Referee"), datetime(2026, 3, 5, 10, tzinfo=UTC))
    decide(db, with_head, "UL", "supported", None)
    ids = {"granted": granted, "refused": refused, "pending": pending, "with_head": with_head}
    return {name: reference(db, i) for name, i in ids.items()}


def by_ref(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["reference"]: r for r in rows}


def test_csv_has_the_contract_columns_in_order_then_the_extras(
    db: Database, register: dict[str, str]
) -> None:
    code, out, err = run(db)

    assert (code, err) == (0, "")
    header, rows = parse(out)
    assert header[: len(CONTRACT)] == CONTRACT
    assert set(EXTRAS) <= set(header[len(CONTRACT) :])
    assert [r["reference"] for r in rows] == list(register.values())
    got = by_ref(rows)

    granted = got[register["granted"]]
    assert granted["requested_on"] == "2026-03-02"
    assert (granted["staff_name"], granted["staff_email"]) == ("Ann Ébrard", "ann@office.example")
    assert (granted["organisation"], granted["role"]) == ("Riverside Rugby Club", "Youth coach")
    assert (granted["paid"], granted["hours_per_week"]) == ("yes", "4.5")
    assert granted["start_date"] == "2026-04-01"
    assert granted["recommendation"] == "supported"
    assert granted["status"] == "approved"
    assert granted["decided_by"] == "Harriet Head"
    assert granted["decided_at"] == "2026-03-10T09:30:15Z"
    assert granted["conditions"] == "No work for Acme Cleaning"
    assert granted["reason"] == ""
    assert granted["when"] == "both"
    assert granted["uses_office"] == "skills"
    assert granted["recommended_by"] == "Lena Manager"
    assert granted["recommendation_note"] == "Fits well with the job"
    assert granted["notes"] == "Internal: Saturday mornings"

    refused = got[register["refused"]]
    assert (refused["status"], refused["recommendation"]) == ("refused", "not_supported")
    assert refused["reason"] == "Conflicts with the cleaning bid"
    assert refused["recommendation_note"] == "Too many hours"
    assert (refused["conditions"], refused["hours_per_week"]) == ("", "20")
    assert (refused["involves_partner"], refused["partner"]) == ("yes", "Acme Cleaning Ltd")
    assert refused["notes"] == "Internal: Saturday mornings"  # the partner line is its own column

    pending = got[register["pending"]]
    assert (pending["status"], pending["recommendation"], pending["decided_by"]) == (
        "pending",
        "",
        "",
    )
    assert (pending["approver"], pending["approver_role"]) == ("Lena Manager", "line manager")

    with_head = got[register["with_head"]]
    assert (with_head["status"], with_head["recommendation"]) == ("pending", "supported")
    assert (with_head["decided_by"], with_head["decided_at"]) == ("", "")  # not yet decided
    assert (with_head["approver"], with_head["approver_role"]) == (
        "Harriet Head",
        "head of office",
    )


def test_public_export_drops_email_reasons_and_internal_notes(
    db: Database, register: dict[str, str]
) -> None:
    code, out, _ = run(db, "--public")

    assert code == 0
    header, rows = parse(out)
    assert not set(PRIVATE) & set(header)
    assert header[:8] == [
        "reference",
        "requested_on",
        "staff_name",
        "organisation",
        "role",
        "paid",
        "hours_per_week",
        "start_date",
    ]
    assert {"status", "decided_at"} <= set(header)
    for private in (
        "@office.example",
        "Fits well",
        "No work for Acme Cleaning",
        "Too many hours",
        "cleaning bid",
        "Internal:",
        "Lena Manager",
    ):
        assert private not in out, private
    assert len(rows) == len(register)
    assert by_ref(rows)[register["granted"]]["status"] == "approved"


def test_xlsx_keeps_hours_as_numbers_and_dates_as_dates(
    db: Database, register: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "outside-work.xlsx"
    code, out, err = run(db, "--output", str(target))

    assert (code, err) == (0, "")
    assert f"Wrote {len(register)} rows of the outside-work register" in out
    ws = load_workbook(target).active
    assert ws is not None
    assert ws.title == "Outside work"
    header = [c.value for c in ws[1]]
    assert header[: len(CONTRACT)] == CONTRACT
    rows = {r[0].value: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2)}
    granted = rows[register["granted"]]
    assert granted["hours_per_week"].value == 4.5 and granted["hours_per_week"].data_type == "n"
    assert rows[register["refused"]]["hours_per_week"].value == 20
    assert granted["requested_on"].is_date and granted["start_date"].is_date
    assert granted["paid"].value is True
    assert granted["decided_at"].value == DECIDED.replace(tzinfo=None)
    assert target.stat().st_mode & 0o077 == 0  # personal data: owner only


def test_the_export_is_audited(db: Database, register: dict[str, str]) -> None:
    run(db, "--public")
    with db.session() as session:
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "exported")).all()
    detail = json.loads(entry.detail)
    assert (detail["register"], detail["public"], detail["rows"]) == ("outside-work", True, 4)


def test_empty_register_still_has_the_header(db: Database) -> None:
    code, out, _ = run(db)
    assert code == 0
    assert out.split("\r\n")[0].split(",")[: len(CONTRACT)] == CONTRACT
    assert out.count("\r\n") == 1


# --- dates: a request's day is the office's local day ---------------------------------------

MOMENTS = {
    "last_of_march": datetime(2026, 3, 31, 22, 59, 59, tzinfo=UTC),  # 23:59:59 BST, 31 Mar
    "first_of_april": datetime(2026, 3, 31, 23, 0, tzinfo=UTC),  # 00:00 BST, 1 Apr
    "end_of_april_1": datetime(2026, 4, 1, 22, 59, 59, 999_999, tzinfo=UTC),  # 23:59:59.999999
    "april_2": datetime(2026, 4, 1, 23, 0, tzinfo=UTC),  # 00:00 BST, 2 Apr
    "winter": datetime(2026, 1, 10, 0, 0, tzinfo=UTC),  # 00:00 GMT, 10 Jan
}


@pytest.fixture
def moments(db: Database) -> dict[str, str]:
    with db.session() as session:
        seed_people(session)
    return {
        name: reference(db, request(db, "UA", work(role=name), at)) for name, at in MOMENTS.items()
    }


def roles_between(db: Database, *args: str, timezone: str | None = None) -> dict[str, str]:
    code, out, err = run(db, *args, timezone=timezone)
    assert (code, err) == (0, ""), err
    _, rows = parse(out)
    return {r["role"]: r["requested_on"] for r in rows}


def test_from_and_to_are_inclusive_local_days(db: Database, moments: dict[str, str]) -> None:
    assert roles_between(db, "--from", "2026-04-01", "--to", "2026-04-01") == {
        "first_of_april": "2026-04-01",
        "end_of_april_1": "2026-04-01",
    }
    assert roles_between(db, "--to", "2026-03-31") == {
        "winter": "2026-01-10",
        "last_of_march": "2026-03-31",
    }
    assert set(roles_between(db, "--from", "2026-04-02")) == {"april_2"}
    assert set(roles_between(db, "--from", "2026-01-10", "--to", "2026-01-10")) == {"winter"}
    assert set(roles_between(db, "--to", "2026-01-09")) == set()


def test_the_offices_time_zone_decides_the_day(db: Database, moments: dict[str, str]) -> None:
    new_york = roles_between(
        db, "--from", "2026-04-01", "--to", "2026-04-01", timezone="America/New_York"
    )
    assert new_york == {"end_of_april_1": "2026-04-01", "april_2": "2026-04-01"}
    assert roles_between(db, "--to", "2026-01-09", timezone="America/New_York") == {
        "winter": "2026-01-09"
    }
    assert registers.OFFICE_TZ.get() is None  # the export's time zone does not linger


def test_local_day_bounds_across_the_clock_change() -> None:
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    start, end = local_day_bounds(date(2026, 3, 29), date(2026, 3, 29), london)  # 23-hour day
    assert start == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 23, 0, tzinfo=UTC) - timedelta(microseconds=1)
    assert local_day_bounds(None, date.max, london) == (None, None)


def test_outside_work_register_loads_in_a_constant_number_of_queries(
    db: Database, register: dict[str, str]
) -> None:
    statements: list[str] = []

    def log(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "FROM" in statement.upper():
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", log)
    try:
        with db.session() as session:
            records = list(OUTSIDE_WORK.load(session, None, None))
            rows = [[c.get(r) for c in OUTSIDE_WORK.columns] for r in records]
    finally:
        event.remove(db.engine, "before_cursor_execute", log)
    assert len(rows) == len(register)
    assert len(statements) <= 3
