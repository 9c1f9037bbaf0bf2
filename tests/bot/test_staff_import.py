"""`python -m bot staff import FILE.csv`, end to end: the CLI, the fake Slack Web API, a real
(migrated) database. A bad file must change nothing and name every bad line."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from bot.cli import main
from bot.rules.org_chart import OrgRow
from storage import audit
from storage.db import Database
from storage.models import AuditEntry, Staff
from storage.org_import import ManagerChange, apply_org_chart
from storage.types import utcnow
from tests.fakeslack import FakeSlack

HEADER = "email,name,line_manager_email,roles,vetting_level,vetting_expires,politically_restricted"
CHART = [
    "ceo@opcc.example,Chief Executive,,head_of_office,NPPV3,2027-03-31,yes",
    "mo@opcc.example,Monitoring Officer,ceo@opcc.example,monitoring_officer;admin,,,no",
    "ann@opcc.example,Ann Smith,mo@opcc.example,,NPPV2,2026-01-15,",
    "bob@opcc.example,Bob Jones,mo@opcc.example,,,,n",
]
USERS = {
    "ceo@opcc.example": "UCEO",
    "mo@opcc.example": "UMO",
    "ann@opcc.example": "UANN",
    "bob@opcc.example": "UBOB",
    "cat@opcc.example": "UCAT",
}


class TtyStringIO(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        for email, user_id in USERS.items():
            server.add_user(email, user_id)
        yield server
        server.assert_clean()


class Importer:
    def __init__(self, fake: FakeSlack, db_url: str, tmp_path: Path) -> None:
        self.fake, self.db_url, self.tmp_path = fake, db_url, tmp_path
        self.out = self.err = ""

    def write(self, *rows: str, header: str = HEADER, name: str = "staff.csv") -> Path:
        path = self.tmp_path / name
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        return path

    def run(self, path: Path, *, api_url: str | None = None, err: io.StringIO | None = None) -> int:
        out, err = io.StringIO(), err or io.StringIO()
        code = main(
            ["staff", "import", str(path)],
            environ={
                "SLACK_BOT_TOKEN": "xoxb-test",
                "DATABASE_URL": self.db_url,
                "SLACK_API_URL": api_url or self.fake.api_url,
            },
            stdout=out,
            stderr=err,
        )
        self.out, self.err = out.getvalue(), err.getvalue()
        return code

    def people(self) -> dict[str, Staff]:
        db = Database(self.db_url)
        try:
            with db.session() as session:
                return {s.email: s for s in session.exec(select(Staff))}
        finally:
            db.dispose()

    def snapshot(self) -> tuple[list[tuple[Any, ...]], int]:
        """Everything an import could write: the staff table and the audit trail's length."""
        db = Database(self.db_url)
        try:
            with db.session() as session:
                staff = [
                    tuple(s.model_dump().values())
                    for s in session.exec(select(Staff).order_by(col(Staff.id)))
                ]
                audits = len(session.exec(select(AuditEntry)).all())
            return staff, audits
        finally:
            db.dispose()

    def audits(self) -> list[dict[str, Any]]:
        db = Database(self.db_url)
        try:
            with db.session() as session:
                rows = session.exec(
                    select(AuditEntry)
                    .where(AuditEntry.action == "staff_imported")
                    .order_by(col(AuditEntry.id))  # oldest first: the last is the newest
                ).all()
                return [json.loads(a.detail) for a in rows]
        finally:
            db.dispose()

    def lookups(self) -> list[str]:
        return [c.args["email"] for c in self.fake.calls("users.lookupByEmail")]


@pytest.fixture
def importer(fake: FakeSlack, db_url: str, tmp_path: Path) -> Importer:
    return Importer(fake, db_url, tmp_path)


def test_a_good_file_is_imported_with_a_one_line_summary(importer: Importer) -> None:
    assert importer.run(importer.write(*CHART)) == 0
    assert importer.out == (
        "Imported 4 people from staff.csv: 4 added, 0 updated, 0 unchanged, 0 marked inactive.\n"
    )
    people = importer.people()
    ceo, mo, ann = (people[f"{p}@opcc.example"] for p in ("ceo", "mo", "ann"))
    assert (ceo.slack_user_id, ceo.name, ceo.line_manager_id) == ("UCEO", "Chief Executive", None)
    assert ceo.role_set == {"head_of_office"}
    assert (ceo.vetting_level, ceo.vetting_expires) == ("NPPV3", date(2027, 3, 31))
    assert ceo.politically_restricted is True
    assert mo.line_manager_id == ceo.id
    assert mo.roles == "admin;monitoring_officer"  # sorted, ';'-joined
    assert ann.line_manager_id == mo.id
    assert all(p.active for p in people.values())
    assert importer.audits() == [
        {
            "added": 4,
            "deactivated": 0,
            "managers_changed": 0,
            "renewals_kept": 0,
            "reactivated": 0,
            "source": "staff.csv",
            "total": 4,
            "unchanged": 0,
            "updated": 0,
        }
    ]


