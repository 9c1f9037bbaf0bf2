"""Teams' renderer of the neutral forms (bot/ui/forms.py) as dialog cards, and the one reader
of a dialog's `task/submit` data back into the neutral answers, so the same rules validate.

Conventions the feature code relies on: an input's id is its field's id; the submit button's
`data` carries the form's id (`adaptive.FORM_KEY`) and its typed payload's JSON
(`adaptive.PAYLOAD_KEY`), Slack's callback id and private_metadata.

Parts shown only for some answers (`ShownWhen`): Adaptive Cards 1.5 can't show a part when
another input changes (Action.ToggleVisibility needs a press, and a dialog re-rendered on
each choice would cost a round trip per answer). So, as on Slack, the part is always shown,
optional on the client, with its condition under it ("Only if … is …"); the rule checks it
on submit and its error comes back at the part.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import unquote

from bot.rules.refusal import FIELD_ERROR_MAX
from bot.teams import adaptive
from bot.ui.forms import Answers, Choice, Field, FieldErrors, Form, Kind, Note
from bot.ui.text import clip

PEOPLE = {"type": "Data.Query", "dataset": "graph.microsoft.com/users"}  # Teams' people picker
YES_NO = (Choice("yes", "Yes"), Choice("no", "No"))
CHANNEL_PLACEHOLDER = "Paste the channel's link (⋯ next to the channel → Get link to channel)"
TEXT_MAX = 3000  # what Slack allows a text input; Teams sets no limit of its own
NEEDED = {
    Kind.CHOICE: "Please choose one.",
    Kind.CHOICES: "Please choose at least one.",
    Kind.PERSON: "Please choose a person.",
    Kind.YES_NO: "Please answer yes or no.",
    Kind.DATE: "Please choose a date.",
}


def _choices(field: Field) -> tuple[Choice, ...]:
    return YES_NO if field.kind is Kind.YES_NO else field.choices


def _condition(form: Form, field: Field) -> str:
    """ "Only if 'Was it a gift or hospitality?' is A gift." — the plain renderer's words."""
    assert field.shown_when is not None
    other = next((f for f in form.fields if f.id == field.shown_when.field), None)
    if other is None:
        return ""
    names = {c.value: c.label for c in _choices(other)}
    values = " or ".join(names.get(v, v) for v in sorted(field.shown_when.values))
    return f"Only if “{other.label}” is {values}."


def _value(field: Field, value: Any) -> Any:
    """An answer (or an initial value) as the input's `value`; None: leave it empty."""
    if value is None or value == "" or value == set() or value == ():
        return None
    kind = field.kind
    if kind is Kind.DATE:
        return value.isoformat() if isinstance(value, date) else None
    if kind is Kind.NUMBER:
        try:
            number = float(str(value).strip())
        except ValueError:
            return None
        return int(number) if number.is_integer() else number
    if kind in (Kind.CHOICE, Kind.CHOICES, Kind.YES_NO):
        known = {c.value for c in _choices(field)}
        many = value if isinstance(value, set | frozenset | list | tuple) else [value]
        chosen = [str(v) for v in many if str(v) in known]
        if kind is Kind.CHOICES:
            chosen = sorted(chosen, key=[c.value for c in field.choices].index)
        return ",".join(chosen) or None
    if not isinstance(value, str):
        return None
    return clip(value, field.max_length or TEXT_MAX)


def _input(field: Field, value: Any, names: Mapping[str, str]) -> dict[str, Any]:
    kind = field.kind
    spec: dict[str, Any] = {"id": adaptive.check_field_id(field.id), "label": field.label}
    if kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT, Kind.MONEY, Kind.LINK, Kind.CHANNEL):
        # Money is typed as text ("12.50", "£25"): the rule reads it and says what is wrong.
        spec.update(type="Input.Text", maxLength=field.max_length or TEXT_MAX)
        if kind is Kind.LONG_TEXT:
            spec["isMultiline"] = True
        if kind is Kind.LINK:
            spec["style"] = "Url"
    elif kind is Kind.NUMBER:
        spec.update(type="Input.Number", min=field.min_value, max=field.max_value)
    elif kind is Kind.DATE:
        spec["type"] = "Input.Date"
    elif kind is Kind.PERSON:
        # Teams' own people picker; a person already chosen needs a choice to show their name.
        spec.update(type="Input.ChoiceSet", style="compact", choices=[])
        spec["choices.data"] = PEOPLE
        if isinstance(value, str) and value:
            spec["choices"] = [{"title": names.get(value, value), "value": value}]
    else:
        # A yes/no is two choices, not a toggle: a toggle always answers, so a rule could
        # never say "please answer" as it does on Slack.
        many = kind is Kind.CHOICES
        compact = field.menu
        spec.update(
            type="Input.ChoiceSet",
            style="compact" if compact else "expanded",
            isMultiSelect=many or None,
            wrap=True,
            choices=[
                {
                    "title": clip(
                        c.label + (f" — {c.description}" if c.description and not compact else ""),
                        300,
                    ),
                    "value": c.value,
                }
                for c in _choices(field)
            ],
        )
    required = field.required and field.shown_when is None
    if required:
        spec.update(isRequired=True, errorMessage=NEEDED.get(kind, "Please fill this in."))
    if kind is Kind.CHANNEL:
        spec["placeholder"] = CHANNEL_PLACEHOLDER  # typed or pasted: Teams has no channel picker
    elif field.placeholder and kind is not Kind.YES_NO:
        spec["placeholder"] = field.placeholder
    if value is not None:
        spec["value"] = value
    return {k: v for k, v in spec.items() if v is not None}


