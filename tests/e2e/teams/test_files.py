"""Register exports and the annual report for an officer on Teams, end to end: `conduct
export` (or the Home's Export button) opens the form, Nolan makes the file and sends the
file-consent card; Allow uploads it to the OneDrive upload session Teams gives (the fake
checks every range) and the file's card follows; Decline sends nothing; the file never stays
on the server. Once answered, the consent card is replaced in place by what became of the
file, and a press on an old one is answered and uploads nothing. Staff are refused, as on
Slack."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from bot import file_store
from bot.usecases import exports as exports_usecase
from storage.db import Database
from storage.models import AuditEntry, Staff
from tests.e2e.harness import Clock
from tests.e2e.teams.approving import add_manny, declare
from tests.e2e.teams.dialogs import (
    button_data,
    closed_with,
    dialog_of,
    fetch,
    inputs,
    said,
    send_form,
    set_staff,
    staff_id,
    to_chat_of,
)
from tests.e2e.teams.harness import ORG, Person, TeamsNolan, cards_of
from tests.e2e.teams.test_home import actions
from tests.faketeams import FakeTeams
from tests.faketeams.onedrive import CONSENT_TYPE, INFO_TYPE, file_card_problems
from tests.faketeams.server import Call

ALICE, BOB, MO = ORG
EXPORT_BUTTON = "registers_export"
NOT_ALLOWED = "Only the monitoring officer and the head of office can export"


@pytest.fixture(autouse=True)
def files_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "teams-files"
    monkeypatch.setattr(file_store, "_root", root)
    yield root


def attachment_of(call: Call, kind: str) -> dict[str, Any] | None:
    body = call.body if isinstance(call.body, dict) else {}
    found = [a for a in body.get("attachments") or [] if a.get("contentType") == kind]
    if found:
        assert not file_card_problems(found[0]), file_card_problems(found[0])
    return found[0] if found else None


def consent_card(fake: FakeTeams, person: Person, count: int = 1) -> dict[str, Any]:
    """The `count`th file-consent card sent to `person` (its shape checked)."""
    mine = to_chat_of(fake, person)
    call = fake.wait_for(
        "send", lambda c: mine(c) and attachment_of(c, CONSENT_TYPE) is not None,
        timeout=60, count=count,
    )
    card = attachment_of(call, CONSENT_TYPE)
    assert card is not None
    return card


def answer(
    nolan: TeamsNolan, person: Person, card: dict[str, Any], action: str,
    upload_info: dict[str, Any] | None = None,
) -> tuple[int, Any]:
    """Press Allow or Decline on a consent card, as Teams invokes it."""
    context = card["content"]["acceptContext" if action == "accept" else "declineContext"]
    value: dict[str, Any] = {"type": "fileUpload", "action": action, "context": context}
    if upload_info is not None:
        value["uploadInfo"] = upload_info
    return nolan.post(nolan.activity(person, "invoke", name="fileConsent/invoke", value=value))


def consent_replaced(fake: FakeTeams, card: dict[str, Any]) -> Call:
    """The update that replaced the consent card `card` where it was sent."""
    [sent] = [c for c in fake.calls("send") if attachment_of(c, CONSENT_TYPE) == card]
    update = fake.wait_for("update", lambda c: c.activity_id == sent.activity_id)
    assert update.status == 200 and update.conversation_id == sent.conversation_id
    assert attachment_of(update, CONSENT_TYPE) is None  # no Allow, no Decline any more
    assert list(actions(cards_of(update))) == []
    return update


def ask_export(nolan: TeamsNolan, fake: FakeTeams, **answers: Any) -> str:
    """MO types `conduct export`, presses the card's button and sends the form."""
    nolan.say(MO, "conduct export")
    prompt = cards_of(fake.wait_for("send", to_chat_of(fake, MO)))[0]
    [button] = [a for a in actions(prompt) if a["type"] == "Action.Submit"]
    assert button["data"]["_action"] == EXPORT_BUTTON
    form = dialog_of(fetch(nolan, MO, button["data"]))
    assert set(inputs(form)) >= {"register", "format", "content", "date_from", "date_to"}
    assert "press Allow on it to put it in your OneDrive" in json.dumps(form)
    return closed_with(send_form(nolan, MO, form, answers))


