"""The Home on Teams (bot/teams/home.py): every role's Home as a valid Adaptive Card 1.5 under
Teams' size limit, saying what the plain text says (tests/ui/homes.py), with the same buttons:
forms open in a dialog, decisions and pagers are universal actions whose data reads back."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.rules import approvals as rules
from bot.teams import adaptive
from bot.teams.cards import pressed
from bot.teams.home import PAGE_SIZE, REFRESH, home_card, home_message, screen_card
from bot.ui import home_model
from bot.ui.home import home_screen, unknown_home_screen
from bot.ui.home_model import OPENS_FORM, Action, Elsewhere, Pages, RecordRef
from bot.ui.payload import Decision, decode
from bot.ui.screens import Screen
from tests.schemas import MAX_MESSAGE_BYTES, assert_valid_card
from tests.ui.homes import full_home, own, roles

# The Home's lists are loaded five to a page on Teams (bot.teams.home.PAGE_SIZE).
ROLES = roles(PAGE_SIZE)


def _walk(node: Any, *, into_show_cards: bool = True) -> list[dict[str, Any]]:
    """Every object in a card, depth first (the cards a ShowCard opens too, unless told)."""
    found = []
    if isinstance(node, dict):
        found.append(node)
        for key, value in node.items():
            if key == "card" and not into_show_cards:
                continue
            found += _walk(value, into_show_cards=into_show_cards)
    elif isinstance(node, list):
        for value in node:
            found += _walk(value, into_show_cards=into_show_cards)
    return found


def said(card: dict[str, Any]) -> str:
    """What a reader sees: each text block's words, a rich text block's runs joined, Markdown's
    escapes undone."""
    lines = []
    for node in _walk(card, into_show_cards=False):
        if node.get("type") == "RichTextBlock":
            lines.append("".join(run["text"] for run in node["inlines"]))
        elif node.get("type") == "TextBlock":
            lines.append(re.sub(r"\\(.)", r"\1", node["text"]))
    return "\n".join(lines)


def actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    """The card's buttons (not the confirming ones inside a ShowCard, nor its refresh)."""
    shown = {key: value for key, value in card.items() if key != "refresh"}
    return [
        n
        for n in _walk(shown, into_show_cards=False)
        if str(n.get("type", "")).startswith("Action.") and "title" in n
    ]


def screen_of(name: str) -> Screen:
    home = ROLES[name].home
    return home_screen(home) if home is not None else unknown_home_screen()


@pytest.mark.parametrize("name", list(ROLES))
def test_every_roles_home_is_a_valid_card_saying_what_the_plain_text_says(name: str) -> None:
    role = ROLES[name]
    content = home_card(role.home)
    assert_valid_card(content)
    activity = home_message(role.home)
    assert len(json.dumps(activity).encode()) < MAX_MESSAGE_BYTES
    assert activity["attachments"][0]["content"] == content
    text = said(content)
    for words in role.says:
        assert words in text, words
    for words in role.not_says:
        assert words not in text, words
    titles = [a["title"] for a in actions(content)]
    assert set(role.buttons) <= set(titles), set(role.buttons) - set(titles)
    assert not set(titles) & set(role.no_buttons)
    assert len(titles) == len(screen_of(name).buttons())


@pytest.mark.parametrize("name", list(ROLES))
def test_a_home_card_asks_teams_to_refresh_it_at_its_pages_when_shown(name: str) -> None:
    home = ROLES[name].home
    if home is None:  # someone not in the org chart: nothing to keep current
        assert "refresh" not in home_card(home)
        return
    home = home_model.Home(**{**home.__dict__, "pages": Pages(mine=1, flags=2)})
    refresh = home_card(home)["refresh"]
    assert set(refresh) == {"action"}  # no userIds: Teams runs it for all in a 1:1 chat
    action = refresh["action"]
    assert (action["type"], action["verb"]) == ("Action.Execute", REFRESH)
    press = pressed({"action": action, "trigger": "automatic"})
    assert press is not None and press.action == REFRESH
    assert Pages.read(press.payload) == Pages(mine=1, flags=2)


def test_the_fullest_home_is_cut_to_fit_and_keeps_every_button() -> None:
    home = full_home(size=PAGE_SIZE)
    home = home_model.Home(
        **{
            **home.__dict__,
            "mine": home_model.Page(
                [own(i, what="w" * 900) for i in range(PAGE_SIZE)], 1, PAGE_SIZE, 150
            ),
        }
    )
    content = home_card(home)
    assert_valid_card(content)
    assert len(json.dumps(home_message(home)).encode()) < MAX_MESSAGE_BYTES
    assert len(actions(content)) == len(home_screen(home).buttons())
    assert "Repeated offers" in said(content)  # the flags named, if not explained


