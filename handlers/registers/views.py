"""The register search form and its paged results, and the small pieces the registers' views
share (handlers.registers.record has a declaration's full record and the withholding forms).
Pure: built from plain values."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.rules.gifts import format_pounds
from bot.rules.interests import category_name
from bot.rules.notices import CATEGORY_WORDS, Category
from bot.rules.words import KIND_WORDS
from bot.ui import registers as registers_ui
from bot.ui.registers import STATUSES
from handlers import replies, slack_ui
from handlers.registers.ids import (
    Action,
    Callback,
    SearchMeta,
)
from handlers.text import clip, escape
from storage.models import GiftOffer, Interest, Notice, OutsideWork
from storage.search import Hit, Page

# 20 results of one block each, with a header and the buttons: far inside a modal's 100.
PAGE_SIZE = 20
# Audit entries per page of the record view (one line each, grouped into sections).
TRAIL_PAGE_SIZE = 25


def option(value: str, text: str) -> Option:
    return Option(value=value, text=clip(text, 75))


def close_only(title: str, blocks: list[Block], **kwargs: object) -> View:
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
    return slack_ui.modal(registers_ui.search_form(meta))


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
    return close_only(
        "Register search",
        blocks,
        callback_id=Callback.RESULTS,
        private_metadata=meta.encode(),
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
