"""`python -m bot register export gifts`: the register as CSV or XLSX, through the CLI.

`db` is conftest's migrated database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import event
from sqlmodel import Session, col, select

from bot import registers
from bot.cli import main
from bot.registers import GIFTS, Column
from bot.rules.gifts import (
    Disposal,
    GiftOffer,
    GiftType,
    Limits,
    OfferKind,
    Relationship,
    Response,
    assess,
)
from storage.db import Database
from storage.declarations import add_step, claim_decision, create_gift, load_gift
from storage.models import AuditEntry, Declaration, Staff
from storage.models import GiftOffer as GiftRow
from storage.register_stream import gift_register

CONTRACT = [
    "reference",
    "date_offered",
    "staff_name",
    "staff_email",
    "kind",
    "offered_by",
    "relationship",
    "description",
    "value_gbp",
    "response",
    "status",
    "decided_by",
    "decided_at",
    "flags",
]
PRIVATE = ["staff_email", "decided_by", "flags", "reason", "approver", "decision_reason"]
TODAY = date(2026, 3, 31)
DECIDED = datetime(2026, 3, 10, 9, 30, 15, tzinfo=UTC)


def run(db: Database, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["register", "export", "gifts", *args],
        environ={"DATABASE_URL": db.url},
        stdout=out,
        stderr=err,
    )
    return code, out.getvalue(), err.getvalue()


def people(session: Session) -> dict[str, Staff]:
    staff = {
        "mo": Staff(email="mo@office.example", name="Morag Officer", roles="monitoring_officer"),
        "lm": Staff(email="lm@office.example", name="Lena Manager"),
    }
    for person in staff.values():
        session.add(person)
    session.flush()
    staff["ann"] = Staff(
        email="ann@office.example", name="Ann Ébrard", line_manager_id=staff["lm"].id
    )
    session.add(staff["ann"])
    session.flush()
    return staff


def offer(**changes: object) -> GiftOffer:
    base = GiftOffer(
        kind=OfferKind.GIFT,
        gift_type=GiftType.ITEM,
        offered_by="Acme Ltd",
        relationship=Relationship.CONTRACTOR,
        description="A bottle of wine",
        value_pence=2500,
        date_offered=date(2026, 3, 2),
        event_date=None,
        response=Response.ACCEPTED,
        reason="Would have offended",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def declare(
    session: Session,
    declarant: Staff,
    gift: GiftOffer,
    *,
    approver: Staff | None = None,
    outcome: str | None = None,
    purpose: str = "authorise",
    role: str = "line_manager",
) -> Declaration:
    """Declare an offer as the handlers would; optionally route it and decide it."""
    assessment = assess(gift, Limits(), TODAY)
    declaration, row = create_gift(session, declarant=declarant, offer=gift, assessment=assessment)
    if approver is not None:
        assert approver.id is not None
        step = add_step(
            session, declaration=declaration, role=role, purpose=purpose, approver_id=approver.id
        )
        if outcome is not None:
            assert step.id is not None
            won = claim_decision(
                session,
                step_id=step.id,
                outcome=outcome,
                decided_by_id=approver.id,
                reason="Internal note: fine",
                at=DECIDED,
            )
            assert won
            declaration.status = outcome
            if purpose == "dispose":
                row.disposal = outcome
    session.commit()
    return declaration


@pytest.fixture
def register(db: Database) -> dict[str, str]:
    """One offer of every kind the register holds; returns references by name."""
    with db.session() as session:
        staff = people(session)
        ann, lm, mo = staff["ann"], staff["lm"], staff["mo"]
        refs = {
            "declined": declare(
                session,
                ann,
                offer(
                    kind=OfferKind.HOSPITALITY,
                    gift_type=None,
                    description="Dinner at the bidders' conference",
                    relationship=Relationship.BIDDER,
                    response=Response.DECLINED,
                    reason="",
                    value_pence=12_050,
                    date_offered=date(2026, 3, 1),
                    event_date=date(2026, 3, 5),
                ),
            ).reference,
            "refused": declare(
                session,
                ann,
                offer(gift_type=GiftType.MONETARY, description="£50 voucher", value_pence=5000),
            ).reference,
            "approved": declare(
                session,
                ann,
                offer(value_pence=4000, date_offered=date(2026, 3, 3)),
                approver=lm,
                outcome="approved",
            ).reference,
            "pending": declare(
                session,
                ann,
                offer(
                    response=Response.WANTS_TO_ACCEPT,
                    value_pence=123_456,
                    date_offered=date(2026, 3, 4),
                ),
                approver=lm,
            ).reference,
            "returned": declare(
                session,
                ann,
                offer(unsolicited=True, date_offered=date(2026, 3, 5), value_pence=3000),
                approver=mo,
                outcome=Disposal.RETURN.value,
                purpose="dispose",
                role="monitoring_officer",
            ).reference,
        }
    return {k: v for k, v in refs.items() if v is not None}


def parse(text: str) -> tuple[list[str], list[dict[str, str]]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def by_ref(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["reference"]: r for r in rows}


def exports(db: Database) -> list[dict[str, object]]:
    with db.session() as session:
        entries = session.exec(
            select(AuditEntry).where(AuditEntry.action == "exported").order_by(col(AuditEntry.id))
        )
        return [json.loads(e.detail) for e in entries]


# --- CSV -----------------------------------------------------------------------------------


def test_csv_has_the_contract_columns_first_and_one_row_per_offer(
    db: Database, register: dict[str, str]
) -> None:
    code, out, err = run(db)

    assert (code, err) == (0, "")
    header, rows = parse(out)
    assert header[: len(CONTRACT)] == CONTRACT
    assert {"gift_type", "event_date", "reason", "unsolicited", "disposal"} <= set(header)
    assert [r["reference"] for r in rows] == list(register.values())  # oldest offer first
    got = by_ref(rows)

    declined = got[register["declined"]]
    assert declined["kind"] == "hospitality"
    assert declined["response"] == "declined"
    assert declined["status"] == "recorded"
    assert declined["value_gbp"] == "120.50"
    assert declined["flags"] == "bidder;retrospective"
    assert declined["event_date"] == "2026-03-05"
    assert declined["decided_by"] == declined["decided_at"] == ""

    refused = got[register["refused"]]
    assert (refused["status"], refused["gift_type"]) == ("refused", "monetary")

    approved = got[register["approved"]]
    assert approved["date_offered"] == "2026-03-03"
    assert approved["staff_name"] == "Ann Ébrard"
    assert approved["staff_email"] == "ann@office.example"
    assert approved["value_gbp"] == "40.00"
    assert approved["response"] == "accepted"
    assert approved["status"] == "approved"
    assert approved["decided_by"] == "Lena Manager"
    assert approved["decided_at"] == "2026-03-10T09:30:15Z"
    assert approved["reason"] == "Would have offended"

    pending = got[register["pending"]]
    assert pending["response"] == "wants to accept"
    assert pending["value_gbp"] == "1234.56"
    assert (pending["status"], pending["decided_by"], pending["approver"]) == (
        "pending",
        "",
        "Lena Manager",
    )

    returned = got[register["returned"]]
    assert (returned["status"], returned["disposal"], returned["unsolicited"]) == (
        "returned",
        "returned",
        "yes",
    )
    assert returned["decided_by"] == "Morag Officer"


def test_csv_is_rfc4180_utf8(db: Database, register: dict[str, str]) -> None:
    with db.session() as session:
        ann = session.exec(select(Staff).where(Staff.email == "ann@office.example")).one()
        tricky = 'Tickets, "VIP"\nfor two — £'
        declare(session, ann, offer(description=tricky, date_offered=date(2026, 3, 6)))
    code, out, _ = run(db)

    assert code == 0
    assert out.endswith("\r\n") and out.count("\r\n") == len(register) + 2
    _, rows = parse(out)
    assert rows[-1]["description"] == tricky


def test_empty_register_still_has_the_header(db: Database) -> None:
    code, out, _ = run(db)

    assert code == 0
    assert out.split("\r\n")[0].split(",")[: len(CONTRACT)] == CONTRACT
    assert out.count("\r\n") == 1


def test_date_range_is_inclusive_at_both_ends(db: Database, register: dict[str, str]) -> None:
    code, out, _ = run(db, "--from", "2026-03-02", "--to", "2026-03-04")

    assert code == 0
    _, rows = parse(out)
    assert [r["date_offered"] for r in rows] == ["2026-03-02", "2026-03-03", "2026-03-04"]


def test_from_after_to_is_an_error(
    db: Database, register: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        run(db, "--from", "2026-03-04", "--to", "2026-03-02")
    assert exc.value.code == 2
    assert "--from is after --to" in capsys.readouterr().err

    from bot.export import ExportRequest, run_export

    err = io.StringIO()
    wanted = ExportRequest("gifts", "csv", False, date(2026, 3, 4), date(2026, 3, 2))
    code = run_export(wanted, db=db, output=None, out=io.StringIO(), err=err)
    assert code == 2
    assert err.getvalue() == "nolan: error: --from is after --to\n"
    assert exports(db) == []


def test_public_export_leaves_out_what_is_private(db: Database, register: dict[str, str]) -> None:
    code, out, _ = run(db, "--public")

    assert code == 0
    header, rows = parse(out)
    assert not set(PRIVATE) & set(header)
    assert header[:5] == ["reference", "date_offered", "staff_name", "kind", "offered_by"]
    assert {"description", "value_gbp", "response", "status", "decided_at"} <= set(header)
    for private in ("@office.example", "Would have offended", "Internal note", "bidder;"):
        assert private not in out
    assert len(rows) == len(register)
    assert {r["response"] for r in rows} == {"declined", "accepted", "wants to accept"}
    assert exports(db)[-1]["public"] is True


# --- formula injection ---------------------------------------------------------------------


INJECTIONS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd"]


@pytest.fixture
def injected(db: Database) -> None:
    with db.session() as session:
        ann = people(session)["ann"]
        for i, text in enumerate(INJECTIONS):
            declare(
                session,
                ann,
                offer(
                    offered_by=text,
                    description=text,
                    value_pence=0,
                    date_offered=date(2026, 3, 1 + i),
                ),
            )


def test_csv_neutralises_formulas_in_free_text(db: Database, injected: None) -> None:
    code, out, _ = run(db)

    assert code == 0
    _, rows = parse(out)
    assert [r["offered_by"] for r in rows] == ["'" + t for t in INJECTIONS]
    assert [r["description"] for r in rows] == ["'" + t for t in INJECTIONS]
    assert {r["value_gbp"] for r in rows} == {"0.00"}  # numbers are left alone
    assert {r["staff_name"] for r in rows} == {"Ann Ébrard"}


def test_xlsx_keeps_formulas_as_text(db: Database, injected: None, tmp_path: Path) -> None:
    target = tmp_path / "register.xlsx"
    code, _, _ = run(db, "--output", str(target))

    assert code == 0
    ws = load_workbook(target).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    col = header.index("offered_by") + 1
    cells = [ws.cell(row=r, column=col) for r in range(2, 2 + len(INJECTIONS))]
    assert [c.value for c in cells] == INJECTIONS  # exactly as typed, no apostrophe
    assert {c.data_type for c in cells} == {"s"}  # a string, never a formula
    assert all(c.quotePrefix for c in cells)


# --- XLSX ----------------------------------------------------------------------------------


def test_xlsx_has_typed_cells_and_a_frozen_bold_header(
    db: Database, register: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "register.xlsx"  # the suffix chooses the format
    code, out, err = run(db, "--output", str(target))

    assert (code, err) == (0, "")
    assert f"Wrote {len(register)} rows" in out
    ws = load_workbook(target).active
    assert ws is not None
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[: len(CONTRACT)] == CONTRACT
    assert all(c.font.b for c in ws[1])
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(header)).column_letter}6"
    assert ws.column_dimensions["H"].width > ws.column_dimensions["A"].width  # description
    assert ws.max_row == len(register) + 1

    rows = {r[0].value: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2)}
    approved = rows[register["approved"]]
    assert approved["date_offered"].value == datetime(2026, 3, 3)
    assert approved["date_offered"].is_date
    assert approved["date_offered"].number_format == "yyyy-mm-dd"
    assert approved["value_gbp"].value == 40
    assert approved["value_gbp"].data_type == "n"
    assert "£" in approved["value_gbp"].number_format
    assert "0.00" in approved["value_gbp"].number_format
    assert approved["decided_at"].value == DECIDED.replace(tzinfo=None)
    assert approved["decided_by"].value == "Lena Manager"
    assert rows[register["pending"]]["value_gbp"].value == pytest.approx(1234.56)
    assert rows[register["returned"]]["unsolicited"].value is True
    assert rows[register["declined"]]["decided_at"].value is None


def test_xlsx_public_export_has_only_public_columns(
    db: Database, register: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "public.xlsx"
    code, _, _ = run(db, "--public", "--format", "xlsx", "--output", str(target))

    assert code == 0
    ws = load_workbook(target).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert header == [c.name for c in GIFTS.columns if c.public]
    assert not set(PRIVATE) & set(header)
    assert target.stat().st_mode & 0o044  # published: others may read it


def test_xlsx_to_standard_output_is_refused(db: Database, register: dict[str, str]) -> None:
    code, out, err = run(db, "--format", "xlsx")

    assert (code, out) == (2, "")
    assert err == "nolan: error: xlsx is a binary file format: give --output FILE.xlsx\n"
    assert exports(db) == []


# --- writing files -------------------------------------------------------------------------


def test_csv_file_output_and_audit_entry(
    db: Database, register: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "register.csv"
    code, out, _ = run(db, "--output", str(target), "--from", "2026-03-02")

    assert code == 0
    assert out == f"Wrote 4 rows of the gifts register to {target}.\n"
    header, rows = parse(target.read_text(encoding="utf-8"))
    assert header[: len(CONTRACT)] == CONTRACT and len(rows) == 4
    assert target.stat().st_mode & 0o077 == 0  # personal data: owner only
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    [entry] = exports(db)
    assert entry["register"] == "gifts"
    assert entry["public"] is False
    assert entry["rows"] == 4
    assert entry["format"] == "csv"
    assert entry["output"] == str(target)
    assert entry["date_from"] == "2026-03-02" and entry["date_to"] is None


def test_stdout_export_is_audited(db: Database, register: dict[str, str]) -> None:
    run(db, "--public")
    run(db)

    entries = exports(db)
    assert [(e["public"], e["rows"], e["output"]) for e in entries] == [
        (True, 5, "stdout"),
        (False, 5, "stdout"),
    ]


def test_a_failed_export_leaves_no_file_and_no_audit_entry(
    db: Database, register: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0

    def fails_on_third_row(record: object) -> str:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError(28, "No space left on device")
        return "x"

    broken = replace(GIFTS, columns=(*GIFTS.columns, Column("boom", fails_on_third_row)))
    monkeypatch.setitem(registers.REGISTERS, "gifts", broken)
    fresh, existing = tmp_path / "fresh.csv", tmp_path / "existing.xlsx"
    existing.write_bytes(b"the previous export")

    for target in (fresh, existing):
        calls = 0
        code, out, err = run(db, "--output", str(target))
        assert (code, out) == (1, "")
        assert err == f"nolan: error: cannot write {target}: No space left on device\n"

    assert not fresh.exists()
    assert existing.read_bytes() == b"the previous export"
    assert not list(tmp_path.glob(".*.part"))
    assert exports(db) == []


@pytest.mark.parametrize("where", ["missing/dir/register.csv", "."])
def test_unwritable_output_is_a_one_line_error(
    db: Database, register: dict[str, str], tmp_path: Path, where: str
) -> None:
    target = tmp_path / where
    code, out, err = run(db, "--output", str(target))

    assert (code, out) == (1, "")
    assert err.startswith(f"nolan: error: cannot write {target}: ")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "missing").exists()
    assert exports(db) == []


# --- loading -------------------------------------------------------------------------------


def test_gift_register_loads_in_a_constant_number_of_queries(
    db: Database, register: dict[str, str]
) -> None:
    def count_queries(date_from: date | None) -> tuple[int, int]:
        statements: list[str] = []

        def log(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            if "FROM" in statement.upper():  # not a driver's own ping or savepoint
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", log)
        try:
            with db.session() as session:
                records = gift_register(session, date_from=date_from)
        finally:
            event.remove(db.engine, "before_cursor_execute", log)
        return len(records), len(statements)

    one = count_queries(date(2026, 3, 5))
    every = count_queries(None)
    assert (one[0], every[0]) == (1, len(register))
    assert one[1] == every[1] <= 3


def test_gift_register_matches_load_gift(db: Database, register: dict[str, str]) -> None:
    with db.session() as session:
        records = gift_register(session)
        singles = [load_gift(session, declaration_id=r.declaration.id or 0) for r in records]

    for bulk, single in zip(records, singles, strict=True):
        assert single is not None
        assert bulk.declaration == single.declaration
        assert bulk.offer == single.offer
        assert bulk.declarant == single.declarant
        assert bulk.steps == single.steps
        assert bulk.people == single.people
        assert bulk.decisive_step == single.decisive_step
    with db.session() as session:
        assert gift_register(session, date_from=date(2027, 1, 1)) == []
        assert session.exec(select(GiftRow)).all()
