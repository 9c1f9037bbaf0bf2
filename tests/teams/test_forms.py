"""Every form bot/ui builds, as a Teams dialog card (bot/teams/forms.py): valid Adaptive Cards
1.5 under Teams' size limit, answers that round-trip through what a Teams client submits, and
errors shown right after their input with every answer kept."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.gifts import InvalidGift, Limits
from bot.rules.gifts import validate as validate_gift
from bot.rules.policies import MONTHS_MAX
from bot.teams import adaptive
from bot.teams.forms import answers, dialog_card, form_id
from bot.teams.invoke_responses import dialog
from bot.ui.forms import Answers, Choice, Field, Form, Kind
from bot.ui.gifts import read_gift
from bot.ui.payload import BadPayload, MessageSource
from tests.schemas import MAX_MESSAGE_BYTES, assert_valid_card
from tests.teams.catalogue import TODAY, forms

FORMS = forms()


def _inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}


def submitted(card: dict[str, Any]) -> dict[str, Any]:
    """What a Teams client sends as `task/submit` `value.data`: the submit action's data with
    each input's value merged in, every value a string, empty inputs as ""."""
    data = dict(card["actions"][0]["data"]) if card.get("actions") else {}
    for input_id, element in _inputs(card).items():
        value = element.get("value", "")
        data[input_id] = str(value) if not isinstance(value, str) else value
    return data


def an_answer(field: Field) -> Any:
    """A plausible answer for any field, as the neutral reader gives it."""
    kind = field.kind
    if kind is Kind.DATE:
        return date(2026, 5, 4)
    if kind is Kind.CHOICE:
        return field.choices[-1].value
    if kind is Kind.CHOICES:
        return [c.value for c in field.choices]
    if kind is Kind.YES_NO:
        return "no"
    if kind is Kind.NUMBER:
        return "12"
    if kind is Kind.PERSON:
        return "00000000-0000-0000-0000-000000000001"
    return "12.50" if kind is Kind.MONEY else ("x" * min(field.max_length or 50, 50))


@pytest.mark.parametrize("name", list(FORMS))
def test_every_form_is_a_valid_dialog_card(name: str) -> None:
    form = FORMS[name]
    card = dialog_card(form)
    assert_valid_card(card)
    response = dialog(form)
    assert response["task"]["value"]["card"] == adaptive.attachment(card)
    assert response["task"]["value"]["title"] == form.title
    if form.submit:
        (submit,) = card["actions"]
        assert submit["type"] == "Action.Submit" and submit["title"] == form.submit
        assert form_id(submit["data"]) == form.id
        if form.payload is not None:
            assert adaptive.read_payload(type(form.payload), submit["data"]) == form.payload
    else:
        assert "actions" not in card  # an acknowledgement: the dialog's own close
    inputs = _inputs(card)
    assert list(inputs) == [f.id for f in form.fields]
    for f in form.fields:
        element = inputs[f.id]
        assert element["label"] == f.label
        assert element.get("isRequired", False) is (f.required and f.shown_when is None)
        if f.max_length and element["type"] == "Input.Text":
            assert element["maxLength"] == f.max_length


@pytest.mark.parametrize("name", list(FORMS))
def test_every_form_round_trips_its_answers(name: str) -> None:
    form = FORMS[name]
    given = Answers({f.id: an_answer(f) for f in form.fields})
    card = dialog_card(form, answers=given)
    assert_valid_card(card)
    read = answers(form, submitted(card))
    assert dict(read.values) == dict(given.values)


@pytest.mark.parametrize("name", list(FORMS))
def test_every_field_shows_its_error_right_after_it_and_keeps_every_answer(name: str) -> None:
    form = FORMS[name]
    given = Answers({f.id: an_answer(f) for f in form.fields})
    errors = {f.id: f"Fix {f.label} ({'x' * 300})" for f in form.fields}
    card = dialog_card(form, answers=given, errors=errors)
    assert_valid_card(card)
    body = card["body"]
    for i, element in enumerate(body):
        if element["type"].startswith("Input."):
            after = body[i + 1]
            assert after["type"] == "TextBlock" and after["color"] == "Attention"
            assert after["text"].startswith(f"Fix {adaptive.md_escape(element['label'])[:20]}")
            assert len(after["text"]) <= 160  # cut as Slack cuts a field's error
    assert answers(form, submitted(card)).values == given.values
    size = len(json.dumps(dialog(form, answers=given, errors=errors)).encode())
    assert size < MAX_MESSAGE_BYTES


