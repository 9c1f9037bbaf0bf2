"""The register search form, its paged results, a declaration's full record with its audit
trail, and the withhold / publish-again forms. Pure: built from plain values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.rules.gifts import format_pounds
from bot.rules.interests import category_name
from bot.rules.notices import CATEGORY_WORDS, Category
from bot.rules.status import DeclarationStatus, StepStatus
from bot.rules.withholding import LABEL, Ground
from handlers import replies
from handlers.approvals.messages import ApprovalCard, card_body
from handlers.conduct.messages import KIND_WORDS, STATUS_WORDS
from handlers.registers.ids import (
    NOTE_MAX,
    OFFEROR_MAX,
    TEXT_MAX,
    Action,
    Callback,
    Field,
    RecordMeta,
    SearchMeta,
    WithholdMeta,
    action_id,
)
from handlers.registers.trail import ground_label
from handlers.text import clip, escape, slack_date
from storage.declarations import Record
from storage.models import GiftOffer, Interest, Notice, OutsideWork
from storage.search import Hit, Page

# 20 results of one block each, with a header and the buttons: far inside a modal's 100.
PAGE_SIZE = 20
# Audit entries per page of the record view (one line each, grouped into sections).
TRAIL_PAGE_SIZE = 25

STATUSES = {
    **STATUS_WORDS,
    DeclarationStatus.SUPPORTED: "Supported",
    DeclarationStatus.NOT_SUPPORTED: "Not supported",
}


def _option(value: str, text: str) -> Option:
    return Option(value=value, text=clip(text, 75))


def _close_only(title: str, blocks: list[Block], **kwargs: object) -> View:
    return View(
        type="modal",
        title=PlainTextObject(text=clip(title, 24)),
        close=PlainTextObject(text="Close"),
        blocks=blocks,
        **kwargs,  # type: ignore[arg-type]
    )


def notice_view(title: str, text: str) -> View:
    """A modal that only says something (a refusal, say)."""
    return replies.notice_view(text, title, callback_id=Callback.NOTICE)


# -- the search form -----------------------------------------------------------------------


def search_form(meta: SearchMeta | None = None) -> View:
    meta = meta or SearchMeta()
    kinds = [_option(k, w) for k, w in KIND_WORDS.items()]
    statuses = [_option(k, w) for k, w in STATUSES.items()]

    def picked(options: list[Option], value: str | None) -> Option | None:
        return next((o for o in options if o.value == value), None)

    def optional(field: Field, label: str, element: object, hint: str | None = None) -> InputBlock:
        return InputBlock(
            block_id=field.value,
            label=PlainTextObject(text=label),
            element=element,  # type: ignore[arg-type]
            optional=True,
            hint=PlainTextObject(text=hint) if hint else None,
        )

    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text="Search every register: fill in what you know, leave the rest empty. "
                "Each record you open is noted in its audit trail."
            )
        ),
        optional(
            Field.PERSON,
            "Member of staff",
            UserSelectElement(action_id=action_id(Field.PERSON), initial_user=meta.person_slack_id),
        ),
        optional(
            Field.OFFEROR,
            "Offered by",
            PlainTextInputElement(
                action_id=action_id(Field.OFFEROR),
                max_length=OFFEROR_MAX,
                initial_value=meta.offeror or None,
            ),
            "Part of the name of whoever offered a gift or hospitality",
        ),
        optional(
            Field.KIND,
            "Register",
            StaticSelectElement(
                action_id=action_id(Field.KIND),
                options=kinds,
                initial_option=picked(kinds, meta.kind),
            ),
        ),
        optional(
            Field.STATUS,
            "Status",
            StaticSelectElement(
                action_id=action_id(Field.STATUS),
                options=statuses,
                initial_option=picked(statuses, meta.status),
            ),
        ),
        optional(
            Field.DATE_FROM,
            "From",
            DatePickerElement(
                action_id=action_id(Field.DATE_FROM),
                initial_date=meta.date_from.isoformat() if meta.date_from else None,
            ),
            "Gifts and hospitality by the date offered; the rest by the date declared",
        ),
        optional(
            Field.DATE_TO,
            "To",
            DatePickerElement(
                action_id=action_id(Field.DATE_TO),
                initial_date=meta.date_to.isoformat() if meta.date_to else None,
            ),
        ),
        optional(
            Field.TEXT,
            "Words",
            PlainTextInputElement(
                action_id=action_id(Field.TEXT),
                max_length=TEXT_MAX,
                initial_value=meta.text or None,
            ),
            "In the description, organisation, offeror or reference",
        ),
    ]
    return View(
        type="modal",
        callback_id=Callback.SEARCH,
        title=PlainTextObject(text="Search the registers"),
        submit=PlainTextObject(text="Search"),
        close=PlainTextObject(text="Close"),
        blocks=blocks,
    )


# -- the results -----------------------------------------------------------------------------


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


def _criteria_words(meta: SearchMeta, person: str | None) -> str:
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


def results_view(page: Page, meta: SearchMeta, *, person: str | None = None) -> View:
    shown_to = page.offset + len(page.hits)
    count = f"{page.offset + 1}–{shown_to} of {page.total}" if page.total else "Nothing matches"
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=clip(f"*{count}* · {escape(_criteria_words(meta, person))}", 3000)
            )
        )
    ]
    for hit in page.hits:
        declaration = hit.declaration
        status = STATUSES.get(declaration.status, declaration.status)
        if declaration.withheld_at is not None:
            status += " · withheld from publication"
        text = (
            f"*{declaration.reference}* · {escape(hit.declarant.display_name)} · "
            f"{KIND_WORDS.get(declaration.kind, declaration.kind)} · {hit.on:%d %b %Y}\n"
            f"{escape(summary(hit))}\n_{status}_"
        )
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=clip(text, 3000)),
                accessory=ButtonElement(
                    text="View", action_id=Action.RECORD, value=str(declaration.id)
                ),
            )
        )
    buttons = []
    if page.offset > 0:
        buttons.append(
            ButtonElement(
                text="Previous",
                action_id=f"{Action.PAGE}_previous",
                value=str(max(page.offset - PAGE_SIZE, 0)),
            )
        )
    if shown_to < page.total:
        buttons.append(
            ButtonElement(text="Next", action_id=f"{Action.PAGE}_next", value=str(shown_to))
        )
    buttons.append(ButtonElement(text="Change search", action_id=Action.REFINE))
    blocks.append(ActionsBlock(elements=buttons))
    return _close_only(
        "Register search",
        blocks,
        callback_id=Callback.RESULTS,
        private_metadata=meta.encode(),
    )


# -- the record ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Withholding:
    ground: str
    by: str | None
    at: datetime | None
    note: str | None


@dataclass(frozen=True)
class TrailPage:
    lines: list[tuple[datetime, str]]  # this page, oldest first
    page: int
    pages: int
    total: int


def withholding_of(record: Record, by: str | None, note: str | None) -> Withholding | None:
    declaration = record.declaration
    if declaration.withheld_at is None:
        return None
    return Withholding(declaration.withheld_reason or "", by, declaration.withheld_at, note)


def _step_line(record: Record, step_index: int) -> str:
    step = record.steps[step_index]
    who = record.name_of(step.approver_id) or "someone"
    if step.delegated_from_id:
        who += f" (deputy for {record.name_of(step.delegated_from_id) or 'a colleague'})"
    role = step.role.replace("_", " ")
    line = f"*{escape(who)}* · {role}, to {step.purpose}: "
    if step.status == StepStatus.PENDING:
        line += "_waiting_"
        if step.clock_started_at:
            line += f" since {slack_date(step.clock_started_at)}"
    else:
        line += STATUSES.get(step.status, step.status.replace("_", " ").capitalize())
        decider = record.name_of(step.decided_by_id)
        if decider and step.decided_by_id != step.approver_id:
            line += f" by {escape(decider)}"
        if step.decided_at:
            line += f" on {slack_date(step.decided_at)}"
        if step.reason:
            line += f"\n>{escape(clip(step.reason, 500))}"
    return line


def _chunks(lines: list[str], limit: int = 2900) -> list[str]:
    """Lines joined into texts each within a section's 3000 characters."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = clip(line, limit)
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def record_view(
    record: Record,
    card: ApprovalCard,
    trail: TrailPage,
    *,
    withholding: Withholding | None,
    may_withhold: bool,
) -> View:
    declaration = record.declaration
    assert declaration.id is not None
    status = STATUSES.get(declaration.status, declaration.status)
    blocks: list[Block] = [
        HeaderBlock(text=clip(card.heading, 150)),
        SectionBlock(
            text=MarkdownTextObject(
                text=clip(
                    f"*{declaration.reference}* · "
                    f"{KIND_WORDS.get(declaration.kind, declaration.kind)} · declared "
                    f"{slack_date(declaration.created_at)}\n*Status:* {status}",
                    3000,
                )
            )
        ),
    ]
    blocks += card_body(card, max_details=8)
    blocks.append(DividerBlock())
    blocks.append(SectionBlock(text=MarkdownTextObject(text="*Approval steps*")))
    step_lines = [_step_line(record, i) for i in range(len(record.steps))]
    for chunk in _chunks(step_lines or ["_None: it needed no decision._"])[:10]:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk)))

    if withholding is not None or may_withhold:
        blocks.append(DividerBlock())
    if withholding is not None:
        text = f":no_entry_sign: *Withheld from publication* — {ground_label(withholding.ground)}"
        if withholding.by or withholding.at:
            text += "\n" + " ".join(
                p
                for p in (
                    f"by {escape(withholding.by)}" if withholding.by else "",
                    f"on {slack_date(withholding.at)}" if withholding.at else "",
                )
                if p
            )
        if withholding.note:
            text += f"\n>{escape(clip(withholding.note, 1500))}"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(text, 3000))))
    if may_withhold:
        button = (
            ButtonElement(
                text="Publish again…", action_id=Action.REPUBLISH, value=str(declaration.id)
            )
            if withholding is not None
            else ButtonElement(
                text="Withhold from publication…",
                action_id=Action.WITHHOLD,
                value=str(declaration.id),
                style="danger",
            )
        )
        blocks.append(ActionsBlock(elements=[button]))

    blocks.append(DividerBlock())
    heading = "*Audit trail*"
    if trail.pages > 1:
        heading += f" · page {trail.page + 1} of {trail.pages} ({trail.total} entries)"
    blocks.append(SectionBlock(text=MarkdownTextObject(text=heading)))
    lines = [f"{slack_date(at)} · {escape(words)}" for at, words in trail.lines]
    for chunk in _chunks(lines or ["_No entries._"])[:20]:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
    paging = []
    if trail.page > 0:
        paging.append(
            ButtonElement(
                text="Earlier entries",
                action_id=f"{Action.TRAIL_PAGE}_earlier",
                value=str(trail.page - 1),
            )
        )
    if trail.page + 1 < trail.pages:
        paging.append(
            ButtonElement(
                text="Later entries",
                action_id=f"{Action.TRAIL_PAGE}_later",
                value=str(trail.page + 1),
            )
        )
    if paging:
        blocks.append(ActionsBlock(elements=paging))
    return _close_only(
        clip(declaration.reference or "Declaration", 24),
        blocks[:100],
        callback_id=Callback.RECORD,
        private_metadata=RecordMeta(declaration_id=declaration.id, trail_page=trail.page).encode(),
    )


