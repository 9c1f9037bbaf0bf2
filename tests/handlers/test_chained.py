"""Nolan's middleware steps run as one of Bolt's (handlers.context.chained)."""

from __future__ import annotations

from typing import Any

import pytest
from slack_bolt import BoltContext, BoltResponse

from handlers.context import Next, chained


def test_the_steps_run_in_order_each_given_what_it_names() -> None:
    seen: list[Any] = []

    def first(context: BoltContext, next: Next) -> BoltResponse | None:
        context["first"] = True
        seen.append("first")
        return next()

    def second(body: dict[str, Any], context: BoltContext, next: Next) -> BoltResponse | None:
        seen.append(("second", body["type"], context["first"]))
        return next()

    end = BoltResponse(status=200, body="")
    chain = chained(first, second)
    assert chain(body={"type": "block_actions"}, context=BoltContext(), next=lambda: end) is end
    assert seen == ["first", ("second", "block_actions", True)]


def test_a_step_that_answers_ends_the_request_there() -> None:
    replayed = BoltResponse(status=200, body="")
    later: list[str] = []

    def answers(next: Next) -> BoltResponse | None:
        return replayed

    def never(next: Next) -> BoltResponse | None:
        later.append("never")
        return next()

    went_on: list[bool] = []
    chain = chained(answers, never)
    assert chain(body={}, context=BoltContext(), next=lambda: went_on.append(True)) is replayed
    assert later == [] and went_on == []


def test_a_step_asking_for_anything_else_is_refused_when_chained() -> None:
    def wants_client(client: object, next: Next) -> None:
        return None

    with pytest.raises(TypeError, match="client"):
        chained(wants_client)
