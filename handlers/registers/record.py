"""A declaration's full record with its audit trail, page by page (the neutral screen
bot.ui.register_views.record_screen drawn in a Slack modal), and the forms that withhold it
from publication or publish it again."""

from __future__ import annotations

from slack_sdk.models.views import View

from bot.ui import withholding
from bot.ui.approval import ApprovalCard
from bot.ui.register_views import RecordDoc, record_screen
from bot.ui.register_views import TrailPage as TrailPage
from bot.ui.register_views import Withholding as Withholding
from bot.usecases.register_views import record_doc
from bot.usecases.register_views import withholding_of as withholding_of
from handlers import slack_ui
from handlers.registers.ids import Callback, RecordMeta, WithholdMeta
from handlers.registers.views import close_only
from handlers.text import clip, slack_date
from storage.declarations import Record


def record_modal(doc: RecordDoc) -> View:
    """The record in a modal titled with its reference; each time in the reader's own zone."""
    screen = record_screen(doc, slack_date)
    return close_only(
        clip(doc.reference or "Declaration", 24),
        slack_ui.screen_blocks(screen)[:100],
        callback_id=Callback.RECORD,
        private_metadata=RecordMeta(
            declaration_id=doc.declaration_id, trail_page=doc.trail.page
        ).encode(),
    )


def record_view(
    record: Record,
    card: ApprovalCard,
    trail: TrailPage,
    *,
    withholding: Withholding | None,
    may_withhold: bool,
) -> View:
    doc = record_doc(record, card, trail, withholding=withholding, may_withhold=may_withhold)
    return record_modal(doc)


# -- withholding -------------------------------------------------------------------------------


def withhold_form(meta: WithholdMeta, reference: str, what: str) -> View:
    return slack_ui.modal(withholding.withhold_form(meta, reference, what))


def republish_form(meta: WithholdMeta, reference: str, ground: str) -> View:
    return slack_ui.modal(withholding.republish_form(meta, reference, ground))
