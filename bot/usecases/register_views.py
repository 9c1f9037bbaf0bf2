"""The registers' search results and a declaration's record as the plain rows the neutral
screens are drawn from (bot.ui.register_views): storage's rows and the use cases' outcomes
(bot.usecases.registers) put into the register's words."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from bot.rules.gifts import format_pounds
from bot.rules.interests import category_name
from bot.rules.notices import CATEGORY_WORDS, Category
from bot.settings import Settings
from bot.ui.approval import ApprovalCard, approval_card
from bot.ui.register_views import (
    PAGE_SIZE,
    TRAIL_PAGE_SIZE,
    RecordDoc,
    ResultRow,
    StepRow,
    TrailPage,
    Withholding,
    results_screen,
)
from bot.ui.registers import SearchMeta
from bot.ui.screens import Screen
from bot.ui.text import clip
from bot.usecases.kinds import kind_of
from bot.usecases.registers import Viewed, search_registers, view_record
from bot.usecases.trail_words import entry_words
from storage.db import Database
from storage.declarations import Record
from storage.models import GiftOffer, Interest, Notice, OutsideWork, Staff
from storage.search import Criteria, Hit, Page


def summary(hit: Hit) -> str:
    """A declaration in a line, in the register's words (third person, for officers)."""
    detail = hit.detail
    if isinstance(detail, GiftOffer):
        noun = "Hospitality" if detail.kind == "hospitality" else "Gift"
        return (
            f"{noun} from {detail.offered_by}: {clip(detail.description, 120)} "
            f"({format_pounds(detail.value_pence)})"
        )
    if isinstance(detail, Interest):
        where = f" in {detail.organisation}" if detail.organisation else ""
        return (
            f"{category_name(detail.category).capitalize()}{where}: {clip(detail.description, 120)}"
        )
    if isinstance(detail, OutsideWork):
        return f"Outside work as {clip(detail.role, 80)} for {clip(detail.organisation, 80)}"
    if isinstance(detail, Notice):
        try:
            return f"Notification: {CATEGORY_WORDS[Category(detail.category)]}"
        except ValueError:
            return f"Notification: {detail.category}"
    return ""


def result_rows(page: Page) -> list[ResultRow]:
    return [
        ResultRow(
            declaration_id=hit.declaration.id or 0,
            reference=hit.declaration.reference or "",
            declarant=hit.declarant.display_name,
            kind=hit.declaration.kind,
            on=hit.on,
            summary=summary(hit),
            status=hit.declaration.status,
            withheld=hit.declaration.withheld_at is not None,
        )
        for hit in page.hits
    ]


def criteria_of(meta: SearchMeta) -> Criteria:
    """The search's criteria: the fields of the same names the results view carries."""
    return Criteria(**{f.name: getattr(meta, f.name) for f in dataclasses.fields(Criteria)})


def searched(
    db: Database,
    *,
    actor: Staff | None,
    meta: SearchMeta,
    settings: Settings,
    person_unknown: bool = False,
) -> Screen:
    """The page of results the search `meta` asks for (bot.usecases.registers.search_registers:
    Refused, with every field found wrong, where it may not be)."""
    found = search_registers(
        db,
        actor=actor,
        criteria=criteria_of(meta),
        person_unknown=person_unknown,
        settings=settings,
        offset=max(meta.offset, 0),  # a forged page can't ask for a negative one
        limit=PAGE_SIZE,
    )
    page = found.page
    rows = result_rows(page)
    return results_screen(
        rows, meta, offset=page.offset, total=page.total, person=found.person_name
    )


def _steps(record: Record) -> list[StepRow]:
    rows = []
    for step in record.steps:
        decider = record.name_of(step.decided_by_id)
        rows.append(
            StepRow(
                approver=record.name_of(step.approver_id) or "someone",
                deputy_for=(
                    (record.name_of(step.delegated_from_id) or "a colleague")
                    if step.delegated_from_id
                    else None
                ),
                role=step.role,
                purpose=step.purpose,
                status=step.status,
                since=step.clock_started_at,
                decider=decider if decider and step.decided_by_id != step.approver_id else None,
                decided_at=step.decided_at,
                reason=step.reason,
            )
        )
    return rows


def withholding_of(record: Record, by: str | None, note: str | None) -> Withholding | None:
    declaration = record.declaration
    if declaration.withheld_at is None:
        return None
    return Withholding(declaration.withheld_reason or "", by, declaration.withheld_at, note)


def record_doc(
    record: Record,
    card: ApprovalCard,
    trail: TrailPage,
    *,
    withholding: Withholding | None,
    may_withhold: bool,
) -> RecordDoc:
    declaration = record.declaration
    assert declaration.id is not None
    return RecordDoc(
        declaration_id=declaration.id,
        reference=declaration.reference or "",
        kind=declaration.kind,
        declared_at=declaration.created_at,
        status=declaration.status,
        card=approval_card(card),
        steps=_steps(record),
        trail=trail,
        withholding=withholding,
        may_withhold=may_withhold,
    )


def seen_doc(db: Database, seen: Viewed) -> RecordDoc:
    """The record as bot.usecases.registers.view_record let its viewer see it: the
    declaration's card with the flags they may see and related history, and its trail in
    words (the officers' notes on publication for the register keepers only)."""
    record = seen.record
    kind = kind_of(record.declaration.kind)
    with db.session() as session:
        history = kind.history(session, record)
    card = dataclasses.replace(kind.card(record, None, history), flags=seen.flags)
    trail = seen.trail
    lines = [(e.at, entry_words(e, trail.names, officer=seen.officer)) for e in trail.entries]
    return record_doc(
        record,
        card,
        TrailPage(lines, trail.page, trail.pages, trail.total),
        withholding=withholding_of(record, seen.withheld_by, trail.note),
        may_withhold=seen.may_withhold,
    )


def viewed_doc(
    db: Database,
    *,
    actor: Staff | None,
    declaration_id: int | None,
    settings: Settings,
    now: datetime,
    trail_page: int = 0,
    audited: bool = True,
) -> RecordDoc:
    """view_record (Refused where the actor may not see it) as the record's document."""
    seen = view_record(
        db,
        actor=actor,
        declaration_id=declaration_id,
        settings=settings,
        now=now,
        trail_page=trail_page,
        trail_size=TRAIL_PAGE_SIZE,
        audited=audited,
    )
    return seen_doc(db, seen)