def test_on_postgresql_the_import_refreshes_the_staff_tables_statistics(
    importer: Importer,
) -> None:
    """The office holders are read through a partial index the planner takes only once the
    statistics say few people hold a role (storage.org_import.refresh_statistics)."""
    db = Database(importer.db_url)
    if db.engine.dialect.name != "postgresql":
        db.dispose()
        pytest.skip("PostgreSQL's planner statistics")
    # ANALYZE sets the estimate (transactionally); a table never analyzed has none (-1), and
    # autovacuum would wait for 50 changed rows.
    sql = text("SELECT reltuples FROM pg_class WHERE relname = 'staff'")
    try:
        assert importer.run(importer.write(*CHART)) == 0
        with db.engine.connect() as conn:
            assert conn.execute(sql).scalar_one() == len(CHART)
    finally:
        db.dispose()


def test_the_lookups_go_to_slack_api_url(importer: Importer) -> None:
    assert importer.run(importer.write(*CHART)) == 0
    assert sorted(importer.lookups()) == sorted(e for e in USERS if not e.startswith("cat"))
    assert all(c.token == "xoxb-test" for c in importer.fake.calls("users.lookupByEmail"))


def test_reimport_updates_managers_marks_absentees_inactive_and_brings_them_back(
    importer: Importer,
) -> None:
    assert importer.run(importer.write(*CHART)) == 0
    before = importer.people()
    importer.fake.reset()

    # Ann now reports to the CEO, Bob has left, Cat has joined; the CEO's row is as it was.
    second = [
        CHART[0],
        CHART[1],
        "ann@opcc.example,Ann Smith,ceo@opcc.example,,NPPV2,2026-01-15,",
        "cat@opcc.example,Cat Lee,ann@opcc.example,,,,",
    ]
    assert importer.run(importer.write(*second)) == 0
    assert importer.out == (
        "Imported 4 people from staff.csv: 1 added, 1 updated, 2 unchanged, 1 marked inactive.\n"
    )
    assert importer.lookups() == ["cat@opcc.example"]  # known people are not looked up again
    people = importer.people()
    assert people["ann@opcc.example"].line_manager_id == people["ceo@opcc.example"].id
    assert people["cat@opcc.example"].line_manager_id == people["ann@opcc.example"].id
    bob = people["bob@opcc.example"]
    assert bob.active is False
    assert bob.id == before["bob@opcc.example"].id  # marked, never deleted
    assert importer.audits()[-1]["managers_changed"] == 1

    assert importer.run(importer.write(*CHART, second[3])) == 0
    assert importer.out == (
        "Imported 5 people from staff.csv: 0 added, 2 updated, 3 unchanged, 0 marked inactive.\n"
    )
    people = importer.people()
    assert people["bob@opcc.example"].active is True
    assert people["ann@opcc.example"].line_manager_id == people["mo@opcc.example"].id
    assert importer.audits()[-1]["reactivated"] == 1


def test_a_column_left_out_of_the_file_is_left_alone(importer: Importer) -> None:
    assert importer.run(importer.write(*CHART)) == 0
    slim = importer.write(
        "ceo@opcc.example,",
        "mo@opcc.example,ceo@opcc.example",
        "ann@opcc.example,mo@opcc.example",
        "bob@opcc.example,mo@opcc.example",
        header="email,line_manager_email",
    )
    assert importer.run(slim) == 0
    assert "4 unchanged" in importer.out
    people = importer.people()
    assert people["mo@opcc.example"].roles == "admin;monitoring_officer"
    assert people["ceo@opcc.example"].vetting_expires == date(2027, 3, 31)


def test_excel_csv_with_bom_and_crlf_imports(importer: Importer, tmp_path: Path) -> None:
    path = tmp_path / "from-excel.csv"
    text = "\r\n".join([HEADER.upper(), *CHART, ",,,,,,", ""])
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert importer.run(path) == 0
    assert importer.out.startswith("Imported 4 people from from-excel.csv: 4 added")
    assert "ceo@opcc.example" in importer.people()


