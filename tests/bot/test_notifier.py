"""A person's reminder arrives in their working day, in their own time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.notifier import Message, Notifier, next_working_hour
from tests.fakeslack import FakeSlack

MORNING_UTC = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)  # 07:30 in London


def test_within_hours_or_unknown_zone_goes_now() -> None:
    assert next_working_hour(datetime(2026, 11, 20, 10, tzinfo=UTC), "Europe/London") is None
    assert next_working_hour(MORNING_UTC, None) is None
    assert next_working_hour(MORNING_UTC, "Not/AZone") is None


def test_too_early_or_too_late_waits_for_nine_local() -> None:
    assert next_working_hour(MORNING_UTC, "Europe/London") == datetime(
        2026, 11, 20, 9, tzinfo=ZoneInfo("Europe/London")
    )
    # 07:30 UTC is 23:30 the day before in Los Angeles: nine the next morning there.
    assert next_working_hour(MORNING_UTC, "America/Los_Angeles") == datetime(
        2026, 11, 20, 9, tzinfo=ZoneInfo("America/Los_Angeles")
    )


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
        fake.assert_clean()
