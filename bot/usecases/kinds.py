"""What the approval engine needs to know of each kind of declaration to show it to people,
and the approval card a kind draws for a step — the same card on every platform.

Each feature that adds a kind of declaration exposes `KINDS` next to its adapter's
`register(app)`; the composition root installs them (`handlers.install_kinds()`, from
`bot.runtime.Runtime`), so the use cases look a kind up here without importing the features
that declare them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from bot.rules.risk import RiskFlag
from bot.ui.approval import ApprovalCard
from bot.ui.text import escape
from storage.declarations import Record
from storage.models import ApprovalStep, Declaration

HISTORY_LIMIT = 5

Detail = TypeVar("Detail")


@dataclass(frozen=True)
class Kind:
    # The card an approver sees for a step (None: an information copy), with related history.
    card: Callable[[Record, ApprovalStep | None, list[str]], ApprovalCard]
    # The declaration in words a person recognises: "the gift from Acme Ltd: a hamper".
    describe: Callable[[Record], str]
    # Lines of the declarant's related history, for the approver's context.
    history: Callable[[Session, Record], list[str]] = lambda _session, _record: []
    # Kind-specific effects of a decision (a gift's disposal, an interest's action…).
    on_decided: Callable[[Session, Record, ApprovalStep], None] = lambda *_: None
    # What the member of staff should do now, told with a decision ("" for nothing).
    advice: Callable[[Record, ApprovalStep], str] = lambda *_: ""
    # Risk flags for the approver's card (storage.risk), less those its warnings already say.
    risks: Callable[[Session, Record], list[RiskFlag]] = lambda _session, _record: []


# Filled at composition (install), read by kind_of.
_KINDS: dict[str, Kind] = {}


def install(kinds: Mapping[str, Kind]) -> None:
    """Make `kinds` known to the approval engine (idempotent: the same kinds again is fine)."""
    _KINDS.update(kinds)


def kind_of(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(
            f"no kind of declaration {name!r} is installed: build the bot through "
            "bot.runtime.Runtime (or call handlers.install_kinds())"
        ) from None


def card_for(
    record: Record,
    step: ApprovalStep | None,
    history: list[str] | None = None,
    flags: list[RiskFlag] | None = None,
) -> ApprovalCard:
    """The approval card for `step` (None: an information copy), as its kind draws it, with
    the risk `flags` and, for a deputy, whose decision they are taking."""
    card = kind_of(record.declaration.kind).card(record, step, history or [])
    if flags:
        card = dataclasses.replace(card, flags=flags)
    if step is not None and step.delegated_from_id:
        owner = record.name_of(step.delegated_from_id) or "a colleague"
        card = dataclasses.replace(
            card, note=f"You are deciding this as deputy for {escape(owner)}."
        )
    return card


def full_card_for(session: Session, record: Record, step: ApprovalStep | None) -> ApprovalCard:
    """The card an approver is sent: with the declarant's related history and the risks."""
    kind = kind_of(record.declaration.kind)
    return card_for(record, step, kind.history(session, record), kind.risks(session, record))


class Earlier(Generic[Detail]):
    """The declarant's other declarations with a `detail` row (a kind's table) that match
    `where`, ordered by `newest_first` (default: the latest declared first), at most
    HISTORY_LIMIT: the related history on an approver's card. Built once, where a kind's
    module is imported (every card drawn reads it, issue 10); `where` takes its values as
    bind parameters, given at each call."""

    def __init__(self, detail: type[Detail], *where: Any, newest_first: Sequence[Any] = ()):
        declaration_id = col(detail.declaration_id)  # type: ignore[attr-defined]
        self.statement = (
            select(Declaration, detail)
            .join(detail, declaration_id == col(Declaration.id))
            .where(
                col(Declaration.declarant_id) == bindparam("declarant_id"),
                col(Declaration.id) != bindparam("declaration_id"),
                *where,
            )
            .order_by(*(newest_first or (col(Declaration.id).desc(),)))
            .limit(HISTORY_LIMIT)
        )

    def __call__(
        self, session: Session, record: Record, **params: Any
    ) -> Sequence[tuple[Declaration, Detail]]:
        d = record.declaration
        bound = {"declarant_id": d.declarant_id, "declaration_id": d.id, **params}
        return session.exec(self.statement, params=bound).all()
