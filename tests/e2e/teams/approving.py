"""What the Teams approval tests share: Alice's line manager Manny (the approver), a
declaration seeded through the use case, the approver's card, and pressing its buttons as
Teams invokes them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlmodel import col, select

from bot.settings import Settings
from bot.usecases.gifts import declare_gift
from storage.db import Database
from storage.models import ApprovalStep, AuditEntry, Staff
from tests.e2e.teams.harness import ORG, Person, TeamsNolan, cards_of
from tests.faketeams import FakeTeams
from tests.faketeams.server import Call
from tests.schemas import card_problems
from tests.usecases.world import hospitality

ALICE, BOB, MO = ORG
MANNY = Person(
    "manny", "manny@opcc.example", "Manny Manager", "eeeeeeee-0000-4000-8000-00000000000e"
)
EXECUTE = "adaptiveCard/action"


def add_manny(fake: FakeTeams, db: Database, org: dict[str, Staff]) -> Staff:
    """Alice's line manager, with Nolan installed: the approver of her hospitality."""
    fake.add_user(MANNY.email, MANNY.object_id, MANNY.name)
    return add_manager(db, org["alice"], MANNY)


def add_manager(db: Database, of: Staff, person: Person) -> Staff:
    with db.session() as session:
        manager = session.exec(select(Staff).where(Staff.email == person.email)).first()
        if manager is None:
            manager = Staff(email=person.email, name=person.name, teams_id=person.object_id)
            session.add(manager)
            session.flush()
        member = session.get(Staff, of.id)
        assert member is not None
        member.line_manager_id = manager.id
        session.add(member)
        session.commit()
        session.refresh(manager)
        session.expunge(manager)
    # The test's copy of the member too: the use cases route from the row a request read.
    of.line_manager_id = manager.id
    return manager


def declare(nolan: TeamsNolan, org: dict[str, Staff], **changes: object) -> int:
    """Alice declares hospitality (as the gift dialog would: the use case itself); its step."""
    done = declare_gift(
        nolan.db,
        declarant=org["alice"],
        offer=hospitality(**changes),
        settings=Settings(policy=nolan.policy),
        now=nolan.clock(),
    )
    return done.steps[0]


def card_to(fake: FakeTeams, person: Person, count: int = 1) -> Call:
    """The `count`th message to `person` about approvals: their Home card and a declarant's
    receipt, which also reach them, are not counted."""
    chat = fake.conversation_of(person.object_id)
    return fake.wait_for(
        "send",
        lambda c: c.conversation_id == chat and c.status == 201 and not incidental(c),
        count=count,
    )


def about_approvals(fake: FakeTeams, person: Person) -> list[Call]:
    """The messages delivered to `person` so far, less their Home card and receipts."""
    return [c for c in fake.delivered(fake.conversation_of(person.object_id)) if not incidental(c)]


def incidental(call: Call) -> bool:
    """A Home card or a receipt (bot.teams.home_flow, bot.teams.receipts)."""
    fallback = " ".join(
        str(a.get("content", {}).get("fallbackText", ""))
        for a in (call.body or {}).get("attachments", [])
        if isinstance(a, dict)
    )
    return fallback.startswith(("== Hello", "DECLARED:")) or "== Hello" in fallback[:40]


def actions(card: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every action on a card, those inside a ShowCard too."""
    for action in card.get("actions") or []:
        yield action
        if action.get("type") == "Action.ShowCard":
            yield from actions(action["card"])


def execute(card: dict[str, Any], verb: str) -> dict[str, Any]:
    return next(a for a in actions(card) if a.get("verb") == verb)


def press(nolan: TeamsNolan, person: Person, sent: Call, verb: str) -> tuple[int, Any]:
    """`person` presses the Action.Execute `verb` on the card `sent` (as Teams invokes it),
    once Nolan has recorded where the card went (a person is slower than the outbox)."""
    nolan.settle()
    [card] = cards_of(sent)
    action = execute(card, verb)
    value = {
        "action": {"type": "Action.Execute", "verb": verb, "data": action["data"]},
        "trigger": "manual",
    }
    return nolan.post(
        nolan.activity(person, "invoke", name=EXECUTE, value=value, reply_to_id=sent.response["id"])
    )


def step_of(db: Database, step_id: int) -> ApprovalStep:
    with db.session() as session:
        step = session.get(ApprovalStep, step_id)
        assert step is not None
        session.expunge(step)
        return step


def audit(db: Database, action: str) -> list[AuditEntry]:
    with db.session() as session:
        query = select(AuditEntry).where(AuditEntry.action == action)
        return list(session.exec(query.order_by(col(AuditEntry.id))))


def text_of(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def quoted(text: str) -> str:
    """`text` as it appears inside the card's JSON."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def replaced_card(reply: Any) -> dict[str, Any]:
    assert reply["statusCode"] == 200, reply
    assert reply["type"] == "application/vnd.microsoft.card.adaptive", reply
    card = reply["value"]
    assert not card_problems(card), card_problems(card)
    return card


def told(reply: Any) -> str:
    assert reply["type"] == "application/vnd.microsoft.activity.message", reply
    return str(reply["value"])