def test_initial_values_are_the_inputs_values_and_read_back() -> None:
    form = FORMS["policy, edit"]
    card = dialog_card(form, names={"aad-1": "Ann Owner"})
    inputs = _inputs(card)
    assert inputs["title"]["value"] == "Code <of> conduct"
    assert inputs["owner"]["value"] == "aad-1"
    assert inputs["owner"]["choices"] == [{"title": "Ann Owner", "value": "aad-1"}]
    assert inputs["owner"]["choices.data"]["dataset"] == "graph.microsoft.com/users"
    assert inputs["review_months"] == {
        "id": "review_months",
        "label": "Reviewed every … months",
        "type": "Input.Number",
        "min": 1,
        "max": MONTHS_MAX,
        "value": 24,
    }
    assert inputs["last_reviewed"]["value"] == "2025-01-01"
    assert inputs["url"]["style"] == "Url"
    assert inputs["flags"]["isMultiSelect"] is True and inputs["flags"]["style"] == "expanded"
    assert inputs["flags"]["value"] == "code_of_conduct,retired"
    read = answers(form, submitted(card))
    assert read.text("title") == "Code <of> conduct" and read.person("owner") == "aad-1"
    assert read.text("review_months") == "24" and read.date("next_review") == date(2027, 1, 1)
    assert read.choices("flags") == ("code_of_conduct", "retired")
    assert read.channel("channel") == "19:abc@thread.tacv2"


def test_conditional_parts_are_shown_optional_with_their_condition() -> None:
    form = FORMS["gift"]
    body = dialog_card(form)["body"]
    i = next(i for i, e in enumerate(body) if e.get("id") == "reason")
    assert "isRequired" not in body[i]
    assert body[i + 1]["text"].startswith(
        "Only if “What did you do, or want to do?” is I accepted it or I would like to accept it."
    )
    assert body[i + 1]["isSubtle"] is True


def test_the_same_rule_refuses_a_teams_answer_and_its_errors_land_at_the_fields() -> None:
    form = FORMS["gift"]
    card = dialog_card(form)
    data = submitted(card) | {"kind": "gift", "value": "about ten", "response": "accepted"}
    read = answers(form, data)
    typed, manager = read_gift(read)
    assert manager is None and typed.description == "A pen" and typed.value == "about ten"
    with pytest.raises(InvalidGift) as refused:
        validate_gift(typed, Limits(), TODAY)
    errors = refused.value.errors
    assert {"value", "reason", "offered_by"} <= set(errors)
    again = dialog_card(form, answers=read, errors=errors)
    assert_valid_card(again)
    body = again["body"]
    for field_id, text in errors.items():
        i = next(i for i, e in enumerate(body) if e.get("id") == field_id)
        assert body[i + 1]["color"] == "Attention"
        assert body[i + 1]["text"] == adaptive.md_escape(text)
    assert _inputs(again)["value"]["value"] == "about ten"
    assert _inputs(again)["kind"]["value"] == "gift"


def test_an_error_for_no_field_goes_at_the_top() -> None:
    card = dialog_card(FORMS["reassign"], errors={"": "That approval has moved on."})
    assert card["body"][0] == {
        "type": "TextBlock",
        "text": "That approval has moved on.",
        "color": "Attention",
        "wrap": True,
        "spacing": "Small",
    }


