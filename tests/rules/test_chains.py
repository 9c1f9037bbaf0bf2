"""Approval chains as settings, and the engine's purpose rules."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.approvals import (
    FINAL_STATUS,
    Chase,
    Purpose,
    Text,
    chase,
    declaration_status,
    outcomes,
    text_problem,
)
from bot.rules.chains import DEFAULT_CHAINS, Seat, format_chain, parse_chain, with_seat
from bot.rules.roles import ApproverRole


def test_default_chains_parse_and_round_trip() -> None:
    for text in DEFAULT_CHAINS.values():
        assert format_chain(parse_chain(text)) == text
    outside = parse_chain(DEFAULT_CHAINS["outside_work"])
    assert [s.role for stage in outside for s in stage] == [
        ApproverRole.LINE_MANAGER,
        ApproverRole.HEAD_OF_OFFICE,
    ]
    notice = parse_chain(DEFAULT_CHAINS["notice"])
    assert len(notice) == 1 and {s.role for s in notice[0]} == {
        ApproverRole.HEAD_OF_OFFICE,
        ApproverRole.VETTING_OFFICER,
    }


@pytest.mark.parametrize(
    "text",
    [
        "",
        "boss:authorise",
        "line_manager",
        "line_manager:approve",
        "line_manager:note+line_manager:note",
    ],
)
def test_bad_chains_are_refused_with_the_part_named(text: str) -> None:
    with pytest.raises(ValueError):
        parse_chain(text)


seats = st.builds(Seat, st.sampled_from(list(ApproverRole)), st.sampled_from(list(Purpose)))


@given(
    st.lists(
        st.lists(seats, min_size=1, max_size=3, unique_by=lambda s: s.role), min_size=1, max_size=4
    )
)
def test_any_chain_round_trips(stages: list[list[Seat]]) -> None:
    chain = tuple(tuple(stage) for stage in stages)
    assert parse_chain(format_chain(chain)) == chain


def test_with_seat_adds_once() -> None:
    chain = parse_chain("line_manager:note")
    mo = Seat(ApproverRole.MONITORING_OFFICER, Purpose.NOTE)
    assert with_seat(with_seat(chain, 0, mo), 0, mo) == ((chain[0][0], mo),)


def test_every_outcome_has_a_final_status_and_refusals_need_reasons() -> None:
    for purpose in Purpose:
        for spec in outcomes(purpose):
            assert spec.outcome in FINAL_STATUS
            assert len(spec.label) <= 75
    assert text_problem("grant", "refused", "  ") is not None
    assert text_problem("grant", "refused", "Conflicts with the role") is None
    assert text_problem("grant", "granted", "") is None
    assert text_problem("recommend", "not_supported", "") is not None
    assert text_problem("note", "action_required", "") is not None
    assert text_problem("grant", "granted", "x" * 1001) is not None
    refused = next(s for s in outcomes("grant") if s.outcome == "refused")
    assert refused.text is Text.REQUIRED and refused.ends


def test_a_chain_only_ends_at_its_last_step_unless_refused() -> None:
    assert declaration_status("recommend", "not_supported", last_step=False) == "pending"
    assert declaration_status("grant", "granted", last_step=True) == "approved"
    assert declaration_status("grant", "refused", last_step=False) == "refused"


def test_chase_counts_working_days_only() -> None:
    friday = date(2026, 11, 20)
    assert chase(friday, date(2026, 11, 24), limit_days=3, reminded=False) is Chase.NOTHING
    assert chase(friday, date(2026, 11, 25), limit_days=3, reminded=False) is Chase.REMIND
    assert chase(friday, date(2026, 11, 25), limit_days=3, reminded=True) is Chase.NOTHING
    assert chase(friday, date(2026, 11, 30), limit_days=3, reminded=True) is Chase.ESCALATE
    # Christmas: 25, 26 (Sat), 28 (Boxing Day substitute) are not working days.
    assert (
        chase(date(2026, 12, 24), date(2026, 12, 30), limit_days=3, reminded=False) is Chase.NOTHING
    )
