"""`python -m bot register export interests`: the Register of Interests as CSV or XLSX.

Data is built with the storage functions the handlers use. `db` is conftest's migrated
database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from bot.cli import main
from bot.registers import INTERESTS, REGISTERS
from storage.db import Database
from storage.declarations import add_step, claim_decision, create_declaration
from storage.models import AuditEntry, Declaration, Interest, Staff

CONTRACT = [
    "reference",
    "declared_on",
    "staff_name",
    "staff_email",
    "category",
    "organisation",
    "description",
    "started_on",
    "ended_on",
    "status",
    "decided_by",
    "decided_at",
    "action",
]
EXTRAS = [
    "colleague_concerned",
    "conflict",
    "proposal",
    "restricted_post",
    "approver",
    "approver_role",
    "declared_at",
]
PRIVATE = [
    "staff_email",
    "decided_by",
    "action",
    "colleague_concerned",
    "conflict",
    "proposal",
    "restricted_post",
    "approver",
    "approver_role",
    "declared_at",
]
DECIDED = datetime(2026, 3, 10, 9, 30, 15, tzinfo=UTC)


def run(db: Database, *args: str, **env: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["register", "export", "interests", *args],
        environ={"DATABASE_URL": db.url, **env},
        stdout=out,
        stderr=err,
    )
    return code, out.getvalue(), err.getvalue()


def parse(text: str) -> tuple[list[str], list[dict[str, str]]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def by_ref(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["reference"]: r for r in rows}


def people(session: Session) -> dict[str, Staff]:
    staff = {
        "mo": Staff(email="mo@office.example", name="Morag Officer", roles="monitoring_officer"),
        "lm": Staff(email="lm@office.example", name="Lena Manager"),
    }
    session.add_all(staff.values())
    session.flush()
    staff["ann"] = Staff(
        email="ann@office.example", name="Ann Ébrard", line_manager_id=staff["lm"].id
    )
    staff["ben"] = Staff(email="ben@office.example", name="Ben Colleague")
    session.add_all([staff["ann"], staff["ben"]])
    session.flush()
    return staff


def declare(
    session: Session,
    declarant: Staff,
    *,
    category: str,
    declared_at: datetime,
    organisation: str = "Acme Ltd",
    description: str = "Shares",
    named: Staff | None = None,
    approver: Staff | None = None,
    outcome: str | None = None,
    reason: str | None = None,
    status: str = "pending",
    role: str = "line_manager",
    **detail: object,
) -> str:
    """Declare an interest as the handlers would; optionally route it and decide it."""
    declaration = create_declaration(
        session,
        kind="interest",
        declarant=declarant,
        status=status,
        named_staff_id=named.id if named else None,
    )
    declaration.created_at = declared_at
    assert declaration.id is not None
    session.add(
        Interest(
            declaration_id=declaration.id,
            category=category,
            organisation=organisation,
            description=description,
            started_on=detail.pop("started_on", date(2020, 1, 1)),  # type: ignore[arg-type]
            conflict="Internal: bids for our contracts",
            proposal="Internal: no part in the award",
            **detail,  # type: ignore[arg-type]
        )
    )
    if approver is not None:
        assert approver.id is not None
        step = add_step(
            session, declaration=declaration, role=role, purpose="note", approver_id=approver.id
        )
        if outcome is not None:
            assert step.id is not None
            assert claim_decision(
                session,
                step_id=step.id,
                outcome=outcome,
                decided_by_id=approver.id,
                reason=reason,
                at=DECIDED,
            )
            declaration.status = outcome
    session.commit()
    assert declaration.reference is not None
    return declaration.reference


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


@pytest.fixture
def register(db: Database) -> dict[str, str]:
    """One interest of each sort; returns references by name, in the order declared."""
    with db.session() as session:
        s = people(session)
        ann, lm, mo, ben = s["ann"], s["lm"], s["mo"], s["ben"]
        return {
            "financial": declare(
                session,
                ann,
                category="financial",
                declared_at=at("2026-03-01"),
                approver=lm,
                outcome="noted",
            ),
            "membership": declare(
                session,
                ann,
                category="membership",
                organisation="The Lodge",
                description="Member since 2010",
                declared_at=at("2026-03-02"),
                approver=lm,
            ),
            "relationship": declare(
                session,
                ann,
                category="relationship",
                organisation="",
                description="My brother is up for promotion",
                named=ben,
                declared_at=at("2026-03-03"),
                approver=lm,
                outcome="action_required",
                reason="No part in the promotion panel",
                action="No part in the promotion panel",
            ),
            "political": declare(
                session,
                ann,
                category="political",
                organisation="Anytown Borough Council",
                description="Councillor",
                declared_at=at("2026-03-04"),
                approver=mo,
                role="monitoring_officer",
                outcome="action_required",
                reason="Stand down",
                action="Stand down",
                restricted_post=True,
                ended_on=date(2026, 5, 1),
            ),
            "withdrawn": declare(
                session,
                ann,
                category="non_financial",
                organisation="Food Bank",
                description="Trustee (withdrawn: a mistake)",
                declared_at=at("2026-03-05"),
                status="withdrawn",
            ),
            "commitment": declare(
                session,
                ann,
                category="non_financial",
                organisation="Food Bank",
                description='=HYPERLINK("http://x")',
                declared_at=at("2026-03-06"),
                approver=lm,
            ),
            "contractor": declare(
                session,
                ann,
                category="contractor",
                organisation="Build Co",
                description="My partner owns it",
                declared_at=at("2026-03-07"),
            ),
        }


def test_it_is_a_register_the_cli_knows() -> None:
    assert REGISTERS["interests"] is INTERESTS
    assert INTERESTS.title == "Register of Interests"


def test_csv_has_the_contract_columns_first_then_the_extras(
    db: Database, register: dict[str, str]
) -> None:
    code, out, err = run(db)

    assert (code, err) == (0, "")
    header, rows = parse(out)
    assert header == CONTRACT + EXTRAS
    assert [r["reference"] for r in rows] == list(register.values())  # in the order declared
    got = by_ref(rows)

    financial = got[register["financial"]]
    assert financial["declared_on"] == "2026-03-01"
    assert financial["staff_name"] == "Ann Ébrard"
    assert financial["staff_email"] == "ann@office.example"
    assert financial["category"] == "financial interest"
    assert financial["organisation"] == "Acme Ltd"
    assert financial["started_on"] == "2020-01-01" and financial["ended_on"] == ""
    assert financial["status"] == "noted"
    assert financial["decided_by"] == "Lena Manager"
    assert financial["decided_at"] == "2026-03-10T09:30:15Z"
    assert financial["action"] == ""
    assert financial["conflict"] == "Internal: bids for our contracts"
    assert financial["proposal"] == "Internal: no part in the award"
    assert financial["restricted_post"] == "no"
    assert financial["declared_at"] == "2026-03-01T10:00:00Z"

    membership = got[register["membership"]]
    assert (membership["status"], membership["decided_by"], membership["approver"]) == (
        "pending",
        "",
        "Lena Manager",
    )
    assert membership["approver_role"] == "line manager"

    relationship = got[register["relationship"]]
    assert relationship["category"] == "relative or close personal relationship"
    assert relationship["colleague_concerned"] == "Ben Colleague"
    assert relationship["status"] == "action_required"
    assert relationship["action"] == "No part in the promotion panel"

    political = got[register["political"]]
    assert political["restricted_post"] == "yes"
    assert political["ended_on"] == "2026-05-01"
    assert political["decided_by"] == "Morag Officer"
    assert political["approver_role"] == "monitoring officer"

    assert got[register["commitment"]]["description"] == '\'=HYPERLINK("http://x")'
    assert got[register["withdrawn"]]["status"] == "withdrawn"


def test_public_export_leaves_out_private_columns_and_private_categories(
    db: Database, register: dict[str, str]
) -> None:
    code, out, _ = run(db, "--public")

    assert code == 0
    header, rows = parse(out)
    assert not set(PRIVATE) & set(header)
    assert header == [c for c in CONTRACT + EXTRAS if c not in PRIVATE]
    # Memberships, relationships (contractor or colleague), and withdrawn ones are left out.
    assert [r["reference"] for r in rows] == [
        register["financial"],
        register["political"],
        register["commitment"],
    ]
    assert not any("Internal" in value for row in rows for value in row.values())
    assert "The Lodge" not in out and "brother" not in out and "Build Co" not in out
    with db.session() as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "exported").order_by(col(AuditEntry.id))
        ).one()
    detail = json.loads(entry.detail)
    assert (detail["register"], detail["public"], detail["rows"]) == ("interests", True, 3)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--from", "2026-03-02", "--to", "2026-03-04"],
            ["membership", "relationship", "political"],
        ),
        (["--from", "2026-03-07"], ["contractor"]),
        (["--to", "2026-03-01"], ["financial"]),
        (["--from", "2026-03-08"], []),
    ],
)
def test_date_range_is_inclusive_at_both_ends(
    db: Database, register: dict[str, str], options: list[str], expected: list[str]
) -> None:
    code, out, _ = run(db, *options)

    assert code == 0
    _, rows = parse(out)
    assert [r["reference"] for r in rows] == [register[name] for name in expected]


def test_declared_on_is_the_office_day_not_the_utc_day(db: Database) -> None:
    """23:30 UTC on 30 June is 00:30 on 1 July in London (summer time): 1 July, inclusive
    edges in local time. 23:59 UTC on 31 Dec is still 31 Dec in London (winter)."""
    with db.session() as session:
        s = people(session)
        summer = declare(
            session, s["ann"], category="financial", declared_at=at("2026-06-30", 23, 30)
        )
        midsummer = declare(
            session, s["ann"], category="financial", declared_at=at("2026-06-30", 22, 59)
        )
        winter = declare(
            session, s["ann"], category="financial", declared_at=at("2026-12-31", 23, 59)
        )

    _, out, _ = run(db)
    got = by_ref(parse(out)[1])
    assert got[summer]["declared_on"] == "2026-07-01"
    assert got[midsummer]["declared_on"] == "2026-06-30"
    assert got[winter]["declared_on"] == "2026-12-31"

    _, out, _ = run(db, "--from", "2026-07-01", "--to", "2026-07-01")
    assert [r["reference"] for r in parse(out)[1]] == [summer]
    _, out, _ = run(db, "--to", "2026-06-30")
    assert [r["reference"] for r in parse(out)[1]] == [midsummer]
    _, out, _ = run(db, "--from", "2026-12-31")
    assert [r["reference"] for r in parse(out)[1]] == [winter]

    # The office's TIMEZONE setting decides the day.
    _, out, _ = run(db, "--from", "2027-01-01", TIMEZONE="Pacific/Auckland")
    rows = parse(out)[1]
    assert [(r["reference"], r["declared_on"]) for r in rows] == [(winter, "2027-01-01")]


def test_xlsx_has_typed_cells(db: Database, register: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "interests.xlsx"
    code, out, _ = run(db, "--output", str(target))

    assert code == 0 and "Wrote 7 rows of the interests register" in out
    sheet = load_workbook(target).active
    assert sheet is not None and sheet.title == "Register of Interests"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == CONTRACT + EXTRAS
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["declared_on"] == datetime(2026, 3, 1)
    assert first["started_on"] == datetime(2020, 1, 1)
    assert first["restricted_post"] is False


def test_empty_register_still_has_the_header(db: Database) -> None:
    code, out, _ = run(db, "--public")

    assert code == 0
    assert out == ",".join(c for c in CONTRACT + EXTRAS if c not in PRIVATE) + "\r\n"


def test_the_declarations_are_only_interests(db: Database, register: dict[str, str]) -> None:
    with db.session() as session:
        ann = session.exec(select(Staff).where(Staff.email == "ann@office.example")).one()
        gift = Declaration(kind="gift", declarant_id=ann.id or 0, status="recorded")
        session.add(gift)
        session.commit()
    _, out, _ = run(db)
    assert len(parse(out)[1]) == len(register)