BAD_FILES = {
    "unknown column": (
        [f"{row},HR" for row in CHART],
        HEADER + ",department",
        {1: "unknown column 'department'"},
    ),
    "bad date": (
        [*CHART[:3], "bob@opcc.example,Bob,mo@opcc.example,,,15/01/2026,"],
        HEADER,
        {5: "vetting_expires '15/01/2026' is not a date in YYYY-MM-DD form"},
    ),
    "manager not in the file": (
        [*CHART[:3], "bob@opcc.example,Bob,gone@opcc.example,,,,"],
        HEADER,
        {5: "line manager gone@opcc.example is not in the file"},
    ),
    "email Slack cannot resolve": (
        [*CHART, "ghost@opcc.example,Ghost,mo@opcc.example,,,,"],
        HEADER,
        {6: "no Slack user has the email ghost@opcc.example"},
    ),
    "management cycle": (
        [
            "ceo@opcc.example,Chief Executive,bob@opcc.example,head_of_office,,,",
            *CHART[1:],
        ],
        HEADER,
        {
            2: "management cycle ceo@opcc.example → bob@opcc.example → mo@opcc.example",
            3: "management cycle mo@opcc.example",
            5: "management cycle bob@opcc.example",
        },
    ),
    "duplicate email": (
        [*CHART, "ANN@opcc.example,Ann again,,,,,"],
        HEADER,
        {4: "duplicate email ann@opcc.example: also on line 6", 6: "also on line 4"},
    ),
    "unknown role": (
        [*CHART[:3], "bob@opcc.example,Bob,mo@opcc.example,chair,,,"],
        HEADER,
        {5: "unknown role 'chair'"},
    ),
    "bad yes/no": (
        [*CHART[:3], "bob@opcc.example,Bob,mo@opcc.example,,,,sometimes"],
        HEADER,
        {5: "politically_restricted 'sometimes' is not yes or no"},
    ),
    "wrong number of fields": (
        [*CHART[:3], "bob@opcc.example,Bob"],
        HEADER,
        {5: "has 2 fields but the header has 7"},
    ),
    "two emails on one Slack account": (
        [*CHART, "a.smith@opcc.example,Ann alias,,,,,"],
        HEADER,
        {4: "same Slack user (UANN)", 6: "same Slack user (UANN)"},
    ),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_file_imports_nothing_and_names_every_bad_line(importer: Importer, kind: str) -> None:
    importer.fake.add_user("a.smith@opcc.example", "UANN")  # an alias of Ann's account
    assert importer.run(importer.write(*CHART, name="first.csv")) == 0
    before = importer.snapshot()

    rows, header, expected = BAD_FILES[kind]
    path = importer.write(*rows, header=header)
    assert importer.run(path) == 1
    assert importer.out == ""
    lines = importer.err.splitlines()
    problems = [ln for ln in lines if ln.startswith(f"{path}:")]
    assert sorted({int(ln.split(":")[1]) for ln in problems}) == sorted(expected)
    for line, needle in expected.items():
        assert any(ln.startswith(f"{path}:{line}: ") and needle in ln for ln in problems), lines
    assert lines[-1].endswith(f"in {path}; nothing was imported")
    assert "Traceback" not in importer.err
    assert importer.snapshot() == before


def test_every_bad_row_is_listed_in_line_order(importer: Importer) -> None:
    path = importer.write(
        "ghost@opcc.example,Ghost,,,,,",
        *CHART[:2],
        "ann@opcc.example,Ann,mo@opcc.example,,,2026-13-01,",
        "bob@opcc.example,Bob,nobody@opcc.example,,,,",
    )
    assert importer.run(path) == 1
    numbered = [
        int(ln.split(":")[1]) for ln in importer.err.splitlines() if ln.startswith(str(path))
    ]
    assert numbered == [2, 5, 6]
    assert "3 bad rows" in importer.err
    assert importer.snapshot() == ([], 0)


def _latin1_file(tmp: Path) -> Path:
    path = tmp / "latin1.csv"  # what "Save as CSV" gives in older Excel
    path.write_bytes(f"{HEADER}\nzoe@opcc.example,Zoë,,,,,\n".encode("latin-1"))
    return path


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda tmp: tmp / "missing.csv", "no such file"),
        (lambda tmp: tmp, "it is a directory"),
        (_latin1_file, "latin1.csv:2: not UTF-8 text"),
    ],
    ids=["missing", "directory", "not utf-8"],
)
def test_an_unreadable_file_is_a_one_line_error(
    importer: Importer, tmp_path: Path, make: Callable[[Path], Path], needle: str
) -> None:
    assert importer.run(make(tmp_path)) == 1
    assert importer.err.count("\n") == 1
    assert needle in importer.err and "nothing was imported" in importer.err
    assert importer.lookups() == []


def test_a_slack_refusal_aborts_the_whole_import(importer: Importer) -> None:
    importer.fake.slack_error_next("users.lookupByEmail", "invalid_auth")
    assert importer.run(importer.write(*CHART)) == 1
    assert importer.err == (
        "nolan: error: Slack refused users.lookupByEmail (invalid_auth): check SLACK_BOT_TOKEN; "
        "nothing was imported\n"
    )
    assert importer.snapshot() == ([], 0)