def test_the_declare_buttons_open_their_forms_in_a_dialog() -> None:
    content = home_card(ROLES["member of staff"].home)
    dialogs: dict[str, dict[str, Any]] = {}
    for a in actions(content):
        assert a["type"] == "Action.Submit"  # every button here opens a form
        dialogs.setdefault(a["data"][adaptive.ACTION_KEY], a)
    for action_id in (
        Action.DECLARE_GIFT,
        Action.DECLARE_INTEREST,
        Action.ASK_OUTSIDE_WORK,
        Action.NOTIFY,
        Elsewhere.RECORD,
    ):
        action = dialogs[action_id]
        assert action["data"]["msteams"] == {"type": "task/fetch"}
        # What the dialog's task/fetch invoke reads: the button, and its payload.
        press = pressed({"data": action["data"]})
        assert press is not None and press.action == action_id
    view = pressed({"data": dialogs[Elsewhere.RECORD]["data"]})
    assert view is not None and decode(RecordRef, view.payload) == RecordRef(declaration_id=1)


def test_every_button_that_opens_a_form_is_a_dialog_and_no_other() -> None:
    screen = home_screen(full_home(size=PAGE_SIZE))
    by_title: dict[str, set[str]] = {}
    for action in actions(screen_card(screen)):
        by_title.setdefault(action["title"], set()).add(action["type"])
    for button in screen.buttons():
        kinds = by_title[button.label]
        if button.id in OPENS_FORM or button.label.endswith("…"):
            assert kinds == {"Action.Submit"}, button
        else:
            assert "Action.Submit" not in kinds, button


@pytest.mark.parametrize("purpose", list(rules.Purpose))
def test_decisions_are_the_approval_cards_own_buttons(purpose: str) -> None:
    waiting = home_model.Page([ROLES["deputy"].home.waiting.items[0]], 0, 10, 1)  # type: ignore[union-attr]
    item = waiting.items[0]
    home = home_model.Home(
        name="Dee",
        today=ROLES["deputy"].home.today,  # type: ignore[union-attr]
        mine=home_model.Page([], 0, 10, 0),
        approver=True,
        waiting=home_model.Page(
            [item.__class__(**{**item.__dict__, "purpose": purpose})], 0, 10, 1
        ),
    )
    content = home_card(home)
    for spec in rules.outcomes(purpose):
        want = Decision(step_id=item.step_id, outcome=spec.outcome)
        found = [a for a in actions(content) if a["title"] == spec.label]
        assert len(found) == 1
        action = found[0]
        if spec.text is not rules.Text.NONE:  # a reason or a note: in a dialog
            assert action["type"] == "Action.Submit"
            press = pressed({"data": action["data"]})
        else:
            if action["type"] == "Action.ShowCard":  # asks first, as Slack confirms
                action = action["card"]["actions"][0]
            assert action["type"] == "Action.Execute"
            press = pressed({"action": {"verb": action["verb"], "data": action["data"]}})
        assert press is not None and press.action == f"decide_{spec.outcome}"
        assert decode(Decision, press.payload) == want


def test_pagers_are_universal_actions_carrying_the_pages_to_show() -> None:
    content = home_card(full_home(Pages(mine=2, waiting=0, longest=1, flags=0), PAGE_SIZE))
    pages = []
    for action in actions(content):
        if action["title"] in ("More", "Previous"):
            assert action["type"] == "Action.Execute"
            press = pressed({"action": {"verb": action["verb"], "data": action["data"]}})
            assert press is not None and press.action in (Action.MORE, Action.PREVIOUS)
            pages.append(Pages.read(press.payload))
    assert Pages(mine=3, waiting=0, longest=1, flags=0) in pages
    assert Pages(mine=1, waiting=0, longest=1, flags=0) in pages
    assert Pages(mine=2, waiting=1, longest=1, flags=0) in pages
    assert Pages(mine=2, waiting=0, longest=1, flags=1) in pages


def test_ending_a_delegation_asks_first() -> None:
    content = home_card(ROLES["away, with a deputy"].home)
    end = next(a for a in actions(content) if a["title"] == "End delegation")
    assert end["type"] == "Action.ShowCard"
    assert "comes back to you" in said(end["card"])
    do = end["card"]["actions"][0]
    assert do["type"] == "Action.Execute" and do["verb"] == Action.END_DELEGATION


def test_peoples_words_stay_words() -> None:
    home = ROLES["member of staff"].home
    assert home is not None
    named = home_model.Home(
        **{
            **home.__dict__,
            "name": "**Bold** [x](https://evil.example)",
            "mine": home_model.Page(
                [own(1, waiting_on=("_Manny_ [y](https://evil.example)",))], 0, 10, 1
            ),
        }
    )
    content = home_card(named)
    assert_valid_card(content)
    # No link but Nolan's own: people's words are runs (verbatim) or escaped Markdown.
    links = [n for n in _walk(content["body"]) if "selectAction" in n]
    assert [n["selectAction"]["url"] for n in links] == ["https://example.org/code"]
    assert "](https://evil.example)" not in json.dumps(content["body"]).replace("\\\\]", "")
    assert "Waiting for a decision from _Manny_ [y](https://evil.example)" in said(content)
    assert "Hello, **Bold** [x](https://evil.example)" in said(content)


def test_times_are_shown_in_the_readers_zone() -> None:
    content = home_card(ROLES["member of staff"].home)
    assert "Approved by Manny Manager on {{DATE(2026-11-19T09:00:00Z, SHORT)}}" in said(content)
