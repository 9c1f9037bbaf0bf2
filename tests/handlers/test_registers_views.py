"""The register views stay within Slack's limits however long a record's trail, and the trail
reads in words."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from handlers.gifts.cards import gift_card
from handlers.registers.ids import SearchMeta
from handlers.registers.record import TrailPage, Withholding, record_view
from handlers.registers.trail import entry_words
from handlers.registers.views import PAGE_SIZE, parse_int, results_view, search_form
from storage.audit import people_in
from storage.declarations import Record
from storage.models import ApprovalStep, AuditEntry, Declaration, GiftOffer, Staff
from storage.search import Hit, Page
from tests.fakeslack.contract import view_problems

AT = datetime(2026, 11, 20, 10, tzinfo=UTC)
ALICE = Staff(id=1, email="a@x.example", name="Alice Able")
MANNY = Staff(id=2, email="m@x.example", name="Manny Manager")
DEPUTY = Staff(id=3, email="d@x.example", name="Dee Deputy")


def _record(long: bool = False) -> Record:
    declaration = Declaration(
        id=7, reference="GH-00007", kind="gift", declarant_id=1, status="approved", created_at=AT
    )
    offer = GiftOffer(
        declaration_id=7,
        kind="hospitality",
        offered_by="Acme Ltd" * (20 if long else 1),
        relationship="contractor",
        description="Dinner " * (400 if long else 1),
        value_pence=8500,
        date_offered=date(2026, 11, 18),
        response="wants_to_accept",
        reason="x" * (2000 if long else 10),
    )
    steps = [
        ApprovalStep(
            id=n,
            declaration_id=7,
            position=n,
            role="line_manager",
            purpose="authorise",
            approver_id=3,
            delegated_from_id=2,
            status="approved",
            decided_by_id=3,
            decided_at=AT,
            reason="Fine " * (200 if long else 1),
        )
        for n in range(1, (30 if long else 1) + 1)
    ]
    return Record(declaration, offer, ALICE, steps, {1: ALICE, 2: MANNY, 3: DEPUTY})


def _ok(view: object) -> dict:
    as_dict = view.to_dict()  # type: ignore[attr-defined]
    assert view_problems(as_dict, "view", "modal") == []
    assert len(as_dict["blocks"]) <= 100
    return as_dict


def test_a_long_record_stays_within_the_limits() -> None:
    record = _record(long=True)
    lines = [(AT, "Reminded " + "y" * 400) for _ in range(25)]
    view = _ok(
        record_view(
            record,
            gift_card(record, None, ["history " * 100] * 12),
            TrailPage(lines, page=1, pages=3, total=70),
            withholding=Withholding("personal_safety", "Morgan Monitor", AT, "n" * 1000),
            may_withhold=True,
        )
    )
    shown = json.dumps(view, ensure_ascii=False)
    assert "page 2 of 3" in shown
    assert "registers_trail_page_earlier" in shown and "registers_trail_page_later" in shown
    assert "registers_republish" in shown and 'registers_withhold"' not in shown
    assert "Dee Deputy (deputy for Manny Manager)" in shown


def test_a_short_record_for_its_declarant() -> None:
    record = _record()
    view = _ok(
        record_view(
            record,
            gift_card(record, None, []),
            TrailPage([(AT, "Declared by Alice Able")], 0, 1, 1),
            withholding=None,
            may_withhold=False,
        )
    )
    shown = json.dumps(view, ensure_ascii=False)
    assert "Declared by Alice Able" in shown and "Withhold" not in shown
    assert "registers_trail_page" not in shown


def test_a_full_results_page_and_the_form() -> None:
    record = _record(long=True)
    hits = [Hit(record.declaration, ALICE, record.detail, date(2026, 11, 18))] * PAGE_SIZE
    meta = SearchMeta(offeror="acme " * 20, text="w" * 100, date_from=date(2026, 1, 1))
    view = _ok(results_view(Page(hits, total=45, offset=20), meta, person="Alice Able"))
    shown = json.dumps(view, ensure_ascii=False)
    assert "21–40 of 45" in shown
    assert "registers_page_previous" in shown and "registers_page_next" in shown
    assert SearchMeta.model_validate_json(view["private_metadata"]) == meta
    assert _ok(search_form(meta))["callback_id"] == "registers_search_form"


def test_trail_entries_in_words() -> None:
    entries = [
        AuditEntry(
            action="routed",
            detail=json.dumps({"approver_id": 3, "purpose": "authorise", "delegated_from": 2}),
        ),
        AuditEntry(
            action="decided",
            actor_id=3,
            detail=json.dumps({"outcome": "declined", "reason": "Too lavish"}),
        ),
        AuditEntry(
            action="escalated", detail=json.dumps({"from_id": 2, "to_id": 3, "working_days": 6})
        ),
        AuditEntry(
            action="withheld",
            actor_id=2,
            detail=json.dumps({"ground": "commercial", "note": "Tender"}),
        ),
        AuditEntry(action="something_new", actor_id=None, detail="not json"),
    ]
    names = {1: "Alice Able", 2: "Manny Manager", 3: "Dee Deputy"}
    assert people_in(entries) == {2, 3}
    assert [entry_words(e, names) for e in entries] == [
        "Sent to Dee Deputy (deputy for Manny Manager) to authorise",
        "Declined by Dee Deputy: Too lavish",
        "Moved up from Manny Manager to Dee Deputy after 6 working days",
        "Withheld from publication by Manny Manager: Commercial confidentiality (FOIA s43)"
        " — Tender",
        "Something new (Nolan)",
    ]


def test_button_values() -> None:
    assert parse_int("12") == 12
    assert parse_int('{"declaration_id": 5}') == 5
    assert parse_int("²") is None and parse_int("") is None and parse_int("{oops") is None
