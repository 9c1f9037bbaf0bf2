"""The Teams digest card at its largest: valid Adaptive Cards 1.5 under Teams' size limit,
the oldest items with their decision buttons, the rest counted, people's words verbatim."""

from __future__ import annotations

import json
from datetime import date

from bot.rules import approvals as rules
from bot.rules.approvals import Purpose
from bot.teams.waiting import digest_card
from bot.ui.waiting import DIGEST_LIMIT, DigestItem
from tests.schemas import card_problems


def item(i: int, purpose: str = Purpose.AUTHORISE) -> DigestItem:
    return DigestItem(
        step_id=i,
        reference=f"GH-{i:05d}",
        purpose=purpose,
        what="the hospitality from <Acme> & Sons: " + "dinner " * 40,
        declarant=f"Member {i} <@U1>",
        waiting_since=date(2026, 11, 2),
        working_days=15,
        escalates_on=date(2026, 11, 30),
        next_name="Harriet Head",
        reminder=i % 2 == 0,
        deputy_for="Manny Manager" if i % 3 == 0 else None,
    )


def test_a_long_digest_fits_teams_and_says_how_many_more() -> None:
    n = DIGEST_LIMIT + 15
    card = digest_card(
        [item(i, p) for i, p in zip(range(1, n + 1), list(Purpose) * n, strict=False)]
    )
    assert card_problems(card) == []
    text = json.dumps(card, ensure_ascii=False)
    shown = text.count('"type": "ActionSet"')
    assert 0 < shown <= DIGEST_LIMIT
    assert f"…and {n - shown} more waiting for you" in text
    assert "<Acme> & Sons" in text and "<@U1>" in text  # verbatim runs, no markup
    assert "&lt;" not in text


def test_every_purposes_buttons_are_on_its_item() -> None:
    for purpose in Purpose:
        card = digest_card([item(1, purpose)])
        assert card_problems(card) == []
        text = json.dumps(card)
        for spec in rules.outcomes(purpose):
            assert f"decide_{spec.outcome}" in text
