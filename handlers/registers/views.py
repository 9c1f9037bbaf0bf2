"""The register search form and its paged results drawn for Slack, and the small pieces the
registers' views share (handlers.registers.record has a declaration's full record and the
withholding forms). The results are the neutral screen bot.ui.register_views.results_screen."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import Block, Option, PlainTextObject
from slack_sdk.models.views import View

from bot.ui import registers as registers_ui
from bot.ui.register_views import PAGE_SIZE as PAGE_SIZE
from bot.ui.register_views import TRAIL_PAGE_SIZE as TRAIL_PAGE_SIZE
from bot.ui.register_views import results_screen
from bot.ui.registers import STATUSES as STATUSES
from bot.ui.screens import Screen
from bot.usecases.register_views import result_rows
from bot.usecases.register_views import summary as summary
from handlers import replies, slack_ui
from handlers.registers.ids import Callback, SearchMeta
from handlers.text import clip
from storage.search import Page


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


def search_form(meta: SearchMeta | None = None) -> View:
    return slack_ui.modal(registers_ui.search_form(meta))


def results_modal(screen: Screen) -> View:
    """A page of results (bot.ui.register_views.results_screen) in a modal that carries the
    search for paging and "Change search"."""
    blocks = [b for section in screen.sections for b in slack_ui.parts_blocks(section.parts)]
    metadata = screen.payload.encode() if screen.payload else None
    return close_only(screen.title, blocks, callback_id=Callback.RESULTS, private_metadata=metadata)


def results_view(page: Page, meta: SearchMeta, *, person: str | None = None) -> View:
    rows = result_rows(page)
    return results_modal(
        results_screen(rows, meta, offset=page.offset, total=page.total, person=person)
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