def told(fake: FakeTeams, person: Person, words: str) -> str:
    """What Nolan said to `person` in the message that has `words` in it."""
    mine = to_chat_of(fake, person)
    return said(fake.wait_for("send", lambda c: mine(c) and words in said(c)))


def audit(db: Database, action: str) -> list[AuditEntry]:
    with db.session() as session:
        query = select(AuditEntry).where(AuditEntry.action == action)
        return list(session.exec(query.order_by(col(AuditEntry.id))))


def accepted(nolan: TeamsNolan, fake: FakeTeams, card: dict[str, Any]) -> bytes:
    """Allow the file: the invoke answered 200 (the upload follows, through the outbox), the
    file's card in the chat, and by then the bytes complete at the upload URL."""
    info = fake.upload_session(card["name"])
    status, reply = answer(nolan, MO, card, "accept", info)
    assert status == 200 and reply is None
    sent = fake.wait_for("send", lambda c: attachment_of(c, INFO_TYPE) is not None, timeout=30)
    nolan.settle()  # the file removed and the consent card replaced, with "sent"
    data = fake.onedrive.uploaded(info["uploadUrl"])
    assert data is not None and len(data) == card["content"]["sizeInBytes"]
    file_info = attachment_of(sent, INFO_TYPE)
    assert file_info is not None
    assert file_info["contentUrl"] == info["contentUrl"] and file_info["name"] == info["name"]
    assert file_info["content"] == {"uniqueId": info["uniqueId"], "fileType": info["fileType"]}
    return data


def test_an_officer_exports_the_public_csv_to_their_onedrive(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], files_root: Path
) -> None:
    add_manny(fake, db, org)
    declare(nolan, org)
    closed = ask_export(nolan, fake, register="gifts", format="csv", content="public")
    assert "OneDrive" in closed
    card = consent_card(fake, MO)
    assert card["name"] == "gifts-register-public.csv"
    assert "Gifts and hospitality register (for publication): 1 row" in card["content"][
        "description"]
    [entry] = audit(db, "exported")
    detail = json.loads(entry.detail) if isinstance(entry.detail, str) else entry.detail
    assert entry.actor_id == staff_id(db, MO)
    assert detail["output"] == f"teams:staff:{staff_id(db, MO)}" and detail["rows"] == 1
    assert any(files_root.iterdir())  # waiting for the officer's answer

    data = accepted(nolan, fake, card)
    table = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert len(table) == 2 and table[0][0]
    assert not any(files_root.iterdir())  # sent: nothing kept on the server
    assert len(audit(db, "exported")) == 1

    # The card says what happened; a second press on it: nothing is sent twice.
    replaced = consent_replaced(fake, card)
    assert said(replaced) == "Sent to your OneDrive: gifts-register-public.csv"
    uploads = len(fake.calls("upload"))
    status, _ = answer(nolan, MO, card, "accept", fake.upload_session(card["name"]))
    assert status == 200
    again = told(fake, MO, "no longer on Nolan's server")
    assert "answered already (Sent to your OneDrive: gifts-register-public.csv)" in again
    assert len(fake.calls("upload")) == uploads
    nolan.settle()
    assert len(fake.calls("update")) == 1  # the card replaced once


