"""A register export and the annual report asked for on Slack (issue 10: nothing acknowledged
is lost): owed through the outbox before the answer, made off the request by whichever
worker draws it, then the note and the files sent as one message's parts — a file Slack
refuses said once, one whose upload failed tried again without the note again."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import create_autospec

import pytest
from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlmodel import select

from bot import file_store, making
from bot.outbox import Posted, Worker
from bot.report.annual import FILE as REPORT
from bot.rules.status import OutboxStatus
from bot.usecases.exports import FILE as EXPORT
from handlers.conduct import ConductRequest
from handlers.notifier import Notifier, UploadFailed
from handlers.outgoing import FILE_ATTEMPTS, SlackSender
from handlers.register_export.listeners import submit_export
from handlers.report.listeners import conduct_report
from storage.db import Database
from storage.models import OutboxMessage, Staff
from tests.handlers.env import env_for, turn_for
from tests.usecases.people import SETTINGS, owed, seed

NOW = datetime(2027, 4, 2, 10, 0, tzinfo=UTC)
DM = Posted("DMO", "1700000000.000100")


@pytest.fixture(autouse=True)
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: Database) -> Iterator[Path]:
    where = tmp_path / "files"
    monkeypatch.setattr(file_store, "_root", where)
    making.configure(db, SETTINGS)
    yield where


def export_form(register: str = "gifts", fmt: str = "csv") -> dict[str, Any]:
    def chosen(value: str) -> dict[str, Any]:
        return {"selected_option": {"value": value}}

    values = {
        "register": {"register_input": chosen(register)},
        "format": {"format_input": chosen(fmt)},
        "content": {"content_input": chosen("public")},
    }
    return {"type": "view_submission", "user": {"id": "UMO"}, "view": {"state": {"values": values}}}


def ack_noting(db: Database, card: str) -> Any:
    """An `ack` that notes, each time it is called, whether `card` was owed by then."""
    ack = create_autospec(Ack, instance=True)
    ack.seen = []
    ack.side_effect = lambda *_a, **_k: ack.seen.append([o.card for o in owed(db)] == [card])
    return ack


def slack_notifier(uploaded: list[tuple[str, str, bytes]]) -> Any:
    """Slack's notifier, spec'd: posts go to DM, uploads note their file as it was then."""
    notifier = create_autospec(Notifier, instance=True)
    notifier.dm.return_value = DM
    notifier.post.return_value = DM

    def upload(channel: str, path: Path, *, filename: str, **_: Any) -> None:
        uploaded.append((channel, filename, path.read_bytes()))

    notifier.upload_file.side_effect = upload
    return notifier


def deliver(db: Database, notifier: Notifier, until: Callable[[], bool]) -> None:
    """The outbox's worker, run as the bot runs it, its clock moved on past each retry (a
    file being made asks to be drawn again in a second) until `until`."""
    at = [NOW]
    worker = Worker(
        db,
        SlackSender(db, notifier, policy=SETTINGS.policy, now=lambda: at[0]),
        now=lambda: at[0],
        clock=lambda: at[0].timestamp(),
        sleep=lambda _seconds: None,
    )
    deadline = time.monotonic() + 20
    while not until():
        assert time.monotonic() < deadline, "never delivered"
        worker.run_once()
        at[0] += timedelta(seconds=5)
        time.sleep(0.01)  # the file is made on a thread of its own


def sent(db: Database, card: str) -> Callable[[], bool]:
    """The message for `card` sent; fails at once if it was given up."""

    def check() -> bool:
        with db.session() as session:
            [row] = [r for r in session.exec(select(OutboxMessage)) if card in (r.payload or "")]
        assert row.status != OutboxStatus.DEAD, row.last_error
        return row.status == OutboxStatus.SENT

    return check


def texts(notifier: Any) -> list[str]:
    return [c.args[1].text for c in [*notifier.dm.call_args_list, *notifier.post.call_args_list]]


def officer(db: Database) -> Staff:
    """The monitoring officer, on Slack as UMO."""
    mo = seed(db)["mo"]
    with db.session() as session:
        row = session.get(Staff, mo.id)
        assert row is not None
        row.slack_user_id = "UMO"
        session.commit()
    return mo


def test_an_export_is_owed_before_the_form_closes_and_sent_by_the_outbox(
    db: Database, files: Path
) -> None:
    mo = officer(db)
    ack = ack_noting(db, EXPORT)
    uploaded: list[tuple[str, str, bytes]] = []
    notifier = slack_notifier(uploaded)
    submit_export(turn_for(env_for(db, lambda: NOW, notifier), mo, body=export_form(), ack=ack))
    assert ack.seen == [True]  # committed before the ack: a restart after it loses nothing
    assert not notifier.dm.called and not notifier.upload_file.called  # nothing on the request
    deliver(db, notifier, sent(db, EXPORT))
    [note] = texts(notifier)
    assert note.startswith("Here is the Gifts and hospitality register (for publication)")
    [(channel, filename, data)] = uploaded
    assert (channel, filename) == ("DMO", "gifts-register-public.csv")
    assert "offered_by" in next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert not any(files.iterdir())  # sent: not kept on the server


def test_the_report_is_owed_before_the_answer_and_its_charts_follow_the_message(
    db: Database, files: Path
) -> None:
    mo = officer(db)
    ack = ack_noting(db, REPORT)
    uploaded: list[tuple[str, str, bytes]] = []
    notifier = slack_notifier(uploaded)
    conduct_report(
        ConductRequest(
            ack=ack,
            command={"user_id": "UMO", "text": "report 2026"},
            args=["2026"],
            client=create_autospec(WebClient, instance=True),
            db=db,
            settings=SETTINGS,
            notifier=notifier,
            clock=lambda: NOW,
            actor=mo,
        )
    )
    assert ack.seen == [True]
    deliver(db, notifier, sent(db, REPORT))
    [report] = [c.args[1] for c in notifier.dm.call_args_list]
    assert report.text.startswith("Annual report 2026/27") and report.blocks
    assert [f for _, f, _ in uploaded] == [
        "volumes-2026.png", "decisions-by-month-2026.png", "time-to-decision-2026.png"
    ]
    assert all(data.startswith(b"\x89PNG") for _, _, data in uploaded)
    assert not any(files.iterdir())


def refusal(error: str, status: int = 200) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/files.completeUploadExternal",
        req_args={},
        data={"ok": False, "error": error},
        headers={},
        status_code=status,
    )
    return SlackApiError(f"The request to the Slack API failed: {error}", response)


def test_a_file_slack_refuses_is_said_in_its_place_once(db: Database, files: Path) -> None:
    mo = officer(db)
    notifier = slack_notifier([])
    notifier.upload_file.side_effect = refusal("missing_scope")
    submit_export(turn_for(env_for(db, lambda: NOW, notifier), mo, body=export_form()))
    deliver(db, notifier, sent(db, EXPORT))
    note, refused = texts(notifier)
    assert note.startswith("Here is the")
    assert "Slack did not take the file (missing_scope)" in refused
    assert notifier.upload_file.call_count == 1
    assert notifier.post.call_args.args[0] == "DMO"  # in the DM the note went to
    assert not any(files.iterdir())


@pytest.mark.parametrize(
    "failure", [UploadFailed("connection reset"), refusal("ratelimited", 429),
                refusal("internal_error", 500)]
)
def test_an_upload_that_failed_is_tried_again_without_the_note_again(
    db: Database, files: Path, failure: Exception
) -> None:
    mo = officer(db)
    uploaded: list[tuple[str, str, bytes]] = []
    notifier = slack_notifier(uploaded)
    kept = notifier.upload_file.side_effect
    tries: list[int] = []

    def fails_once(*args: Any, **kwargs: Any) -> None:
        tries.append(1)
        if len(tries) == 1:
            raise failure
        kept(*args, **kwargs)

    notifier.upload_file.side_effect = fails_once
    submit_export(turn_for(env_for(db, lambda: NOW, notifier), mo, body=export_form()))
    deliver(db, notifier, sent(db, EXPORT))
    assert len(texts(notifier)) == 1  # the note once
    assert [f for _, f, _ in uploaded] == ["gifts-register-public.csv"]
    assert len(tries) == 2


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        (UploadFailed("connection reset"), "the upload failed"),
        (refusal("internal_error", 500), "internal_error"),
        (ConnectionRefusedError("no route"), "Slack could not be reached"),
    ],
)
def test_an_upload_that_keeps_failing_is_said_after_the_last_try(
    db: Database, files: Path, failure: Exception, said: str
) -> None:
    mo = officer(db)
    notifier = slack_notifier([])
    notifier.upload_file.side_effect = failure
    submit_export(turn_for(env_for(db, lambda: NOW, notifier), mo, body=export_form()))
    deliver(db, notifier, sent(db, EXPORT))
    note, refused = texts(notifier)
    assert note.startswith("Here is the")
    assert f"Slack did not take the file ({said})" in refused
    assert notifier.upload_file.call_count == FILE_ATTEMPTS
    assert not any(files.iterdir())


def test_a_register_that_could_not_be_read_is_said_instead(
    db: Database, files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mo = officer(db)
    notifier = slack_notifier([])

    def unreadable(*_: Any, **__: Any) -> int:
        raise OSError("disk full")

    monkeypatch.setattr("bot.usecases.exports.write_export", unreadable)
    submit_export(turn_for(env_for(db, lambda: NOW, notifier), mo, body=export_form()))
    deliver(db, notifier, sent(db, EXPORT))
    [said] = texts(notifier)
    assert said.startswith("Nolan could not export the Gifts and hospitality register")
    assert "disk full" not in said and not notifier.upload_file.called
    assert not any(files.iterdir())

