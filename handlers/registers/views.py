"""The register search form and its paged results, and the small pieces the registers' views
share (handlers.registers.record has a declaration's full record and the withholding forms).
Pure: built from plain values."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
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
from bot.rules.status import DeclarationStatus
from bot.rules.words import KIND_WORDS, STATUS_WORDS
from handlers import replies
from handlers.registers.ids import (
    OFFEROR_MAX,
    TEXT_MAX,
    Action,
    Callback,
    Field,
    SearchMeta,
    action_id,
)
from handlers.text import clip, escape
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
    meta = meta or SearchMeta()
    kinds = [option(k, w) for k, w in KIND_WORDS.items()]
    statuses = [option(k, w) for k, w in STATUSES.items()]

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