def test_allow_is_answered_at_once_and_the_file_follows_its_upload(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], files_root: Path
) -> None:
    """Teams waits seconds for an invoke's answer; a large register takes longer to upload.
    The press is answered before any byte goes, a second press meanwhile is told the file is
    on its way (and uploads nothing), and the file's card follows the upload."""
    add_manny(fake, db, org)
    declare(nolan, org)
    ask_export(nolan, fake, register="gifts", format="csv", content="public")
    card = consent_card(fake, MO)
    info = fake.upload_session(card["name"])
    fake.onedrive.hold()
    try:
        status, reply = answer(nolan, MO, card, "accept", info)
        assert status == 200 and reply is None
        assert fake.calls("upload") == [] and fake.onedrive.uploaded(info["uploadUrl"]) is None
        status, _ = answer(nolan, MO, card, "accept", fake.upload_session(card["name"]))
        assert status == 200
        words = told(fake, MO, "its card comes in this chat")
        assert "putting gifts-register-public.csv in your OneDrive" in words
        assert [c for c in fake.calls("send") if attachment_of(c, INFO_TYPE)] == []
    finally:
        fake.onedrive.release()
    sent = fake.wait_for("send", lambda c: attachment_of(c, INFO_TYPE) is not None, timeout=30)
    nolan.settle()
    assert fake.onedrive.uploaded(info["uploadUrl"]) is not None
    assert {call.path for call in fake.calls("upload")} == {urlsplit(info["uploadUrl"]).path}
    assert said(consent_replaced(fake, card)) == "Sent to your OneDrive: gifts-register-public.csv"
    assert sent.conversation_id == consent_replaced(fake, card).conversation_id
    assert not any(files_root.iterdir())


def test_an_upload_onedrive_refuses_is_said_and_leaves_nothing(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], files_root: Path
) -> None:
    add_manny(fake, db, org)
    declare(nolan, org)
    ask_export(nolan, fake, register="gifts", format="csv", content="public")
    card = consent_card(fake, MO)
    info = fake.upload_session(card["name"])
    fake.onedrive.sessions[info["uploadUrl"].rsplit("/", 1)[-1]].done = True  # it has ended
    status, _ = answer(nolan, MO, card, "accept", info)
    assert status == 200
    words = told(fake, MO, "could not put")
    assert "gifts-register-public.csv" in words and "OneDrive answered 404" in words
    nolan.settle()
    assert said(consent_replaced(fake, card)).startswith("Not sent: gifts-register-public.csv.")
    assert [c for c in fake.calls("send") if attachment_of(c, INFO_TYPE)] == []
    assert not any(files_root.iterdir())


