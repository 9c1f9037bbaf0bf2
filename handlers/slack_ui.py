"""Slack's renderer of the neutral forms and cards (bot/ui), and the one reader of a
submitted modal back into the neutral answers.

Conventions the listeners rely on: a field's block id is its id and its action id is
`<id>_input`; a form's id is the modal's callback id and its payload the private_metadata;
a button's id is its action id and its payload the button's value.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    InteractiveElement,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    UrlInputElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.rules.refusal import FIELD_ERROR_MAX
from bot.ui.cards import Button, Card, Decided, Flag
from bot.ui.forms import Answers, Choice, Field, FieldErrors, Form, Kind, Note
from bot.ui.screens import Buttons, CardBody, Entry, Part, Screen
from bot.ui.text import clip, escape
from handlers.notifier import Message
from handlers.text import slack_date

ACTION_SUFFIX = "_input"
YES_NO = (Choice("yes", "Yes"), Choice("no", "No"))


def action_id(field_id: str) -> str:
    return f"{field_id}{ACTION_SUFFIX}"


# Forms


def _options(choices: tuple[Choice, ...]) -> list[Option]:
    return [
        Option(value=c.value, label=clip(c.label, 75), description=clip(c.description, 75) or None)
        for c in choices
    ]


def _element(field: Field) -> InteractiveElement:
    common: dict[str, Any] = {"action_id": action_id(field.id)}
    placeholder = field.placeholder or None
    kind, initial = field.kind, field.initial
    if kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT, Kind.MONEY):
        return PlainTextInputElement(
            **common,
            multiline=True if kind is Kind.LONG_TEXT else None,
            max_length=field.max_length,
            initial_value=clip(initial, field.max_length or 3000) if initial else None,
            placeholder=placeholder,
        )
    if kind is Kind.NUMBER:
        return NumberInputElement(
            **common,
            is_decimal_allowed=False,
            min_value=field.min_value,
            max_value=field.max_value,
            initial_value=initial,
            placeholder=placeholder,
        )
    if kind is Kind.DATE:
        return DatePickerElement(
            **common, initial_date=initial.isoformat() if initial else None, placeholder=placeholder
        )
    if kind is Kind.PERSON:
        return UserSelectElement(**common, placeholder=placeholder, initial_user=initial)
    if kind is Kind.LINK:
        return UrlInputElement(
            **common, initial_value=initial[: field.max_length or 3000] if initial else None
        )
    if kind is Kind.CHANNEL:
        return ConversationSelectElement(
            **common,
            placeholder=placeholder,
            initial_conversation=initial,
            filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
        )
    choices = YES_NO if kind is Kind.YES_NO else field.choices
    options = _options(choices)
    if kind is Kind.CHOICES:
        chosen = [o for o, c in zip(options, choices, strict=True) if c.value in (initial or ())]
        cls = StaticMultiSelectElement if field.menu else CheckboxesElement
        extra = {"placeholder": placeholder} if field.menu else {}
        return cls(**common, options=options, initial_options=chosen or None, **extra)
    chosen_one = next(
        (o for o, c in zip(options, choices, strict=True) if c.value == initial), None
    )
    if field.menu:
        return StaticSelectElement(
            **common, placeholder=placeholder, options=options, initial_option=chosen_one
        )
    return RadioButtonsElement(**common, options=options, initial_option=chosen_one)


def input_block(field: Field) -> InputBlock:
    """A field as an input block. Slack can't hide a part until another answer is given, so
    a part shown only for some answers is optional here and checked by the rule on submit."""
    return InputBlock(
        block_id=field.id,
        label=clip(field.label, 2000),
        hint=clip(field.hint, 2000) or None,
        optional=(not field.required or field.shown_when is not None) or None,
        element=_element(field),
    )


def _part(part: Field | Note) -> Block:
    if isinstance(part, Note) and part.small:
        return _context(part.text)
    if isinstance(part, Note):
        return SectionBlock(text=MarkdownTextObject(text=clip(part.text, 3000)))
    return input_block(part)


def modal(form: Form) -> View:
    """A form as a modal; a form with nothing to submit (an acknowledgement) has no submit."""
    return View(
        type="modal",
        callback_id=form.id or None,
        private_metadata=form.payload.encode() if form.payload else None,
        title=PlainTextObject(text=clip(form.title, 24)),
        submit=PlainTextObject(text=clip(form.submit, 24)) if form.submit else None,
        close=PlainTextObject(text=clip(form.close, 24)),
        blocks=[_part(p) for p in form.parts],
    )


def _read(element: dict[str, Any]) -> Any:
    if "selected_options" in element:
        return [o.get("value") for o in element.get("selected_options") or []]
    if "selected_option" in element:
        option = element.get("selected_option")
        return option.get("value") if option else None
    if "selected_date" in element:
        try:
            raw = element.get("selected_date")
            return date.fromisoformat(raw) if raw else None
        except (TypeError, ValueError):
            return None
    if "selected_user" in element:
        return element.get("selected_user") or None
    if "selected_users" in element:
        return list(element.get("selected_users") or [])
    # conversations_select reports selected_conversation; channels_select, selected_channel.
    if "selected_conversation" in element or "selected_channel" in element:
        return element.get("selected_conversation") or element.get("selected_channel")
    return element.get("value")


def answers(values: dict[str, Any]) -> Answers:
    """A submitted modal's state.values as the neutral answers, by field (block) id: every
    form's one reader. An input's element is the one named `<block id>_input`."""
    read = {}
    for block_id, elements in (values or {}).items():
        element = (elements or {}).get(action_id(block_id))
        if isinstance(element, dict):
            read[block_id] = _read(element)
    return Answers(read)


def field_errors(errors: FieldErrors) -> dict[str, Any]:
    """A submission's answer that shows each error at its field (cut to what Slack shows):
    a rule's validation errors and a `Refused(text, field)` (handlers.errors) alike."""
    return {
        "response_action": "errors",
        "errors": {str(f): clip(text, FIELD_ERROR_MAX) for f, text in errors.items()},
    }