def test_slack_failing_after_the_clients_retries_aborts(importer: Importer) -> None:
    assert importer.run(importer.write(*CHART[:1])) == 0
    before = importer.snapshot()
    importer.fake.reset()
    importer.fake.fail_next("users.lookupByEmail", status=503, times=3)  # 1 try + 2 retries
    assert importer.run(importer.write(*CHART)) == 1
    assert "Slack refused users.lookupByEmail" in importer.err
    assert len(importer.fake.rejected) == 3
    assert importer.snapshot() == before


def test_slack_out_of_reach_aborts(importer: Importer) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert importer.run(importer.write(*CHART), api_url=f"http://127.0.0.1:{port}/api/") == 1
    assert "nolan: error: cannot reach Slack at http://127.0.0.1:" in importer.err
    assert importer.err.rstrip().endswith("nothing was imported")
    assert importer.snapshot() == ([], 0)


def test_a_progress_bar_shows_for_many_lookups_on_a_terminal(importer: Importer) -> None:
    roles = {0: "head_of_office", 1: "monitoring_officer"}  # else a warning is printed
    rows = [f"p{i}@opcc.example,P{i},,{roles.get(i, '')},,," for i in range(60)]
    for i in range(60):
        importer.fake.add_user(f"p{i}@opcc.example", f"UP{i}")
    tty = TtyStringIO()
    assert importer.run(importer.write(*rows), err=tty) == 0
    assert "Looking up Slack users" in importer.err

    importer.fake.reset()
    assert importer.run(importer.write(*rows[:10])) == 0  # few, and not a terminal
    assert importer.err == ""


def test_one_person_is_one_person(importer: Importer) -> None:
    assert importer.run(importer.write(CHART[0])) == 0
    assert importer.out.startswith("Imported 1 person from staff.csv")


# -- the repository function directly ---------------------------------------------------


def test_apply_org_chart_reports_who_changed_manager(db: Database) -> None:
    rows = [
        OrgRow(line=2, email="boss@x.org"),
        OrgRow(line=3, email="deputy@x.org", line_manager_email="boss@x.org"),
        OrgRow(line=4, email="ann@x.org", line_manager_email="deputy@x.org"),
    ]
    ids = {r.email: f"U{i}" for i, r in enumerate(rows)}
    with db.session() as session:
        first = apply_org_chart(session, rows=rows, ids=ids, now=utcnow())
        session.commit()
    assert (first.added, first.managers_changed) == (3, ())

    moved = [rows[0], rows[1], OrgRow(line=4, email="ann@x.org", line_manager_email="boss@x.org")]
    with db.session() as session:
        people = {s.email: s.id for s in session.exec(select(Staff))}
        second = apply_org_chart(session, rows=moved, ids=ids, now=utcnow())
        session.commit()
    assert second.managers_changed == (
        ManagerChange(people["ann@x.org"], people["deputy@x.org"], people["boss@x.org"]),
    )
    assert (second.updated, second.unchanged) == (1, 2)


def test_a_deactivated_slack_account_is_a_bad_row(importer: Importer) -> None:
    importer.fake.add_user("ann@opcc.example", "UANN", deleted=True)
    assert importer.run(importer.write(*CHART)) == 1
    assert "ann@opcc.example is deactivated" in importer.err
    assert importer.snapshot() == ([], 0)


def _record_renewal(db_url: str, email: str, new_expiry: date) -> None:
    """As the vetting officer's "Renewed on…" button does: the expiry and its audit entry."""
    db = Database(db_url)
    try:
        with db.session() as session:
            person = session.exec(select(Staff).where(Staff.email == email)).one()
            person.vetting_expires = new_expiry
            audit.record(
                session,
                action="vetting_renewed",
                staff_id=person.id,
                new_expiry=new_expiry.isoformat(),
            )
            session.commit()
    finally:
        db.dispose()


def test_a_reimport_keeps_a_renewal_recorded_in_slack(importer: Importer, db_url: str) -> None:
    assert importer.run(importer.write(*CHART)) == 0
    _record_renewal(db_url, "ann@opcc.example", date(2029, 1, 10))

    assert importer.run(importer.write(*CHART)) == 0  # the file still says 2026-01-15
    assert importer.people()["ann@opcc.example"].vetting_expires == date(2029, 1, 10)
    assert "ann@opcc.example: kept the vetting expiry recorded in Slack" in importer.out
    assert importer.audits()[-1]["renewals_kept"] == 1

    later = [row.replace("2026-01-15", "2030-06-30") for row in CHART]
    assert importer.run(importer.write(*later)) == 0  # a renewal since: the file wins
    assert importer.people()["ann@opcc.example"].vetting_expires == date(2030, 6, 30)
    assert "kept the vetting expiry" not in importer.out
