"""The registers' results and record, the neutral screens Slack draws in modals, drawn in a
Teams dialog: every button an Action.Submit carrying its payload and the screen's own, the card
schema-valid and under Teams' size limit however long the record; and as plain text."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from bot.teams import adaptive
from bot.teams.dialog_screens import screen_dialog
from bot.ui.plain import screen_text
from bot.ui.register_views import (
    PAGE_SIZE,
    RecordMeta,
    ResultRow,
    TrailPage,
    Withholding,
    record_screen,
    results_screen,
)
from bot.ui.registers import SearchMeta
from bot.usecases.register_views import record_doc
from handlers.gifts.cards import gift_card
from tests.handlers.test_registers_views import _record
from tests.schemas import MAX_MESSAGE_BYTES, assert_valid_card

AT = datetime(2026, 11, 20, 10, tzinfo=UTC)


def when(at: datetime) -> str:
    return f"{at:%d %b %Y %H:%M}"


def _card(reply: dict[str, Any]) -> dict[str, Any]:
    assert len(json.dumps(reply, separators=(",", ":")).encode()) < MAX_MESSAGE_BYTES
    content = reply["task"]["value"]["card"]["content"]
    assert_valid_card(content)
    return content


def _submits(node: object) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if node.get("type") == "Action.Submit" else []
        return found + [a for v in node.values() for a in _submits(v)]
    if isinstance(node, list):
        return [a for v in node for a in _submits(v)]
    return []


def test_a_long_record_in_a_dialog() -> None:
    record = _record(long=True)
    lines = [(AT, "Reminded " + "y" * 400) for _ in range(25)]
    doc = record_doc(
        record,
        gift_card(record, None, ["history " * 100] * 12),
        TrailPage(lines, page=1, pages=3, total=70),
        withholding=Withholding("personal_safety", "Morgan Monitor", AT, "n" * 1000),
        may_withhold=True,
    )
    screen = record_screen(doc, when)
    content = _card(screen_dialog(screen, title=doc.reference))
    buttons = {a["title"]: a["data"] for a in _submits(content)}
    assert set(buttons) == {"Publish again…", "Earlier entries", "Later entries"}
    assert buttons["Later entries"][adaptive.FORM_KEY] == "registers_trail_page_later"
    assert buttons["Later entries"][adaptive.PAYLOAD_KEY] == "2"
    state = RecordMeta.model_validate_json(buttons["Earlier entries"][adaptive.STATE_KEY])
    assert state == RecordMeta(declaration_id=7, trail_page=1)
    text = screen_text(screen)
    assert "Dee Deputy (deputy for Manny Manager)" in text and "page 2 of 3" in text
    assert "Withheld from publication" in text and "[Publish again…]" in text


def test_a_full_page_of_long_results_in_a_dialog() -> None:
    on = date(2026, 11, 18)
    row = ResultRow(7, "GH-00007", "Alice " * 40, "gift", on, "x" * 3000, "approved", True)
    meta = SearchMeta(offeror="acme " * 20, text="w" * 100)
    screen = results_screen([row] * PAGE_SIZE, meta, offset=20, total=45, person="Alice Able")
    content = _card(screen_dialog(screen))
    titles = [a["title"] for a in _submits(content)]
    assert titles.count("View") == PAGE_SIZE
    assert titles[-3:] == ["Previous", "Next", "Change search"]
    [nxt] = [a["data"] for a in _submits(content) if a["title"] == "Next"]
    assert nxt[adaptive.PAYLOAD_KEY] == "40"
    assert SearchMeta.model_validate_json(nxt[adaptive.STATE_KEY]) == meta
    assert "21–40 of 45" in screen_text(screen)


def test_a_record_opened_from_results_keeps_the_way_back() -> None:
    record = _record()
    doc = record_doc(
        record,
        gift_card(record, None, []),
        TrailPage([(AT, "Declared")], 0, 2, 30),
        withholding=None,
        may_withhold=False,
    )
    search = SearchMeta(text="dinner", offset=20)
    content = _card(screen_dialog(record_screen(doc, when, back=search)))
    buttons = {a["title"]: a["data"] for a in _submits(content)}
    assert (
        SearchMeta.model_validate_json(buttons["Back to the results"][adaptive.PAYLOAD_KEY])
        == search
    )
    state = RecordMeta.model_validate_json(buttons["Later entries"][adaptive.STATE_KEY])
    assert state.search == search  # kept while the trail is paged
    assert "Back to the results" not in str(record_screen(doc, when))
