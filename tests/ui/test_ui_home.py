"""The Home as a neutral screen (bot.ui.home), drawn as plain text: every role's content and
buttons, the pagers' payloads, the standing lines."""

from __future__ import annotations

from datetime import date

import pytest

from bot.ui import home_model as model
from bot.ui.home import annual_line, home_screen, unknown_home_screen, vetting_line
from bot.ui.home_model import OPENS_FORM, Action, Elsewhere, Pages, RecordRef
from bot.ui.payload import decode
from bot.ui.plain import screen_text
from bot.ui.screens import Screen
from tests.ui.homes import ROLES, TODAY, Role, full_home


def screen_of(role: Role) -> Screen:
    return home_screen(role.home) if role.home is not None else unknown_home_screen()


@pytest.mark.parametrize("name", list(ROLES))
def test_every_roles_home_says_what_it_should(name: str) -> None:
    role = ROLES[name]
    screen = screen_of(role)
    text = screen_text(screen)
    for words in role.says:
        assert words in text, words
    for words in role.not_says:
        assert words not in text, words
    labels = {b.label for b in screen.buttons()}
    assert set(role.buttons) <= labels, set(role.buttons) - labels
    assert not labels & set(role.no_buttons)
    for label in labels:
        assert f"[{label}]" in text


def test_the_unknown_home_has_no_buttons() -> None:
    assert not unknown_home_screen().buttons()
    assert unknown_home_screen().payload is None


def test_typed_words_are_kept_verbatim_in_plain_text() -> None:
    text = screen_text(screen_of(ROLES["member of staff"]))
    assert "the hospitality from Acme <b>1</b>" in text and "&lt;" not in text
    assert "Approved by Manny Manager on 19 Nov 2026 09:00 UTC" in text


def test_pagers_carry_the_other_lists_pages() -> None:
    screen = home_screen(full_home(Pages(mine=2, waiting=0, longest=1, flags=0)))
    assert screen.payload == Pages(mine=2, waiting=0, longest=1, flags=0)
    paging = [b for b in screen.buttons() if b.id in (Action.MORE, Action.PREVIOUS)]
    pages = [decode(Pages, b.payload.encode()) for b in paging if b.payload]
    assert len(pages) == len(paging)
    assert Pages(mine=3, waiting=0, longest=1, flags=0) in pages
    assert Pages(mine=1, waiting=0, longest=1, flags=0) in pages
    assert Pages(mine=2, waiting=1, longest=1, flags=0) in pages
    assert Pages(mine=2, waiting=0, longest=1, flags=1) in pages


def test_a_record_button_carries_the_bare_id_and_reads_back() -> None:
    buttons = home_screen(full_home()).buttons()
    views = [b for b in buttons if b.id == Elsewhere.RECORD]
    assert len(views) == 20  # own declarations, and flagged ones
    assert views[0].payload is not None and views[0].payload.encode() == "0"
    assert decode(RecordRef, "42") == RecordRef(declaration_id=42)
    assert decode(RecordRef, '{"declaration_id": 42}') == RecordRef(declaration_id=42)


def test_the_buttons_that_open_a_form_are_named() -> None:
    ids = {b.id for b in home_screen(full_home()).buttons()}
    assert Action.DECLARE_GIFT in OPENS_FORM and Elsewhere.SEARCH in OPENS_FORM
    assert Action.MORE not in OPENS_FORM and Action.END_DELEGATION not in OPENS_FORM
    assert {Action.DECLARE_GIFT, Elsewhere.EXPORT, Action.MORE, Action.PREVIOUS} <= ids


def test_a_bad_paging_value_reads_as_the_first_pages() -> None:
    assert Pages.read("not json") == Pages()
    assert Pages.read(None) == Pages()
    assert Pages.read('{"mine": 2}') == Pages(mine=2)


@pytest.mark.parametrize(
    ("days_left", "says"),
    [(200, "is valid until"), (30, "renewal is due"), (0, "renewal is due"), (-3, "lapsed on")],
)
def test_vetting_line(days_left: int, says: str) -> None:
    line = vetting_line(model.Vetting("SC", date(2027, 1, 1), days_left, 90))
    assert says in line and "(SC)" in line


def test_annual_line() -> None:
    due = model.Annual(due=True, answer_by=date(2027, 4, 29))
    assert "is due" in annual_line(due, date(2027, 4, 29))
    late = annual_line(due, date(2027, 4, 30))
    assert "is overdue" in late and "29 April 2027" in late
    done = annual_line(
        model.Annual(due=False, answered="confirmed", next_on=date(2027, 4, 1)), TODAY
    )
    assert done == (
        "This year's annual declaration is made (nothing had changed); "
        "the next is due on 1 April 2027."
    )
    # Not yet asked (joined since the last one): the line still says what is due.
    upcoming = annual_line(model.Annual(due=False, next_on=date(2027, 4, 1)), TODAY)
    assert upcoming == "Your annual declaration: the next is due on 1 April 2027."
    assert annual_line(model.Annual(due=False, answered="updated"), TODAY) == (
        "This year's annual declaration is made (you updated it)."
    )
    assert annual_line(model.Annual(due=False), TODAY) == ""
