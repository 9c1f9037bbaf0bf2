"""Bolt's runner finds each ack as soon as the listener gives it: it never has to look again
10 ms later (bot.app.SettlingExecutor)."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from slack_bolt.listener import thread_runner

from handlers.approvals.ids import decide_action
from storage.models import Staff
from tests.e2e.harness import Clock, Nolan, dm_to
from tests.e2e.test_gifts_flow import declare, has_buttons, hospitality
from tests.fakeslack import FakeSlack


def test_forms_and_presses_are_answered_without_bolts_polling(
    nolan: Nolan,
    fake: FakeSlack,
    clock: Clock,
    org: dict[str, Staff],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looked_again: list[float] = []

    def sleep(seconds: float) -> None:
        looked_again.append(seconds)
        time.sleep(seconds)

    monkeypatch.setattr(thread_runner, "time", SimpleNamespace(time=time.time, sleep=sleep))
    assert declare(nolan, "UALICE", hospitality(clock)) == {}
    card = dm_to(fake, "UMGR", has_buttons)
    status, _ = nolan.press("UMGR", card, decide_action("approved"))
    assert status == 200
    assert looked_again == []
