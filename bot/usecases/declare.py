"""What every kind of declaration shares when it is made: the declarant found, the office's
day, the `submitted` audit entry (what it said, and the risk flags the approvers were shown,
so the tamper-evident trail keeps both), the sentence for a seat nobody could be found for,
and the outcome every declare use case returns (`Declared`). The kinds' own use cases are
bot.usecases.gifts, .interests, .outside_work and .notices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from sqlmodel import Session

from bot import engine
from bot.rules.refusal import NOT_IN_ORG_CHART, Refused
from bot.settings import Settings
from bot.usecases.owed import owe_declared
from storage import audit
from storage.models import Declaration, Staff
from storage.risk import snapshot


@dataclass(frozen=True)
class Declared:
    """A declaration recorded with its first steps; the messages owed (the approvers' cards,
    any information copy, the declarant's receipt) are in the outbox. `next_step` and
    `explanation` are what the receipt says (marked text, bot.ui.text)."""

    declaration_id: int
    reference: str
    status: str
    steps: list[int] = field(default_factory=list)  # the steps opened (the first stage)
    approvers: list[int] = field(default_factory=list)  # who was asked, staff ids
    informed: list[int] = field(default_factory=list)  # told for information, staff ids
    unrouted: list[str] = field(default_factory=list)  # seats nobody could be found for
    next_step: str = ""
    explanation: str = ""


def owe_and_report(
    session: Session,
    declaration: Declaration,
    opened: engine.Opened | None,
    *,
    receipt: str,
    explanation: str = "",
    next_step: str = "",
    informed: list[int] | None = None,
    **details: Any,
) -> Declared:
    """Owe a new declaration's messages (bot.usecases.owed.owe_declared: the approvers'
    cards, an information copy to the one `informed`, then the declarant's receipt, drawn
    from `explanation`, `next_step` and the kind's `details`), and say what was recorded."""
    assert declaration.id is not None
    steps = opened.steps if opened else []
    owe_declared(
        session,
        declaration,
        list(steps),
        receipt=receipt,
        inform_staff_id=informed[0] if informed else None,
        explanation=explanation,
        next_step=next_step,
        **details,
    )
    return Declared(
        declaration_id=declaration.id,
        reference=declaration.reference or "",
        status=declaration.status,
        steps=[s.id for s in steps if s.id is not None],
        approvers=[s.approver_id for s in steps],
        informed=informed or [],
        unrouted=list(opened.unrouted) if opened else [],
        next_step=next_step,
        explanation=explanation,
    )


def in_org_chart(declarant: Staff | None) -> Staff:
    """The person declaring: the adapter's row, read in this request by the platform's id
    (None: not in the org chart), and not read again here (issue 10)."""
    if declarant is None or declarant.id is None:
        raise Refused(NOT_IN_ORG_CHART)
    return declarant


def office_day(settings: Settings, now: datetime) -> date:
    return now.astimezone(settings.policy.tz).date()


class Account(Protocol):
    """A member of staff's chat accounts (a Staff row, or a query's copy of one)."""

    @property
    def slack_user_id(self) -> str | None: ...

    @property
    def teams_id(self) -> str | None: ...


def reachable(person: Account | None) -> bool:
    """Someone Nolan can send a message to, on some platform."""
    return person is not None and bool(person.slack_user_id or person.teams_id)


def unrouted_sentence(unrouted: list[str], verb: str = "decide") -> str:
    """What the declarant is told when nobody could be found for a seat ("" when all were)."""
    if not unrouted:
        return ""
    return (
        f" Nolan could not find who should {verb} ({unrouted[0]}) "
        "Please tell the monitoring officer."
    )


def audit_submitted(
    session: Session,
    me: Staff,
    declaration: Declaration,
    settings: Settings,
    now: datetime,
    **detail: Any,
) -> None:
    """The `submitted` entry, with the kind's `detail` and the risks as of `now`."""
    assert declaration.id is not None
    audit.record(
        session,
        action="submitted",
        actor_id=me.id,
        declaration_id=declaration.id,
        **detail,
        risks=snapshot(session, declaration, me, settings.policy, office_day(settings, now)),
    )
