"""A declaration's full record with its audit trail, page by page, and the forms that withhold
it from publication or publish it again. Pure: built from plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.rules.status import StepStatus
from bot.rules.withholding import LABEL, Ground
from bot.rules.words import KIND_WORDS
from handlers.approvals.messages import ApprovalCard, card_body
from handlers.registers.ids import (
    NOTE_MAX,
    Action,
    Callback,
    Field,
    RecordMeta,
    WithholdMeta,
    action_id,
)
from handlers.registers.trail import ground_label
from handlers.registers.views import STATUSES, close_only, option
from handlers.text import clip, escape, slack_date
from storage.declarations import Record

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
    return close_only(
        clip(declaration.reference or "Declaration", 24),
        blocks[:100],
        callback_id=Callback.RECORD,
        private_metadata=RecordMeta(declaration_id=declaration.id, trail_page=trail.page).encode(),
    )


# -- withholding -------------------------------------------------------------------------------


def withhold_form(meta: WithholdMeta, reference: str, what: str) -> View:
    grounds = [option(g.value, LABEL[g]) for g in Ground]
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
