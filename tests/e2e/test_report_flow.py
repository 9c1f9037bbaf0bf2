"""`/conduct report` and register export from Slack, end to end: signed requests in, the
DM and the files that reached the fake Slack out, the audit trail in the database."""

from __future__ import annotations

import csv
import io
import json
import time
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from storage.db import Database
from storage.models import AuditEntry, Staff
from tests.e2e.harness import SECRET, Nolan, dm_to
from tests.fakeslack import FakeSlack, block_actions_form, post
from tests.fakeslack.server import Call
from tests.report.seed import seed

PNG = b"\x89PNG\r\n\x1a\n"


def audit(db: Database, action: str) -> list[dict[str, Any]]:
    with db.session() as session:
        rows = session.exec(
            select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
        ).all()
        return [{"actor_id": a.actor_id, **json.loads(a.detail)} for a in rows]


def staff_id(db: Database, slack_id: str) -> int:
    with db.session() as session:
        person = session.exec(select(Staff).where(Staff.slack_user_id == slack_id)).one()
        assert person.id is not None
        return person.id


def text_of(call: Call) -> str:
    return call.args.get("text", "") + json.dumps(call.args.get("blocks", []), ensure_ascii=False)


def wait_uploads(fake: FakeSlack, channel: str, count: int) -> list[Any]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        uploads = fake.uploads(channel)
        if len(uploads) >= count:
            return uploads
        time.sleep(0.05)
    raise AssertionError(f"{len(fake.uploads(channel))} uploads to {channel}, wanted {count}")


# -- /conduct report ---------------------------------------------------------------------------


def test_officer_gets_the_report_in_a_dm_with_the_charts(
    nolan: Nolan, fake: FakeSlack, db: Database
) -> None:
    seed(db)
    status, reply = nolan.command("UMO", "/conduct", "report 2026")
    assert status == 200
    assert "Preparing the annual report for 2026/27" in json.loads(reply)["text"]

    message = dm_to(fake, "UMO", lambda c: "Annual report 2026/27" in c.args.get("text", ""))
    shown = text_of(message)
    assert "67% (2 of 3)" in shown  # acceptance
    assert "Acme Ltd · 3 · £150.00" in shown  # the repeat offeror, three spellings as one
    assert "Whistleblowing policy" in shown
    uploads = wait_uploads(fake, "DUMO", 3)
    assert [u.data[:8] for u in uploads] == [PNG] * 3
    assert {u.filename for u in uploads} == {
        "volumes-2026.png",
        "decisions-by-month-2026.png",
        "time-to-decision-2026.png",
    }
    assert all(u.alt_txt and u.title for u in uploads)
    assert audit(db, "annual_report") == [
        {"actor_id": staff_id(db, "UMO"), "year": "2026/27", "via": "slack"}
    ]


def test_head_of_office_defaults_to_the_current_year(nolan: Nolan, fake: FakeSlack) -> None:
    nolan.command("UHEAD", "/conduct", "report")
    # The harness clock says 20 November 2026: the 2026/27 year.
    dm_to(fake, "UHEAD", lambda c: "Annual report 2026/27" in c.args.get("text", ""))
    wait_uploads(fake, "DUHEAD", 3)


def test_staff_are_refused_and_nothing_is_sent(nolan: Nolan, fake: FakeSlack, db: Database) -> None:
    status, reply = nolan.command("UALICE", "/conduct", "report")
    assert status == 200
    answer = json.loads(reply)
    assert answer["response_type"] == "ephemeral"
    assert "Only the monitoring officer and the head of office" in answer["text"]
    fake.assert_no_call("chat.postMessage")
    assert fake.uploads() == [] and audit(db, "annual_report") == []


def test_a_year_that_is_not_one_gets_the_usage(nolan: Nolan, fake: FakeSlack) -> None:
    for words in ("report next", "report 2026/28", "report 2026 2027", "report 1999"):
        _, reply = nolan.command("UMO", "/conduct", words)
        assert "Usage: `/conduct report [year]`" in json.loads(reply)["text"]
    fake.assert_no_call("chat.postMessage")


