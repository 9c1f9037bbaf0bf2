"""Every form and card as plain text: for tests, logs, the CLI and a message's fallback text.

A second renderer beside Slack's, so nothing in a form or card can depend on one platform.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.ui.cards import Button, Card
from bot.ui.forms import Field, FieldErrors, Form, Kind, Note
from bot.ui.screens import Buttons, CardBody, Entry, Part, Screen
from bot.ui.text import plain


def _initial(field: Field) -> str:
    value = field.initial
    if value is None or value == "" or value == set():
        return ""
    if isinstance(value, date):
        return value.isoformat()
    labels = {c.value: c.label for c in field.choices}
    if isinstance(value, set | frozenset | list | tuple):
        return ", ".join(labels.get(v, v) for v in sorted(value))
    return labels.get(value, str(value))


def field_text(field: Field, form: Form | None = None, error: str | None = None) -> list[str]:
    need = "required" if field.required else "optional"
    if field.shown_when is not None:
        other = field.shown_when.field
        label = form.field(other).label if form else other
        names = {c.value: c.label for c in form.field(other).choices} if form else {}
        answers = " or ".join(names.get(v, v) for v in sorted(field.shown_when.values))
        need += f", only when {label!r} is {answers}"
    limits = []
    if field.max_length:
        limits.append(f"at most {field.max_length} characters")
    if field.min_value is not None:
        limits.append(f"at least {field.min_value:g}")
    if field.max_value is not None:
        limits.append(f"at most {field.max_value:g}")
    head = f"{field.label} [{field.kind.value}; {need}"
    head += f"; {', '.join(limits)}]" if limits else "]"
    lines = [head]
    if field.hint:
        lines.append(f"  {field.hint}")
    choices = (
        (("yes", "Yes"), ("no", "No"))
        if field.kind is Kind.YES_NO
        else (
            (c.value, c.label + (f" — {c.description}" if c.description else ""))
            for c in field.choices
        )
    )
    lines += [f"  ( ) {label}" for _, label in choices]
    if initial := _initial(field):
        lines.append(f"  = {initial}")
    elif field.placeholder:
        lines.append(f"  ({field.placeholder})")
    if error:
        lines.append(f"  ! {error}")
    return lines


def form_text(form: Form, errors: FieldErrors | None = None) -> str:
    """The form with its questions, hints, choices, limits and, if given, each field's error."""
    lines = [f"== {form.title} ==", ""]
    for part in form.parts:
        if isinstance(part, Note):
            lines += [plain(part.text), ""]
        else:
            lines += [*field_text(part, form, (errors or {}).get(part.id)), ""]
    lines.append(f"[{form.submit}]  [{form.close}]" if form.submit else f"[{form.close}]")
    return "\n".join(lines)


def _button(b: Button) -> str:
    return f"[{b.label}]" + (f" (asks: {b.confirm.text})" if b.confirm else "")


def _at(at: datetime) -> str:
    return at.strftime("%d %b %Y %H:%M UTC")


def body_lines(card: Card) -> list[str]:
    """What a card says: facts, sections, risk flags, warnings and related history."""
    lines = [f"{label}: {value}" for label, value in card.facts]
    lines += [f"{label}:\n  {value}" for label, value in card.sections if value]
    if card.flags:
        lines.append("Risk flags:")
        lines += [f"  - {f.label}: {f.explanation}" for f in card.flags]
    lines += [f"Warning: {plain(w)}" for w in card.warnings]
    if card.history:
        lines.append("Related history:")
        lines += [f"  - {h}" for h in card.history]
    return lines


def card_text(card: Card) -> str:
    """The card as plain text, drawn for its moment: buttons while waiting, the decision once
    decided."""
    lines = [card.title.upper()] if card.title else []
    if card.intro:
        lines.append(plain(card.intro))
    if card.note:
        lines.append(plain(card.note))
    lines += body_lines(card)
    if card.actions:
        lines.append("  ".join(_button(b) for b in card.actions))
    if card.decided:
        d = card.decided
        line = plain(d.outcome)
        if d.by:
            line += f" by {d.by}"
        if d.at:
            line += f" on {_at(d.at)}"
        lines.append(line + (f"\n  {d.why}" if d.why else ""))
    lines += [plain(n) for n in card.footnotes]
    return "\n".join(lines)


def _screen_part(part: Part) -> list[str]:
    if isinstance(part, Note):
        return [plain(part.text)]
    if isinstance(part, Entry):
        lines = [plain(part.text), *(f"  - {f.label}: {f.explanation}" for f in part.flags)]
        if part.status:
            lines.append(f"  {part.status}" + (f" on {_at(part.at)}" if part.at else ""))
        return lines + ([f"  {_button(part.button)}"] if part.button else [])
    if isinstance(part, Buttons):
        return ["  ".join(_button(b) for b in part.buttons)]
    if isinstance(part, CardBody):
        return body_lines(part.card)
    return [plain(text) for text in part.texts]


def screen_text(screen: Screen) -> str:
    """A screen (the Home) as plain text: its sections in order, each entry with its status and
    button, every row of buttons."""
    lines = [f"== {screen.title} =="]
    for section in screen.sections:
        lines.append("")
        if section.title:
            lines.append(f"-- {section.title} --")
        for part in section.parts:
            lines += _screen_part(part)
    return "\n".join(lines)