# -- withholding -------------------------------------------------------------------------------


def withhold_form(meta: WithholdMeta, reference: str, what: str) -> View:
    grounds = [_option(g.value, LABEL[g]) for g in Ground]
    return View(
        type="modal",
        callback_id=Callback.WITHHOLD,
        private_metadata=meta.encode(),
        title=PlainTextObject(text="Withhold"),
        submit=PlainTextObject(text="Withhold"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(
                        f"*{reference}* · {escape(what)}\nThe published register leaves it out "
                        "and says only how many entries were withheld, and on what ground.",
                        3000,
                    )
                )
            ),
            InputBlock(
                block_id=Field.GROUND,
                label=PlainTextObject(text="Ground"),
                element=StaticSelectElement(action_id=action_id(Field.GROUND), options=grounds),
            ),
            InputBlock(
                block_id=Field.NOTE,
                label=PlainTextObject(text="Why, for the record"),
                hint=PlainTextObject(text="Kept in the audit trail; never published."),
                element=PlainTextInputElement(
                    action_id=action_id(Field.NOTE), multiline=True, max_length=NOTE_MAX
                ),
            ),
        ],
    )


def republish_form(meta: WithholdMeta, reference: str, ground: str) -> View:
    return View(
        type="modal",
        callback_id=Callback.REPUBLISH,
        private_metadata=meta.encode(),
        title=PlainTextObject(text="Publish again"),
        submit=PlainTextObject(text="Publish again"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(
                        f"*{reference}* is withheld from publication ({ground_label(ground)}). "
                        "Published again, it appears in the next published register.",
                        3000,
                    )
                )
            ),
            InputBlock(
                block_id=Field.REASON,
                label=PlainTextObject(text="Why it can be published now"),
                element=PlainTextInputElement(
                    action_id=action_id(Field.REASON), multiline=True, max_length=NOTE_MAX
                ),
            ),
        ],
    )


def parse_int(raw: str | None) -> int | None:
    """A button's number; a declaration id may also come as {"declaration_id": n} (the
    DeclarationRef of /conduct mine)."""
    text = (raw or "").strip()
    if text.isascii() and text.isdigit():
        return int(text)
    if text.startswith("{"):
        try:
            found = json.loads(text).get("declaration_id")
        except (ValueError, AttributeError):
            return None
        return found if isinstance(found, int) else None
    return None
