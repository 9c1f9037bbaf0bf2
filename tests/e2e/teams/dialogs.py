"""Pressing a button that opens a dialog and sending the dialog's form, as Teams does
(task/fetch, task/submit), with every card returned checked against the Adaptive Cards 1.5
schema and the size limit; reading what a card says; and the org chart, records and outbox
rows the declaring tests look at."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import func, select

from storage.db import Database
from storage.models import OutboxMessage, Staff
from tests.e2e.teams.harness import Person, TeamsNolan, cards_of
from tests.faketeams import FakeTeams
from tests.faketeams.server import Call
from tests.schemas import MAX_MESSAGE_BYTES, card_problems


def button_data(button: str, payload: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"msteams": {"type": "task/fetch"}, "_action": button}
    if payload is not None:
        data["_payload"] = payload
    return data


def fetch(nolan: TeamsNolan, person: Person, data: dict[str, Any]) -> dict[str, Any]:
    """Press a dialog button whose action data is `data`; the invoke's answer."""
    value = {"data": data, "context": {"theme": "default"}}
    status, reply = nolan.post(nolan.activity(person, "invoke", name="task/fetch", value=value))
    assert status == 200, reply
    return reply


def send_form(
    nolan: TeamsNolan, person: Person, card: dict[str, Any], answers: dict[str, Any],
    *, activity: dict[str, Any] | None = None,
) -> Any:
    """Send the dialog `card` with `answers` (input id → value as Teams sends it): the submit
    button's data merged with the inputs, as Teams merges them."""
    [submit] = [a for a in card.get("actions", []) if a["type"] == "Action.Submit"]
    value = {"data": {**submit["data"], **answers}, "context": {"theme": "default"}}
    body = activity or nolan.activity(person, "invoke", name="task/submit", value=value)
    status, reply = nolan.post(body)
    assert status == 200, reply
    return reply


def dialog_of(reply: dict[str, Any]) -> dict[str, Any]:
    """The card of a dialog answer (schema-checked, under the size limit)."""
    assert reply["task"]["type"] == "continue", reply
    card = reply["task"]["value"]["card"]["content"]
    assert not card_problems(card), card_problems(card)
    assert len(json.dumps(reply, separators=(",", ":")).encode()) < MAX_MESSAGE_BYTES
    return card


def closed_with(reply: dict[str, Any] | None) -> str:
    """The line a dialog closed with."""
    assert reply is not None and reply["task"]["type"] == "message", reply
    return str(reply["task"]["value"])


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["id"]: b for b in card["body"] if b.get("type", "").startswith("Input.")}


def error_after(card: dict[str, Any], field_id: str) -> str | None:
    """The error text shown right after the input `field_id`, if any."""
    body = card["body"]
    at = next(i for i, b in enumerate(body) if b.get("id") == field_id)
    following = body[at + 1] if at + 1 < len(body) else {}
    return following.get("text") if following.get("color") == "Attention" else None


def texts(node: Any) -> list[str]:
    """Every text in a card (TextBlocks, TextRuns, facts), in order."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") in ("TextBlock", "TextRun") and "text" in node:
            found.append(node["text"])
        for key in ("title", "value"):
            if node.get("type") is None and isinstance(node.get(key), str):
                found.append(node[key])
        for child in node.values():
            found += texts(child)
    elif isinstance(node, list):
        for child in node:
            found += texts(child)
    return found


def said(call: Call) -> str:
    """What a message's cards say (each card checked: harness.cards_of)."""
    return "\n".join(t for card in cards_of(call) for t in texts(card))


def count(db: Database, model: Any) -> int:
    with db.session() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def set_staff(db: Database, person: Person, **values: Any) -> None:
    with db.session() as session:
        row = session.exec(select(Staff).where(Staff.email == person.email)).one()
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)
        session.commit()


def staff_id(db: Database, person: Person) -> int:
    with db.session() as session:
        row = session.exec(select(Staff).where(Staff.email == person.email)).one()
        assert row.id is not None
        return row.id


def owed(nolan: TeamsNolan, card: str) -> list[OutboxMessage]:
    return [m for m in nolan.outbox() if json.loads(m.payload or "{}").get("card") == card]


def to_chat_of(fake: FakeTeams, person: Person) -> Any:
    chat = fake.conversation_of(person.object_id)
    return lambda c: c.conversation_id == chat and c.status < 300


def rows(db: Database, model: Any) -> list[Any]:
    with db.session() as session:
        found = list(session.exec(select(model)))
        for row in found:
            session.expunge(row)
        return found