def test_the_full_xlsx_from_the_home_button(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    add_manny(fake, db, org)
    declare(nolan, org)
    declare(nolan, org)
    nolan.say(MO, "home")
    home = fake.wait_for("send", lambda c: to_chat_of(fake, MO)(c) and any(
        a.get("title") == "Export" for a in actions(cards_of(c))))
    [export] = [a for a in actions(cards_of(home)) if a.get("title") == "Export"]
    form = dialog_of(fetch(nolan, MO, export["data"]))
    send_form(nolan, MO, form, {"register": "gifts", "format": "xlsx", "content": "full"})
    card = consent_card(fake, MO)
    assert card["name"] == "gifts-register-full.xlsx"
    data = accepted(nolan, fake, card)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    assert sheet is not None
    assert len(list(sheet.iter_rows(values_only=True))) == 3  # the header and two rows


def test_declined_sends_nothing_and_keeps_nothing(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, files_root: Path
) -> None:
    ask_export(nolan, fake, register="interests", format="csv", content="public")
    card = consent_card(fake, MO)
    status, reply = answer(nolan, MO, card, "decline")
    assert status == 200 and reply is None
    assert "declined" in told(fake, MO, "not sent")
    assert fake.calls("upload") == []
    assert not any(files_root.iterdir())
    replaced = consent_replaced(fake, card)
    assert said(replaced) == f"Not sent: you declined {card['name']}."
    # Allow pressed on the old card after all: answered, nothing uploaded.
    status, _ = answer(nolan, MO, card, "accept", fake.upload_session(card["name"]))
    assert status == 200
    assert "you declined" in told(fake, MO, "answered already")
    assert fake.calls("upload") == []


def test_dates_the_wrong_way_round_bring_the_form_back(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    form = dialog_of(fetch(nolan, MO, button_data(EXPORT_BUTTON)))
    reply = send_form(nolan, MO, form, {"register": "gifts", "format": "csv",
                                        "content": "public", "date_from": "2026-05-02",
                                        "date_to": "2026-05-01"})
    again = dialog_of(reply)
    assert "This is before the start date." in json.dumps(again)
    assert audit(db, "exported") == []


def test_staff_are_refused_the_export_and_the_report(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, files_root: Path
) -> None:
    nolan.say(ALICE, "conduct export")
    told(fake, ALICE, NOT_ALLOWED)
    assert NOT_ALLOWED in closed_with(fetch(nolan, ALICE, button_data(EXPORT_BUTTON)))
    sent = {"_form": "registers_export_form", "register": "gifts", "format": "csv",
            "content": "full"}
    status, reply = nolan.post(nolan.activity(ALICE, "invoke", name="task/submit",
                                              value={"data": sent}))
    assert status == 200 and NOT_ALLOWED in closed_with(reply)
    nolan.say(ALICE, "conduct report")
    told(fake, ALICE, "Only the monitoring officer and the head of office can have the annual")
    nolan.settle()
    assert audit(db, "exported") == [] and audit(db, "annual_report") == []
    assert not files_root.exists() or not any(files_root.iterdir())


def test_someone_else_cannot_take_an_officers_file(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    ask_export(nolan, fake, register="gifts", format="csv", content="full")
    card = consent_card(fake, MO)
    status, _ = answer(nolan, ALICE, card, "accept", fake.upload_session(card["name"]))
    assert status == 200
    told(fake, ALICE, "made for someone else")
    assert fake.calls("upload") == []
    accepted(nolan, fake, card)  # still the officer's to allow


def test_the_annual_report_as_a_pdf_to_the_officers_onedrive(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    nolan.say(MO, "conduct report 2026")
    told(fake, MO, "Preparing the annual report for 2026/27")
    card = consent_card(fake, MO)
    assert card["name"] == "annual-report-2026.pdf"
    [entry] = audit(db, "annual_report")
    assert entry.actor_id == staff_id(db, MO)
    assert accepted(nolan, fake, card).startswith(b"%PDF")


def test_a_report_year_that_is_not_one_gets_the_usage(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    nolan.say(MO, "conduct report next year")
    told(fake, MO, "conduct report 2026")
    nolan.settle()
    assert audit(db, "annual_report") == []


def test_an_export_that_cannot_be_made_is_said_and_leaves_nothing(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, files_root: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unreadable(*_args: Any, **_kwargs: Any) -> int:
        raise OperationalError("SELECT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(exports_usecase, "write_export", unreadable)
    ask_export(nolan, fake, register="gifts", format="csv", content="public")
    assert "the registers could not be read" in told(fake, MO, "could not export")
    nolan.settle()
    assert not any(c for c in fake.delivered() if attachment_of(c, CONSENT_TYPE))
    assert audit(db, "exported") == [] and not any(files_root.iterdir())


def test_a_file_left_by_a_restart_is_swept_and_said_to_be_gone(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, clock: Clock, files_root: Path
) -> None:
    ask_export(nolan, fake, register="gifts", format="csv", content="full")
    card = consent_card(fake, MO)
    nolan.stop()
    [waiting] = list(files_root.iterdir())
    long_ago = time.time() - file_store.HOLD - 60
    os.utime(waiting, (long_ago, long_ago))
    again = TeamsNolan(fake, db, clock).start()  # its start-up sweeps what waited too long
    try:
        assert not any(files_root.iterdir())
        status, _ = answer(again, MO, card, "accept", fake.upload_session(card["name"]))
        assert status == 200
        told(fake, MO, "no longer on Nolan's server")
        assert fake.calls("upload") == []
        replaced = consent_replaced(fake, card)
        assert said(replaced) == "Not sent: the file is no longer on Nolan's server."
    finally:
        again.stop()


def test_an_officer_who_lost_the_role_cannot_take_the_file(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, files_root: Path
) -> None:
    ask_export(nolan, fake, register="gifts", format="csv", content="full")
    card = consent_card(fake, MO)
    set_staff(db, MO, roles="")
    status, _ = answer(nolan, MO, card, "accept", fake.upload_session(card["name"]))
    assert status == 200
    told(fake, MO, "you no longer hold either role")
    assert fake.calls("upload") == [] and not any(files_root.iterdir())
    assert "Not sent" in said(consent_replaced(fake, card))
