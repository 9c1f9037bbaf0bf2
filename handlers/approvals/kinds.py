"""What the approval engine needs to know of each kind of declaration to show it to people.

Each feature package has a `kind` module with a `KIND`; they are imported on first use so the
approvals package does not import the features that import it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from bot.rules.risk import RiskFlag
from handlers.approvals.messages import ApprovalCard
from storage.declarations import Record
from storage.models import ApprovalStep

_MODULES = {
    "gift": "handlers.gifts.kind",
    "interest": "handlers.interests.kind",
    "outside_work": "handlers.outside_work.kind",
    "notice": "handlers.notices.kind",
}


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


def kind_of(name: str) -> Kind:
    module = importlib.import_module(_MODULES[name])
    return module.KIND