def _hint(text: str) -> dict[str, Any]:
    return {
        "type": "TextBlock",
        "text": adaptive.md_escape(text),
        "size": "Small",
        "isSubtle": True,
        "wrap": True,
        "spacing": "Small",
    }


def error_block(text: str) -> dict[str, Any]:
    """A field's error, in the attention colour: placed right after its input."""
    return {
        "type": "TextBlock",
        "text": adaptive.md_escape(clip(text, FIELD_ERROR_MAX)),
        "color": "Attention",
        "wrap": True,
        "spacing": "Small",
    }


def dialog_card(
    form: Form,
    *,
    answers: Answers | None = None,
    errors: FieldErrors | None = None,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A form as the Adaptive Card a Teams dialog shows. Given the `answers` of a refused
    submission and its `errors`, every answer is kept and each error sits right after its
    input (an error for no field of the form goes at the top). `names`: display names of the
    people already chosen (Entra object id → name), for the people pickers."""
    errors = {str(k): v for k, v in (errors or {}).items() if v}
    ids = {f.id for f in form.fields}
    body: list[dict[str, Any]] = [error_block(t) for k, t in errors.items() if k not in ids]
    for part in form.parts:
        if isinstance(part, Note):
            body += adaptive.rich(part.text, small=part.small)
            continue
        if answers is not None:
            value = _value(part, answers.values.get(part.id))
        else:
            value = _value(part, part.initial)
        body.append(_input(part, value, names or {}))
        if part.id in errors:
            body.append(error_block(errors[part.id]))
        hints = [_condition(form, part)] if part.shown_when else []
        hints += [part.hint] if part.hint else []
        if hints := [h for h in hints if h]:
            body.append(_hint(" ".join(hints)))
    actions = []
    if form.submit:
        data = {adaptive.FORM_KEY: form.id}
        if form.payload is not None:
            data[adaptive.PAYLOAD_KEY] = form.payload.encode()
        actions.append(
            {"type": "Action.Submit", "title": form.submit, "style": "positive", "data": data}
        )
    return adaptive.card(body, fallback=form.title, actions=actions)


def form_id(data: Any) -> str | None:
    """Which form a `task/submit` came from."""
    return adaptive.data_text(data, adaptive.FORM_KEY)


def _read(field: Field, raw: Any) -> Any:
    kind = field.kind
    if isinstance(raw, bool):
        raw = "yes" if raw else "no"
    elif isinstance(raw, int | float) and kind is Kind.NUMBER:
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    if not isinstance(raw, str) or raw == "":
        if kind is Kind.CHOICES and isinstance(raw, list):
            raw = ",".join(str(v) for v in raw)
        else:
            return [] if kind is Kind.CHOICES else None
    if kind is Kind.DATE:
        try:
            return date.fromisoformat(raw.strip()[:10])
        except ValueError:
            return None
    if kind is Kind.YES_NO:
        raw = {"true": "yes", "false": "no"}.get(raw.lower(), raw.lower())
    if kind in (Kind.CHOICE, Kind.YES_NO):
        return raw if raw in {c.value for c in _choices(field)} else None
    if kind is Kind.CHOICES:
        known = {c.value for c in field.choices}
        return [v for v in raw.split(",") if v in known]
    if kind is Kind.PERSON:
        return raw.split(",")[0].strip() or None
    if kind is Kind.CHANNEL:
        return channel_id(raw) or None
    return raw.replace("\r\n", "\n")


_CHANNEL_LINK = re.compile(r"^https://teams\.microsoft\.(?:com|us)/l/channel/([^/?#\s]+)")


def channel_id(raw: str) -> str:
    """A Teams channel's conversation id (19:…@thread.tacv2) from what was typed: the id, or
    the channel's link (⋯ → Get link to channel), which carries it."""
    raw = raw.strip()
    link = _CHANNEL_LINK.match(raw)
    if link and (found := unquote(link.group(1))).startswith("19:"):
        return found
    return raw


def answers(form: Form, data: Any) -> Answers:
    """A dialog's `task/submit` data (`value.data`) as the neutral answers, by field id, read
    as Slack's reader reads a modal: text as typed, numbers and money as text for the rule, a
    date as a date, several choices as a list. Every field of the form is there (None when
    left empty or missing); a choice that is not one of the form's reads as not chosen;
    Nolan's own keys and anything else are ignored."""
    data = data if isinstance(data, Mapping) else {}
    return Answers({f.id: _read(f, data.get(f.id)) for f in form.fields})
