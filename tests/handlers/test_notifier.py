"""A person's reminder arrives in their working day, in their own time zone: Slack schedules
it (the hour itself: tests/rules/test_calendar.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from handlers.notifier import Message, Notifier
from tests.fakeslack import FakeSlack

MORNING_UTC = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)  # 07:30 in London


def test_dm_in_hours_schedules_through_slack() -> None:
    with FakeSlack() as fake:
        notifier = Notifier(WebClient(token="xoxb-t", base_url=fake.api_url))
        message = Message(text="Your vetting clearance expires in 30 days.")
        assert (
            notifier.dm_in_hours(
                "UALICE", message, tz="Asia/Tokyo", now=datetime(2026, 11, 20, 3, tzinfo=UTC)
            )
            is not None
        )
        assert notifier.dm_in_hours("UALICE", message, tz="Europe/London", now=MORNING_UTC) is None
        scheduled = fake.wait_for("chat.scheduleMessage")
        assert scheduled.args["post_at"] == int(
            datetime(2026, 11, 20, 9, tzinfo=ZoneInfo("Europe/London")).timestamp()
        )
        # To her id, her DM with Nolan: no conversations.open (Tier 3) for each one scheduled.
        assert scheduled.args["channel"] == "UALICE" and fake.calls("conversations.open") == []
        fake.assert_clean()
