"""The signed requests bench_ack.py and bench_request_path.py send Nolan and the bare app: the
`/gift` command, the gift form submitted, the Approve press on a manager's card and the annual
declaration's "Nothing has changed", each from a member of the staff seeded."""

from __future__ import annotations

import json
import threading
import time as timer
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.rules.annual import round_of
from bot.settings import Policy
from handlers.annual.ids import Action as AnnualAction
from handlers.annual.messages import annual_message
from handlers.approvals.ids import decide_action
from storage import confirmations
from storage.db import Database
from tests.fakeslack import FakeSlack
from tests.fakeslack.signing import (
    block_actions_form,
    slash_command_form,
    view_state,
    view_submission_form,
)

SECRET = "bench-signing-secret"
APPROVE = decide_action("approved")
NOTHING_CHANGED = AnnualAction.NOTHING_CHANGED.value
NOTHING = "nothing-changed"  # the annual declaration's press
KINDS = ("slash-command", "view-submission", "button", NOTHING)


def _answers() -> dict[str, Any]:
    today = datetime.now(UTC).date()
    return {
        "kind_input": "hospitality",
        "offered_by_input": "Acme Cleaning Ltd",
        "relationship_input": "contractor",
        "description_input": "Dinner at the Grand Hotel",
        "value_input": "85",
        "date_offered_input": today - timedelta(days=2),
        "event_date_input": today + timedelta(days=10),
        "response_input": "wants_to_accept",
        "reason_input": "Representing the office at the launch",
    }


class Requests:
    """The signed bodies of each kind of request, one per call, from members of staff."""

    def __init__(self, fake: FakeSlack, members: list[str], gift_view: dict[str, Any]) -> None:
        self.fake, self.members, self.view = fake, members, gift_view
        self.cards: list[tuple[str, dict[str, Any]]] = []  # (approver, message) to press
        self.pressed: set[tuple[str, str]] = set()  # (channel, ts) of cards Nolan decided
        self._annual: list[dict[str, Any]] | None = None  # the annual DM's blocks
        self._n = 0
        self._lock = threading.Lock()

    def _member(self) -> str:
        with self._lock:
            self._n += 1
            return self.members[self._n % len(self.members)]

    def body(self, kind: str) -> str:
        if kind == "slash-command":
            return slash_command_form(
                "/gift",
                "Dinner",
                self._member(),
                trigger_id=self.fake.new_trigger_id(),
                response_url=self.fake.response_url(f"bench-{timer.monotonic_ns()}"),
            )
        if kind == "view-submission":
            values = view_state(self.view, _answers())
            return view_submission_form(self._member(), self.view, values)
        if kind == NOTHING:
            return self._nothing_changed()
        with self._lock:
            approver, message = self.cards.pop()
            self.pressed.add((message["channel"], message["ts"]))
        block_id, value = _approve_button(message["blocks"])
        return block_actions_form(
            approver,
            APPROVE,
            value,
            block_id=block_id,
            channel_id=message["channel"],
            message_ts=message["ts"],
            message={"ts": message["ts"], "blocks": message["blocks"]},
            response_url=self.fake.response_url(f"bench-{timer.monotonic_ns()}"),
            trigger_id=self.fake.new_trigger_id(),
        )

    def _nothing_changed(self) -> str:
        """A member's press on this year's annual declaration DM, as Slack sends it."""
        member, year = self._member(), datetime.now(UTC).year
        if self._annual is None:
            message = annual_message(
                name="Member of staff",
                round_=round_of(year, (4, 1), 4),
                holdings=None,
                policy=Policy(),
            )
            self._annual = [block.to_dict() for block in message.blocks]
        blocks = self._annual
        [(block_id, value)] = _buttons(blocks, NOTHING_CHANGED)
        ts = f"{timer.time():.6f}"
        return block_actions_form(
            member,
            NOTHING_CHANGED,
            value,
            block_id=block_id,
            channel_id=f"D{member}",
            message_ts=ts,
            message={"ts": ts, "blocks": blocks},
            response_url=self.fake.response_url(f"bench-{timer.monotonic_ns()}"),
            trigger_id=self.fake.new_trigger_id(),
        )

    def collect_cards(self) -> int:
        """The managers' cards Nolan posted with an Approve button, newest last."""
        posted = self.fake.calls("chat.postMessage")
        answers = self.fake.responses("chat.postMessage")
        self.cards = []
        for call, answer in zip(posted, answers, strict=False):
            blocks = call.args.get("blocks") or []
            if isinstance(blocks, str):
                blocks = json.loads(blocks)
            if (answer["channel"], answer["ts"]) in self.pressed:
                continue
            with suppress(LookupError):
                _approve_button(blocks)
                message = {"channel": answer["channel"], "ts": answer["ts"], "blocks": blocks}
                self.cards.append((call.args["channel"], message))
        return len(self.cards)


def _approve_button(blocks: list[dict[str, Any]]) -> tuple[str, str]:
    for found in _buttons(blocks, APPROVE):
        return found
    raise LookupError("no Approve button")


def _buttons(blocks: list[dict[str, Any]], action_id: str) -> list[tuple[str, str]]:
    """(block_id, value) of each button `action_id` in `blocks`."""
    return [
        (block.get("block_id", ""), element.get("value", ""))
        for block in blocks
        if block.get("type") == "actions"
        for element in block.get("elements", [])
        if element.get("action_id") == action_id
    ]


def answered(db: Database) -> int:
    """This year's annual declarations answered "Nothing has changed", read from the database:
    each press recorded once, whatever the acks said."""
    with db.session() as session:
        return len(confirmations.annual_answers(session, period=str(datetime.now(UTC).year)))