# Cards


def button(spec: Button) -> ButtonElement:
    confirm = None
    if spec.confirm:
        c = spec.confirm
        confirm = ConfirmObject(title=c.title, text=c.text, confirm=c.confirm, deny=c.deny)
    return ButtonElement(
        text=spec.label,
        action_id=spec.id,
        value=spec.payload.encode() if spec.payload else None,
        style=spec.style.value if spec.style else None,
        confirm=confirm,
    )


def risk_block(flags: tuple[Flag, ...]) -> SectionBlock:
    """One block for all the flags, so a card stays well within Slack's 50 blocks."""
    lines = "\n".join(f"• *{escape(f.label)}*: {escape(f.explanation)}" for f in flags[:10])
    return SectionBlock(
        text=MarkdownTextObject(text=clip(f":warning: *Risk flags*\n{lines}", 3000))
    )


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, 3000))])


def body(card: Card, *, max_sections: int = 20) -> list[Block]:
    """What a card says: facts, sections, risk flags, warnings and related history. Cards and
    the officers' record view show it the same way."""
    blocks: list[Block] = []
    if card.facts:
        blocks.append(
            SectionBlock(
                fields=[
                    MarkdownTextObject(text=clip(f"*{label}*\n{escape(value)}", 2000))
                    for label, value in card.facts[:10]
                ]
            )
        )
    for label, value in card.sections[:max_sections]:
        if value:
            blocks.append(
                SectionBlock(
                    text=MarkdownTextObject(text=clip(f"*{label}*\n{escape(value)}", 3000))
                )
            )
    if card.flags:
        blocks.append(risk_block(card.flags))
    if card.warnings:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=clip(f":warning: {w}", 3000))
                    for w in card.warnings[:10]
                ]
            )
        )
    if card.history:
        lines = "\n".join(f"• {escape(h)}" for h in card.history[:10])
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=clip(f"*Related history*\n{lines}", 3000)))
        )
    return blocks


def _decided(decided: Decided) -> str:
    line = decided.outcome
    if decided.by:
        line += f" by {escape(decided.by)}"
    if decided.at:
        line += f" on {slack_date(decided.at)}"
    if decided.why:
        line += f"\n>{clip(escape(decided.why), 2500)}"
    return line


def message(card: Card) -> Message:
    blocks: list[Block] = [HeaderBlock(text=clip(card.title, 150))] if card.title else []
    if card.intro:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(card.intro, 3000))))
    if card.note:
        blocks.append(_context(card.note))
    blocks += body(card)
    if card.actions:
        blocks.append(
            ActionsBlock(
                block_id=card.actions_id or None, elements=[button(b) for b in card.actions[:25]]
            )
        )
    if card.decided:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_decided(card.decided))))
    blocks += [_context(note) for note in card.footnotes]
    return Message(text=clip(card.summary, 3000), blocks=blocks)


# Screens


def entry_text(entry: Entry) -> str:
    """An entry's words, its risk flags, its status line in italics (the time in each
    reader's own zone)."""
    text = entry.text
    if entry.flags:
        text += "\n" + "\n".join(
            f"• *{escape(f.label)}*: {escape(f.explanation)}" for f in entry.flags
        )
    if entry.status:
        at = f" on {slack_date(entry.at)}" if entry.at else ""
        text += f"\n_{escape(entry.status)}{at}_"
    return clip(text, 3000)


def _screen_part(part: Part) -> list[Block]:
    if isinstance(part, Note):
        return [_part(part)]
    if isinstance(part, Entry):
        section = SectionBlock(
            block_id=part.id or None,
            text=MarkdownTextObject(text=entry_text(part)),
            accessory=button(part.button) if part.button else None,
        )
        return [section]
    if isinstance(part, Buttons):
        elements = [button(b) for b in part.buttons[:25]]
        return [ActionsBlock(block_id=part.id or None, elements=elements)]
    if isinstance(part, CardBody):
        return body(part.card, max_sections=part.max_sections)
    return [SectionBlock(fields=[MarkdownTextObject(text=clip(t, 2000)) for t in part.texts[:10]])]


def parts_blocks(parts: Iterable[Part]) -> list[Block]:
    """A screen's parts as blocks, without its title (a modal has its own)."""
    return [block for part in parts for block in _screen_part(part)]


def screen_blocks(screen: Screen) -> list[Block]:
    """A screen as blocks: its title as the header, a divider between sections."""
    blocks: list[Block] = [HeaderBlock(text=clip(screen.title, 150))]
    for i, section in enumerate(screen.sections):
        if i:
            blocks.append(DividerBlock())
        if section.title:
            blocks.append(HeaderBlock(text=clip(section.title, 150)))
        blocks += parts_blocks(section.parts)
    return blocks
