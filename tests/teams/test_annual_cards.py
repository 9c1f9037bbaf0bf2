"""The annual declaration's Teams cards (bot/ui/annual.py drawn by bot.teams.cards): within
the schema and Teams' size limit however long the registers and the list of who has not
answered, the receipt without buttons, and the words the Slack DM says."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.rules.annual import round_of
from bot.settings import Policy
from bot.teams.cards import adaptive_card
from bot.ui.annual import (
    OPENS_FORM,
    annual_card,
    interest_line,
    not_answered_card,
    recorded_card,
    work_line,
)
from bot.ui.plain import card_text
from tests.schemas import card_problems

ROUND = round_of(2027, (4, 1), 4)
POLICY = Policy()


def test_long_registers_and_long_lists_fit_a_teams_card() -> None:
    interests = [
        interest_line(
            f"INT-{i}", category="financial", organisation="Acme " + "x" * 80,
            description="y" * 400, waiting_for=["Manny Manager"] if i % 3 else None,
        )
        for i in range(40)
    ]
    work = [work_line(f"OW-{i}", role="Coach", organisation="Club", since=date(2020, 9, 1))
            for i in range(30)]
    card = annual_card(name="Alice Able", round_=ROUND, interests=interests, outside_work=work,
                       policy=POLICY, reminder=2)
    drawn = adaptive_card(card, dialogs=OPENS_FORM)
    assert not card_problems(drawn), card_problems(drawn)
    text = card_text(card)
    assert "Reminder 2 of 4" in text and "answer by Thursday 29 April 2027" in text
    assert "…and 28 more: type conduct mine" in text and "waiting for a decision from" in text
    missing = [(f"Person {i} " + "z" * 60, i % 7 != 0) for i in range(5000)]
    listed = not_answered_card(ROUND, expected=6000, confirmed=900, updated=100,
                               missing=missing, final=True, today=date(2027, 4, 30),
                               not_asked="not on Teams: Nolan could not ask them")
    drawn = adaptive_card(listed)
    assert not card_problems(drawn), card_problems(drawn)
    assert "5000 of 6000" in card_text(listed)


def test_the_receipt_has_no_buttons_and_says_what_was_answered() -> None:
    at = datetime(2027, 4, 2, 10, tzinfo=UTC)
    confirmed = recorded_card(year=2027, response="confirmed", name="Alice Able", at=at)
    updated = recorded_card(year=2027, response="updated", name="Alice Able", at=at)
    assert not confirmed.actions and "Nothing has changed" in card_text(confirmed)
    assert "updated your record" in card_text(updated)
    assert not card_problems(adaptive_card(confirmed))
