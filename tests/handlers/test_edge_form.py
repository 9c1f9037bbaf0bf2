"""The edge reads a form's fields as urllib's parse_qsl does, whatever the text: its own
decoding is only faster."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, quote_plus, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.edge import _form

# Text weighted towards what trips a percent-decoder: escapes good and bad, backslashes,
# plus signs, separators and characters beyond ASCII.
_PIECES = st.sampled_from(
    ["%", "%2", "%20", "%2B", "%zz", "%C3%A9", "%C3", "%E2%82", "%5C", "\\", "\\x41", "\\n",
     "+", "&", "=", "a", "Z", "é", "€", "💷", " ", '"', "%25", "%0", "%%41"]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=12).map("".join)


def _urllib(body: str) -> dict[str, str] | type[ValueError]:
    try:
        return dict(parse_qsl(body, keep_blank_values=True, strict_parsing=bool(body)))
    except ValueError:
        return ValueError


def _ours(body: str) -> dict[str, str] | type[ValueError]:
    try:
        return _form(body)
    except ValueError:
        return ValueError


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_any_text_reads_as_urllib_reads_it(body: str) -> None:
    assert _ours(body) == _urllib(body)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_TEXT, _TEXT, max_size=4))
def test_encoded_fields_come_back_as_they_were(fields: dict[str, str]) -> None:
    body = urlencode(fields)
    assert _form(body) == fields == _urllib(body)


def test_a_payload_of_json_is_read_whole() -> None:
    payload = {"type": "view_submission", "view": {"title": "Gift & hospitality: 100% \\ £5"}}
    body = "payload=" + quote_plus(json.dumps(payload))
    assert json.loads(_form(body)["payload"]) == payload


@pytest.mark.parametrize("body", ["payload", "a=1&&b=2", "a=1&"])
def test_a_field_without_its_equals_sign_is_refused(body: str) -> None:
    with pytest.raises(ValueError):
        _form(body)
