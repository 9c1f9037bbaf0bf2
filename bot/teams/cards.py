"""Teams' renderer of the neutral cards (bot/ui/cards.py) as Adaptive Cards, and the reader of
a press back into the button's id and payload.

Buttons:
- one press (Approve, Noted…) → `Action.Execute` (a universal action): `verb` is the button's
  id, `data` carries its typed payload's JSON (`adaptive.PAYLOAD_KEY`); the invoke's answer
  replaces the card in place.
- one press that asks first (Slack's confirm) → `Action.ShowCard` opening the question and an
  `Action.Execute` that does it: Adaptive Cards have no confirmation dialog; pressing the
  button again folds the question away, Slack's "Back".
- a button that asks for more words (its label ends "…": "Decline…", "Ask a question…",
  "Reply…") → `Action.Submit` with `msteams.type = task/fetch`, opening the same form Slack
  opens in a modal (decision_text_form, ask_form, reply_form) as a dialog. Not a reason input
  on the card (`Action.ShowCard`): the dialog is the form every platform shares, with its hint,
  limit and required/optional rule, refused answers come back at the field like any form's,
  and the card stays small (several reason buttons would each carry an input).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.teams import adaptive
from bot.ui.cards import Button, Card, Decided, Style
from bot.ui.plain import card_text
from bot.ui.text import clip

FALLBACK_MAX = 1000  # fallbackText: only for a client that can't draw the card
STYLES = {Style.PRIMARY: "positive", Style.DANGER: "destructive"}
MAX_FACTS = 20
MAX_SECTIONS = 20
MAX_LISTED = 10  # flags, warnings, history lines: as many as Slack shows
# A card must fit Teams' message limit (about 28 KB with the activity around it): a longer
# one is drawn again with its texts cut shorter, the full texts staying in the record.
CARD_BUDGET = 26 * 1024
TEXT_MAX = (3000, 1000, 300, 100)


def opens_dialog(button: Button) -> bool:
    """A button whose label ends "…" asks for more (a reason, a question): it opens a form."""
    return button.label.endswith("…")


def _data(button: Button, **more: Any) -> dict[str, Any]:
    data = dict(more)
    if button.payload is not None:
        data[adaptive.PAYLOAD_KEY] = button.payload.encode()
    return data


def _styled(spec: dict[str, Any], button: Button) -> dict[str, Any]:
    if button.style:
        spec["style"] = STYLES[button.style]
    return spec


def _execute(button: Button, title: str) -> dict[str, Any]:
    return _styled(
        {"type": "Action.Execute", "title": title, "verb": button.id, "data": _data(button)},
        button,
    )


def action(button: Button, *, dialog: bool | None = None) -> dict[str, Any]:
    """A button as a card action; `dialog`: whether it opens a dialog (default: its label)."""
    if opens_dialog(button) if dialog is None else dialog:
        data = _data(button, msteams={"type": "task/fetch"}, **{adaptive.ACTION_KEY: button.id})
        return _styled({"type": "Action.Submit", "title": button.label, "data": data}, button)
    if button.confirm is None:
        return _execute(button, button.label)
    c = button.confirm
    ask = adaptive.card(
        [adaptive.heading(c.title), *adaptive.rich(c.text)],
        actions=[_execute(button, c.confirm)],
    )
    del ask["version"]  # a ShowCard's card is part of its parent
    return _styled({"type": "Action.ShowCard", "title": button.label, "card": ask}, button)


def _listed(title: str, lines: list[list[dict[str, Any]]], color: str | None) -> dict[str, Any]:
    items: list[dict[str, Any]] = [
        adaptive.heading(title, color=color) if color else adaptive.heading(title)
    ]
    for inlines in lines:
        items.append({"type": "RichTextBlock", "inlines": inlines, "spacing": "Small"})
    return {"type": "Container", "items": items, "spacing": "Medium"}


def body(card: Card, *, text_max: int = TEXT_MAX[0]) -> list[dict[str, Any]]:
    """What a card says: facts, sections, risk flags, warnings and related history; each text
    cut at `text_max` characters."""
    blocks: list[dict[str, Any]] = []
    if card.facts:
        facts = [
            {
                "title": adaptive.md_escape(clip(label, 100)),
                "value": adaptive.md_escape(clip(value, min(1000, text_max))),
            }
            for label, value in card.facts[:MAX_FACTS]
        ]
        blocks.append({"type": "FactSet", "facts": facts, "spacing": "Medium"})
    for label, value in card.sections[:MAX_SECTIONS]:
        if value:
            blocks.append(adaptive.heading(label, spacing="Medium"))
            blocks += adaptive.plain_runs(clip(value, text_max))
    if card.flags:
        lines = [
            [
                {"type": "TextRun", "text": f"{f.label}: ", "weight": "Bolder"},
                {"type": "TextRun", "text": clip(f.explanation, min(1000, text_max))},
            ]
            for f in card.flags[:MAX_LISTED]
        ]
        blocks.append(_listed("⚠ Risk flags", lines, "Attention"))
    for warning in card.warnings[:MAX_LISTED]:
        blocks.append(
            {
                "type": "Container",
                "spacing": "Small",
                "items": adaptive.rich(f":warning: {clip(warning, text_max)}", color="Warning"),
            }
        )
    if card.history:
        lines = [
            [{"type": "TextRun", "text": f"• {clip(h, min(500, text_max))}", "isSubtle": True}]
            for h in card.history[:MAX_LISTED]
        ]
        blocks.append(_listed("Related history", lines, None))
    return blocks


def decided_blocks(decided: Decided, *, text_max: int = TEXT_MAX[0]) -> list[dict[str, Any]]:
    """Who decided, when (in the reader's own zone: DATE()/TIME()) and why."""
    # The outcome is our words (marked); the name and the reason are people's.
    line = adaptive.markdown(decided.outcome)
    if decided.by:
        line += f" by {adaptive.md_escape(decided.by)}"
    if decided.at:
        line += f" on {adaptive.when(decided.at)}"
    blocks = [{"type": "TextBlock", "text": line, "wrap": True, "spacing": "Medium"}]
    if decided.why:
        blocks.append(
            {
                "type": "Container",
                "style": "emphasis",
                "spacing": "Small",
                "items": adaptive.plain_runs(clip(decided.why, text_max), italic=True),
            }
        )
    return blocks


def adaptive_card(card: Card, *, dialogs: Collection[str] | None = None) -> dict[str, Any]:
    """A card as an Adaptive Card, drawn for its moment: buttons while waiting, who decided
    once decided. `dialogs`: the ids of the buttons that open a dialog, when not every
    label ending "…" does (see `opens_dialog`). Always under Teams' size limit."""
    actions = [action(b, dialog=None if dialogs is None else b.id in dialogs) for b in card.actions]
    for text_max in TEXT_MAX:
        content = adaptive.card(
            _blocks(card, text_max),
            fallback=clip(card_text(card), min(FALLBACK_MAX, text_max)),
            actions=actions,
            msteams={"width": "full"},  # as the Teams SDK spells it
        )
        if adaptive.size(content) <= CARD_BUDGET:
            break
    return content


def _blocks(card: Card, text_max: int) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if card.title:
        blocks.append(
            {
                "type": "TextBlock",
                "text": adaptive.md_escape(clip(card.title, 150)),
                "size": "Large",
                "weight": "Bolder",
                "wrap": True,
            }
        )
    blocks += adaptive.rich(clip(card.intro, text_max))
    blocks += adaptive.rich(clip(card.note, text_max), small=True)
    blocks += body(card, text_max=text_max)
    if card.decided:
        blocks += decided_blocks(card.decided, text_max=text_max)
    for note in card.footnotes:
        blocks += adaptive.rich(clip(note, text_max), small=True)
    return blocks


def message(card: Card, **card_options: Any) -> dict[str, Any]:
    """A card as a message activity's body: the notification's line (`summary`) and the card."""
    return {
        "type": "message",
        "summary": clip(card.summary, 250),
        "attachments": [adaptive.attachment(adaptive_card(card, **card_options))],
    }


@dataclass(frozen=True)
class Press:
    """A button pressed: which (the button's id), its payload's JSON, and any inputs sent."""

    action: str
    payload: str | None = None
    inputs: Mapping[str, Any] = field(default_factory=dict)


def pressed(value: Any) -> Press | None:
    """The press in an `adaptiveCard/action` invoke's value (`{"action": {"verb", "data"}}`)
    or in a `task/fetch` invoke's value from a dialog button (`{"data": {...}}`); None when it
    is neither (a client's or a forger's junk)."""
    if not isinstance(value, Mapping):
        return None
    execute = value.get("action")
    if isinstance(execute, Mapping):
        verb, data = execute.get("verb"), execute.get("data")
    else:
        data = value.get("data")
        verb = adaptive.data_text(data, adaptive.ACTION_KEY)
    if not isinstance(verb, str) or not verb:
        return None
    data = data if isinstance(data, Mapping) else {}
    inputs = {k: v for k, v in data.items() if k not in adaptive.RESERVED}
    return Press(verb, adaptive.payload_json(data), inputs)