def test_a_report_that_cannot_be_built_is_said_so_in_the_dm(
    nolan: Nolan, fake: FakeSlack, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(db)

    def database_down(*_: object, **__: object) -> None:
        raise OperationalError("SELECT …", {}, Exception("server closed the connection"))

    monkeypatch.setattr("bot.report.annual.annual_summary", database_down)
    _, reply = nolan.command("UMO", "/conduct", "report 2026")
    assert "Preparing the annual report for 2026/27" in json.loads(reply)["text"]
    failed = dm_to(fake, "UMO", lambda c: "could not prepare" in c.args.get("text", ""))
    assert "annual report for 2026/27" in failed.args["text"]
    assert "server closed" not in failed.args["text"]  # the details are for the log
    assert not [c for c in fake.calls("chat.postMessage") if "Annual report" in text_of(c)]
    assert fake.uploads() == [] and audit(db, "annual_report") == []


# -- register export -----------------------------------------------------------------------


ANSWERS = {
    "register_input": "gifts",
    "format_input": "csv",
    "content_input": "public",
}


def test_conduct_export_sends_the_public_csv_to_the_officers_dm(
    nolan: Nolan, fake: FakeSlack, db: Database
) -> None:
    seed(db)
    view = nolan.open_modal("UMO", "/conduct", "export")
    assert view["callback_id"] == "registers_export_form"
    reply = nolan.submit(
        "UMO", view, {**ANSWERS, "date_from_input": "2026-04-01", "date_to_input": "2027-03-31"}
    )
    assert reply == {}  # closes the modal
    [upload] = wait_uploads(fake, "DUMO", 1)
    assert upload.filename == "gifts-register-public-2026-04-01-2027-03-31.csv"
    rows = list(csv.DictReader(io.StringIO(upload.data.decode("utf-8"))))
    assert len(rows) == 4  # the 2025 offer is outside the range
    assert "staff_email" not in rows[0]  # public columns only
    assert {r["offered_by"] for r in rows} >= {"Acme Ltd", "Bidco"}
    note = dm_to(fake, "UMO", lambda c: "Here is the" in c.args.get("text", ""))
    assert "4 rows" in note.args["text"]
    [entry] = audit(db, "exported")
    assert entry["actor_id"] == staff_id(db, "UMO")
    assert (entry["register"], entry["public"], entry["rows"], entry["output"]) == (
        "gifts",
        True,
        4,
        "slack:UMO",
    )


def test_full_xlsx_from_the_home_button(nolan: Nolan, fake: FakeSlack, db: Database) -> None:
    seed(db)
    body = block_actions_form(
        "UHEAD",
        "registers_export",
        "",
        block_id="officer_tools",
        trigger_id=fake.new_trigger_id(),
        container_type="view",
        view={"id": "VHOME", "type": "home", "blocks": []},
    )
    status, _, _ = post(nolan.events_url, body, SECRET)
    assert status == 200
    view = fake.wait_for("views.open").args["view"]
    answers = {**ANSWERS, "register_input": "interests", "format_input": "xlsx"}
    answers["content_input"] = "full"
    assert nolan.submit("UHEAD", view, answers) == {}
    [upload] = wait_uploads(fake, "DUHEAD", 1)
    assert upload.filename == "interests-register-full.xlsx"
    sheet = load_workbook(io.BytesIO(upload.data)).active
    assert sheet is not None
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert "staff_email" in header  # the full register
    assert sheet.max_row == 2  # the header and the one interest
    dm_to(fake, "UHEAD", lambda c: "personal data" in c.args.get("text", ""))


def test_dates_the_wrong_way_round_are_a_field_error(
    nolan: Nolan, fake: FakeSlack, db: Database
) -> None:
    view = nolan.open_modal("UMO", "/conduct", "export")
    reply = nolan.submit(
        "UMO", view, {**ANSWERS, "date_from_input": "2026-05-01", "date_to_input": "2026-04-01"}
    )
    assert reply == {
        "response_action": "errors",
        "errors": {"date_to": "This is before the start date."},
    }
    assert fake.uploads() == [] and audit(db, "exported") == []


def test_staff_cannot_export(nolan: Nolan, fake: FakeSlack, db: Database) -> None:
    _, reply = nolan.command("UALICE", "/conduct", "export")
    assert "Only the monitoring officer and the head of office" in json.loads(reply)["text"]
    fake.assert_no_call("views.open")
    # The Home button, pressed by someone without the role, explains in a modal.
    body = block_actions_form(
        "UALICE",
        "registers_export",
        "",
        block_id="officer_tools",
        trigger_id=fake.new_trigger_id(),
        container_type="view",
        view={"id": "VHOME", "type": "home", "blocks": []},
    )
    post(nolan.events_url, body, SECRET)
    shown = fake.wait_for("views.open").args["view"]
    assert "submit" not in shown and "Only the monitoring officer" in json.dumps(shown)
    assert fake.uploads() == [] and audit(db, "exported") == []


def test_a_form_submitted_by_someone_without_the_role_is_refused(
    nolan: Nolan, fake: FakeSlack, db: Database
) -> None:
    view = nolan.open_modal("UMO", "/conduct", "export")
    reply = nolan.submit("UALICE", view, ANSWERS)
    assert reply["response_action"] == "errors"
    assert "Only the monitoring officer" in reply["errors"]["register"]
    assert fake.uploads() == [] and audit(db, "exported") == []