def test_the_reader_takes_what_teams_sends_and_never_raises() -> None:
    form = Form(
        id="f",
        title="T",
        submit="Go",
        parts=(
            Field("n", "N", Kind.NUMBER),
            Field("d", "D", Kind.DATE),
            Field("c", "C", Kind.CHOICE, choices=(Choice("a", "A"), Choice("b", "B"))),
            Field("cs", "CS", Kind.CHOICES, choices=(Choice("a", "A"), Choice("b", "B"))),
            Field("y", "Y", Kind.YES_NO),
            Field("p", "P", Kind.PERSON),
            Field("m", "M", Kind.MONEY),
        ),
    )
    read = answers(
        form,
        {
            "n": 7,
            "d": "2026-05-04",
            "c": "b",
            "cs": "b,a,zz",
            "y": "true",
            "p": "aad-2",
            "m": " £12.50 ",
            "_form": "f",
            "other": 1,
        },
    )
    assert read.values == {
        "n": "7",
        "d": date(2026, 5, 4),
        "c": "b",
        "cs": ["b", "a"],
        "y": "yes",
        "p": "aad-2",
        "m": " £12.50 ",
    }
    assert read.yes("y") is True and read.choices("cs") == ("b", "a")
    junk = answers(form, {"n": "", "d": "4 May", "c": "zz", "cs": {"x": 1}, "y": 3, "p": ""})
    assert junk.values == {
        "n": None,
        "d": None,
        "c": None,
        "cs": [],
        "y": None,
        "p": None,
        "m": None,
    }
    for nothing in ({}, None, "text", [1, 2]):
        assert answers(form, nothing).values == {
            f.id: ([] if f.id == "cs" else None) for f in form.fields
        }
    assert form_id({"_form": 3}) is None and form_id(None) is None


def test_a_channel_is_its_id_or_its_link_and_text_keeps_its_lines() -> None:
    form = Form(
        id="f",
        title="T",
        submit="Go",
        parts=(Field("ch", "Channel", Kind.CHANNEL), Field("t", "Text", Kind.LONG_TEXT)),
    )
    link = (
        "https://teams.microsoft.com/l/channel/19%3Aabc123%40thread.tacv2/General"
        "?groupId=g&tenantId=t"
    )
    assert answers(form, {"ch": link, "t": "a\r\nb"}).values == {
        "ch": "19:abc123@thread.tacv2",
        "t": "a\nb",
    }
    assert answers(form, {"ch": " 19:x@thread.tacv2 "}).channel("ch") == "19:x@thread.tacv2"
    assert answers(form, {"ch": "  "}).channel("ch") is None
    other = "https://teams.microsoft.com/l/chat/19%3Ax/0"
    assert answers(form, {"ch": other}).channel("ch") == other  # the rule says what is wrong
    (channel,) = (e for e in dialog_card(form)["body"] if e.get("id") == "ch")
    assert "Get link to channel" in channel["placeholder"]


def test_a_forms_payload_must_be_ours() -> None:
    data = submitted(dialog_card(FORMS["gift"]))
    assert adaptive.read_payload(MessageSource, data).link.startswith("https://teams.example")
    for bad in ({}, {"_payload": "{}"}, {"_payload": 3}, None):
        with pytest.raises(BadPayload):
            adaptive.read_payload(MessageSource, bad)


def test_a_field_may_not_take_nolans_own_keys() -> None:
    for field_id in ("_payload", "_form", "msteams"):
        form = Form(id="f", title="T", submit="Go", parts=(Field(field_id, "L", Kind.SHORT_TEXT),))
        with pytest.raises(ValueError, match="reserved"):
            dialog_card(form)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=10,
)


@settings(max_examples=30, deadline=None)
@given(
    data=st.dictionaries(
        st.sampled_from(
            [
                "kind",
                "value",
                "date_offered",
                "circumstances",
                "line_manager",
                "reason",
                "_payload",
                "x",
            ]
        ),
        JSON,
    )
)
def test_the_reader_never_raises_on_what_a_client_may_send(data: dict[str, Any]) -> None:
    form = FORMS["gift"]
    read = answers(form, data)
    assert set(read.values) == {f.id for f in form.fields}
    assert_valid_card(dialog_card(form, answers=read, errors={"kind": "Again"}))
