"""The vetting messages (bot/ui/vetting_messages.py) drawn for Slack: the reminder to the
member of staff, the vetting officer's list of renewals due and weekly list of lapsed
clearances (each person with "Renewed on…" beside them), and the confirmations once a
renewal is recorded. Confidential: these go in DMs only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.notifier import Message
from bot.ui import vetting_messages as ui
from bot.ui.cards import Card
from handlers.text import clip
from storage.vetting import Holder

SLACK = "Slack"


def _section(
    text: str, *, block_id: str | None = None, accessory: ButtonElement | None = None
) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=clip(text, 3000)), block_id=block_id, accessory=accessory
    )


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, 3000))])


def _said(card: Card) -> Message:
    """A message of a few words: its intro, and its note in small print."""
    blocks: list[Block] = [_section(card.intro)]
    if card.note:
        blocks.append(_context(card.note))
    return Message(text=card.summary, blocks=tuple(blocks))


def _listed(listing: ui.Listing) -> Message:
    blocks: list[Block] = [_section(listing.head)]
    for entry in listing.people:
        assert entry.button is not None and entry.button.payload is not None
        button = ButtonElement(
            text=entry.button.label,
            action_id=entry.button.id,
            value=entry.button.payload.encode(),
        )
        blocks.append(_section(entry.text, block_id=entry.id, accessory=button))
    blocks.append(_context(listing.footer))
    return Message(text=listing.summary, blocks=tuple(blocks))


def member_reminder(
    holder: Holder,
    today: date,
    *,
    overseer_names: Sequence[str],
    officer_title: str,
    leads: Sequence[int],
    years: int,
) -> Message:
    return _said(
        ui.member_reminder(
            holder,
            today,
            overseer_names=overseer_names,
            officer_title=officer_title,
            leads=leads,
            years=years,
        )
    )


def member_renewed(
    level: str | None, renewed_on: date, new_expiry: date, *, by_name: str, leads: Sequence[int]
) -> Message:
    return _said(ui.member_renewed(level, renewed_on, new_expiry, by_name=by_name, leads=leads))


def renewal_list(
    holders: Sequence[Holder], today: date, intervals: Mapping[str, int], *, part: str = ""
) -> Message:
    return _listed(ui.renewal_list(holders, today, intervals, platform=SLACK, part=part))


def lapsed_lists(
    holders: Sequence[Holder], monday: date, today: date, intervals: Mapping[str, int]
) -> list[Message]:
    return [
        _listed(listing)
        for listing in ui.lapsed_lists(holders, monday, today, intervals, platform=SLACK)
    ]


def officer_renewed(
    name: str,
    level: str | None,
    renewed_on: date,
    new_expiry: date,
    years: int,
    told: bool,
    *,
    recorded_by: str | None = None,
) -> Message:
    """The confirmation; `recorded_by`: who recorded it, for another vetting officer."""
    card = ui.officer_renewed(name, level, renewed_on, new_expiry, years, told, platform=SLACK)
    return _said(ui.recorded_by(card, recorded_by) if recorded_by else card)
