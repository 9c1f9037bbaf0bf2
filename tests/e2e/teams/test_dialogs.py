"""The one dialog mechanism every Teams form uses (bot.teams.dialogs), through the real
endpoint with a form of the test's own: a refusal without a field closes the dialog with its
text; a failure is a reference, and the same form may then be sent again; a payload that
isn't ours is a stale form; a sub-command is taken before its command."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.rules.refusal import Refused
from bot.teams import dialogs
from bot.teams.router import Router, Turn
from bot.ui.forms import Field, Form, Kind
from bot.ui.payload import DeclarationRef
from tests.e2e.teams.dialogs import button_data, closed_with, dialog_of, fetch, send_form
from tests.e2e.teams.harness import ORG, TeamsNolan

ALICE = ORG[0]
BUTTON, FORM = "test_open", "test_form"


@pytest.fixture
def router(nolan: TeamsNolan) -> Iterator[Router]:
    assert nolan.runtime is not None and nolan.runtime.teams is not None
    router = nolan.runtime.teams.router
    before = (dict(router.invokes), dict(router.commands))
    yield router
    router.invokes.clear()
    router.invokes.update(before[0])
    router.commands.clear()
    router.commands.update(before[1])


def form(asked: dialogs.Asked) -> Form:
    ref = asked.payload(DeclarationRef)
    return Form(
        FORM, "A test", "Send", (Field("words", "Words", Kind.SHORT_TEXT),), payload=ref
    )


def test_refusals_failures_and_stale_forms(nolan: TeamsNolan, router: Router) -> None:
    taken: list[str] = []

    def handle(sub: dialogs.Submitted) -> str | None:
        words = sub.answers.text("words") or ""
        if words == "refuse":
            raise Refused("Nothing the form could change.")
        if words == "fail" and not taken:
            taken.append("failed once")
            raise RuntimeError("a bug")
        taken.append(words)
        return None

    dialogs.dialog(router, BUTTON, form)
    dialogs.submit(router, FORM, handle, form=form)
    payload = DeclarationRef(declaration_id=1).encode()
    assert "older message" in closed_with(fetch(nolan, ALICE, button_data(BUTTON, "junk")))
    card = dialog_of(fetch(nolan, ALICE, button_data(BUTTON, payload)))
    assert closed_with(send_form(nolan, ALICE, card, {"words": "refuse"})) == (
        "Nothing the form could change."
    )
    # A failure: a reference, nothing taken; the very same delivery may come again.
    [submit] = card["actions"]
    value = {"data": {**submit["data"], "words": "fail"}}
    activity = nolan.activity(ALICE, "invoke", name="task/submit", value=value)
    failed = send_form(nolan, ALICE, card, {}, activity=activity)
    assert "Something went wrong" in closed_with(failed)
    assert send_form(nolan, ALICE, card, {}, activity=activity) is None  # taken: just closes
    assert taken == ["failed once", "fail"]
    stale = {**submit["data"], "_payload": "{}"}
    status, reply = nolan.post(nolan.activity(
        ALICE, "invoke", name="task/submit", value={"data": {**stale, "words": "x"}}
    ))
    assert status == 200 and "out of date" in closed_with(reply)


def test_a_sub_command_is_taken_before_its_command(nolan: TeamsNolan, router: Router) -> None:
    heard: list[tuple[str, str]] = []

    def hear(turn: Turn) -> None:
        heard.append((turn.command, turn.args))

    router.command("conduct", hear)
    router.command("conduct notify", hear)
    nolan.say(ALICE, "/Conduct  Notify  now please")
    nolan.say(ALICE, "conduct mine")
    nolan.say(ALICE, "conduct")
    assert heard == [("conduct notify", "now please"), ("conduct", "mine"), ("conduct", "")]
