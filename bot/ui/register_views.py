"""The registers' search results and a declaration's record with its audit trail, described
once as screens (bot.ui.screens) from plain rows (bot.usecases.register_views fills them in):
Slack draws them in modals, Teams in dialogs, the plain renderer as text.

A time inside a line (a step's decision, an audit entry) is written by the platform's `when`
(Slack: a date each reader sees in their own zone; Teams: the office's), since marked text
has no time of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.rules.status import StepStatus
from bot.rules.words import KIND_WORDS
from bot.ui.cards import Button, Card, Style
from bot.ui.forms import Note
from bot.ui.home_model import Elsewhere, RecordRef
from bot.ui.payload import BareNumber, Payload
from bot.ui.registers import STATUSES, SearchMeta
from bot.ui.screens import Buttons, CardBody, Entry, Part, Screen, Section
from bot.ui.text import clip, escape
from bot.ui.withholding import ground_label

# 20 results of one block each, with a header and the buttons: far inside a Slack modal's 100
# blocks and, on Teams, a dialog card's 28 KB whatever the texts (each is cut to fit).
PAGE_SIZE = 20
# Audit entries per page of the record view (one line each, grouped into sections).
TRAIL_PAGE_SIZE = 25
RECORD_SECTION_MAX = 8  # the declaration's longer texts shown on the record


class Action(StrEnum):
    """The buttons of the results and the record (Slack: action ids; Teams: the dialog's)."""

    SEARCH = Elsewhere.SEARCH.value  # the officers' Home button: open the search form
    RECORD = Elsewhere.RECORD.value  # "View": payload RecordRef
    PAGE = "registers_page"  # Next / Previous in the results: payload Number (the offset)
    REFINE = "registers_refine"  # back from the results to the form, filled in
    TRAIL_PAGE = "registers_trail_page"  # earlier / later audit entries: payload Number
    WITHHOLD = "registers_withhold"  # payload RecordRef
    BACK = "registers_back"  # from a record to the results it was opened from: SearchMeta
    REPUBLISH = "registers_republish"  # payload RecordRef


class Number(BareNumber):
    """A page's number or a list's offset; on the wire the bare number ("20")."""

    n: int


class RecordMeta(Payload):
    """The record view: which declaration, which page of its audit trail."""

    declaration_id: int
    trail_page: int = 0
    search: SearchMeta | None = None  # the results it was opened from, where there is no stack


When = Callable[[datetime], str]


# -- the results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    declaration_id: int
    reference: str
    declarant: str
    kind: str  # the declaration's kind (bot.rules.words.KIND_WORDS)
    on: date  # offered (gifts) or declared
    summary: str  # the declaration in a line, in the register's words
    status: str  # the declaration's
    withheld: bool


def criteria_words(meta: SearchMeta, person: str | None) -> str:
    parts = []
    if person:
        parts.append(f"member of staff {person}")
    if meta.offeror:
        parts.append(f"offered by “{meta.offeror}”")
    if meta.kind:
        parts.append(KIND_WORDS.get(meta.kind, meta.kind).lower())
    if meta.status:
        parts.append(STATUSES.get(meta.status, meta.status).lower())
    if meta.date_from:
        parts.append(f"from {meta.date_from:%d %b %Y}")
    if meta.date_to:
        parts.append(f"to {meta.date_to:%d %b %Y}")
    if meta.text:
        parts.append(f"words “{meta.text}”")
    return ", ".join(parts) or "everything"


def _result(row: ResultRow) -> Entry:
    status = STATUSES.get(row.status, row.status)
    if row.withheld:
        status += " · withheld from publication"
    return Entry(
        text=(
            f"*{row.reference}* · {escape(row.declarant)} · "
            f"{KIND_WORDS.get(row.kind, row.kind)} · {row.on:%d %b %Y}\n{escape(row.summary)}"
        ),
        status=status,
        button=Button(Action.RECORD, "View", payload=RecordRef(declaration_id=row.declaration_id)),
    )


def results_screen(
    rows: list[ResultRow],
    meta: SearchMeta,
    *,
    offset: int,
    total: int,
    person: str | None = None,
    page_size: int = PAGE_SIZE,
) -> Screen:
    """One page of results: how many and what was asked, each result with its "View", and
    the buttons to the pages either side and back to the form. Its payload is the search."""
    shown_to = offset + len(rows)
    count = f"{offset + 1}–{shown_to} of {total}" if total else "Nothing matches"
    parts: list[Part] = [
        Note(clip(f"*{count}* · {escape(criteria_words(meta, person))}", 3000)),
        *(_result(row) for row in rows),
    ]
    buttons = []
    if offset > 0:
        back = Number(n=max(offset - page_size, 0))
        buttons.append(Button(f"{Action.PAGE}_previous", "Previous", payload=back))
    if shown_to < total:
        buttons.append(Button(f"{Action.PAGE}_next", "Next", payload=Number(n=shown_to)))
    buttons.append(Button(Action.REFINE, "Change search"))
    parts.append(Buttons(tuple(buttons)))
    return Screen("Register search", (Section(parts=tuple(parts)),), payload=meta)


# -- the record --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepRow:
    approver: str
    deputy_for: str | None  # whose step a deputy holds
    role: str
    purpose: str
    status: str
    since: datetime | None  # waiting since
    decider: str | None  # who decided, where not the approver
    decided_at: datetime | None
    reason: str | None


@dataclass(frozen=True)
class Withholding:
    ground: str
    by: str | None
    at: datetime | None
    note: str | None


@dataclass(frozen=True)
class TrailPage:
    lines: list[tuple[datetime, str]]  # this page, oldest first: when, and what in words
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class RecordDoc:
    """A declaration's record as its viewer may see it."""

    declaration_id: int
    reference: str
    kind: str
    declared_at: datetime
    status: str
    card: Card  # what the declaration says, as its approval card shows it
    steps: list[StepRow]
    trail: TrailPage
    withholding: Withholding | None
    may_withhold: bool


def step_line(step: StepRow, when: When) -> str:
    who = step.approver
    if step.deputy_for is not None:
        who += f" (deputy for {step.deputy_for})"
    line = f"*{escape(who)}* · {step.role.replace('_', ' ')}, to {step.purpose}: "
    if step.status == StepStatus.PENDING:
        line += "_waiting_"
        if step.since:
            line += f" since {when(step.since)}"
        return line
    line += STATUSES.get(step.status, step.status.replace("_", " ").capitalize())
    if step.decider:
        line += f" by {escape(step.decider)}"
    if step.decided_at:
        line += f" on {when(step.decided_at)}"
    if step.reason:
        line += f"\n>{escape(clip(step.reason, 500))}"
    return line


def chunks(lines: list[str], limit: int = 2900) -> list[str]:
    """Lines joined into texts each within a Slack section's 3000 characters."""
    joined: list[str] = []
    current = ""
    for line in lines:
        line = clip(line, limit)
        if current and len(current) + 1 + len(line) > limit:
            joined.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        joined.append(current)
    return joined


def _withholding(record: RecordDoc, when: When) -> list[Part]:
    parts: list[Part] = []
    held = record.withholding
    if held is not None:
        text = f":no_entry_sign: *Withheld from publication* — {ground_label(held.ground)}"
        if held.by or held.at:
            said = (
                f"by {escape(held.by)}" if held.by else "",
                f"on {when(held.at)}" if held.at else "",
            )
            text += "\n" + " ".join(p for p in said if p)
        if held.note:
            text += f"\n>{escape(clip(held.note, 1500))}"
        parts.append(Note(clip(text, 3000)))
    if record.may_withhold:
        ref = RecordRef(declaration_id=record.declaration_id)
        button = (
            Button(Action.REPUBLISH, "Publish again…", payload=ref)
            if held is not None
            else Button(Action.WITHHOLD, "Withhold from publication…", ref, Style.DANGER)
        )
        parts.append(Buttons((button,)))
    return parts


def _trail(trail: TrailPage, when: When) -> list[Part]:
    heading = "*Audit trail*"
    if trail.pages > 1:
        heading += f" · page {trail.page + 1} of {trail.pages} ({trail.total} entries)"
    lines = [f"{when(at)} · {escape(words)}" for at, words in trail.lines]
    parts: list[Part] = [Note(heading), *(Note(c) for c in chunks(lines or ["_No entries._"])[:20])]
    paging = []
    if trail.page > 0:
        earlier = Number(n=trail.page - 1)
        paging.append(Button(f"{Action.TRAIL_PAGE}_earlier", "Earlier entries", payload=earlier))
    if trail.page + 1 < trail.pages:
        later = Number(n=trail.page + 1)
        paging.append(Button(f"{Action.TRAIL_PAGE}_later", "Later entries", payload=later))
    if paging:
        parts.append(Buttons(tuple(paging)))
    return parts


def record_screen(record: RecordDoc, when: When, *, back: SearchMeta | None = None) -> Screen:
    """The record: what was declared and where it stands, its approval steps, whether it is
    withheld from publication (and, for a register keeper, the button to change that), and a
    page of its audit trail. Its payload says which record and which page. `back`: the
    search whose results it replaced (a Teams dialog has no stack of views, as Slack's
    modals have): a button back to them."""
    status = STATUSES.get(record.status, record.status)
    opening = (
        f"*{record.reference}* · {KIND_WORDS.get(record.kind, record.kind)} · declared "
        f"{when(record.declared_at)}\n*Status:* {status}"
    )
    steps = [step_line(s, when) for s in record.steps]
    sections = [
        Section(parts=(Note(clip(opening, 3000)), CardBody(record.card, RECORD_SECTION_MAX))),
        Section(
            parts=(
                Note("*Approval steps*"),
                *(Note(c) for c in chunks(steps or ["_None: it needed no decision._"])[:10]),
            )
        ),
    ]
    if record.withholding is not None or record.may_withhold:
        sections.append(Section(parts=tuple(_withholding(record, when))))
    sections.append(Section(parts=tuple(_trail(record.trail, when))))
    if back is not None:
        to_results = Button(Action.BACK, "Back to the results", payload=back)
        sections.append(Section(parts=(Buttons((to_results,)),)))
    meta = RecordMeta(
        declaration_id=record.declaration_id, trail_page=record.trail.page, search=back
    )
    return Screen(clip(record.card.title, 150), tuple(sections), payload=meta)
