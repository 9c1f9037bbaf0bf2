"""Notifications that cannot wait, as the approval engine sees them."""

from __future__ import annotations

from sqlmodel import Session

from bot.rules.notices import CATEGORY_WORDS, Category
from bot.usecases.kinds import Earlier, Kind
from handlers.notices.cards import advice, describe, notice_card
from storage.declarations import Record
from storage.models import Notice

_NOTICES = Earlier(Notice)


def history(session: Session, record: Record) -> list[str]:
    """The same person's earlier notifications: a pattern matters for vetting. Only officers
    who receive notices see this card, so nothing leaves the confidential circle."""
    rows = _NOTICES(session, record)
    lines = []
    for declaration, notice in rows:
        try:
            words = CATEGORY_WORDS[Category(notice.category)]
        except ValueError:
            words = notice.category
        lines.append(
            f"{declaration.reference} · {declaration.created_at:%d %b %Y} · {words} · "
            f"{declaration.status.replace('_', ' ')}"
        )
    return lines


KIND = Kind(card=notice_card, describe=describe, history=history, advice=advice)
