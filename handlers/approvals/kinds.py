"""What the approval engine needs to know of each kind of declaration to show it to people.

Each feature that adds a kind of declaration exposes `KINDS` next to `register(app)`; the
composition root installs them (`handlers.install_kinds()`, from `bot.runtime.Runtime`), so
the approval engine looks a kind up here without importing the features that import it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlmodel import Session

from bot.rules.risk import RiskFlag
from handlers.approvals.messages import ApprovalCard
from storage.declarations import Record
from storage.models import ApprovalStep


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
