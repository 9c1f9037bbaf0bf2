"""What Teams' forms and cards share: the Adaptive Card envelope, the keys Nolan keeps in an
action's `data`, and marked text (bot.ui.text) drawn as Adaptive Card text.

Marked text is drawn as RichTextBlock TextRuns, which Teams shows verbatim (no Markdown), so
people's words inside it can't make links or formatting. The few places that only take a
TextBlock or a Fact (Markdown) get people's words through `md_escape`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from bot.ui.payload import Payload, decode
from bot.ui.text import ICONS

VERSION = "1.5"  # what Teams renders
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"

# Keys Nolan puts in an action's `data` beside the inputs Teams merges in. Field ids never start
# with "_" (adaptive.check_field_id), so an input can't overwrite them.
FORM_KEY = "_form"  # the form's id (Slack: a modal's callback id)
ACTION_KEY = "_action"  # the button's id, for a button that opens a dialog (no verb there)
PAYLOAD_KEY = "_payload"  # the typed payload's JSON (Slack: private_metadata, a button's value)
STATE_KEY = "_state"  # a screen's own payload, in a dialog (Slack: a modal's private_metadata)
MAX_LINES = 30  # lines of one text drawn as blocks of their own

RESERVED = frozenset({FORM_KEY, ACTION_KEY, PAYLOAD_KEY, STATE_KEY, "msteams"})

P = TypeVar("P", bound=Payload)


def check_field_id(field_id: str) -> str:
    if field_id.startswith("_") or field_id in RESERVED:
        raise ValueError(f"field id {field_id!r} is reserved for Nolan's own data keys")
    return field_id


def card(body: list[dict[str, Any]], *, fallback: str = "", **more: Any) -> dict[str, Any]:
    """An Adaptive Card 1.5 holding `body`; `more`: actions, msteams…"""
    content: dict[str, Any] = {"type": "AdaptiveCard", "version": VERSION, "body": body}
    if fallback:
        content["fallbackText"] = fallback
    content.update({k: v for k, v in more.items() if v})
    return content


def attachment(content: dict[str, Any]) -> dict[str, Any]:
    """A card as a message's or a dialog's attachment."""
    return {"contentType": CONTENT_TYPE, "content": content}


def payload_json(data: Any) -> str | None:
    """The typed payload's JSON carried in an action's `data`, if any."""
    raw = data.get(PAYLOAD_KEY) if isinstance(data, Mapping) else None
    return raw if isinstance(raw, str) else None


def read_payload(model: type[P], data: Any) -> P:
    """The typed payload in an action's `data`; bot.ui.payload.BadPayload when it is missing or
    not one of ours, as for a Slack button's value."""
    return decode(model, payload_json(data))


def data_text(data: Any, key: str) -> str | None:
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, str) and value else None


def iso_utc(at: datetime) -> str:
    """RFC 3339 in UTC, as the Adaptive Cards DATE()/TIME() functions take it (a naive time is
    taken as UTC, as storage keeps it)."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def when(at: datetime) -> str:
    """A time Teams shows in the reader's own zone and language."""
    iso = iso_utc(at)
    return f"{{{{DATE({iso}, SHORT)}}}} {{{{TIME({iso})}}}}"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]~])")


def md_escape(text: str) -> str:
    """People's words for a place Teams reads as Markdown (a Fact, a TextBlock)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    # A line starting "- ", "+ " or "1. " would become a list, "#" a heading, ">" a quote.
    return re.sub(r"^(\s*)(>|(?:[-+#]|\d+\.)(?=\s|$))", r"\1\\\2", escaped, flags=re.MULTILINE)


_TOKEN = re.compile(r"\*(?P<bold>[^*\n]+)\*|<(?P<url>https?://[^|>\s]+)\|(?P<words>[^>]+)>")
_ICON = re.compile(r":([a-z_]+):")


def _unescape(text: str) -> str:
    text = _ICON.sub(lambda m: ICONS.get(m.group(1), m.group(0)), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def runs(line: str, **style: Any) -> list[dict[str, Any]]:
    """One line of marked text as TextRuns: bold, links, icons as symbols, escapes undone."""
    out: list[dict[str, Any]] = []

    def add(text: str, **more: Any) -> None:
        if text:
            out.append({"type": "TextRun", "text": _unescape(text), **style, **more})

    end = 0
    for m in _TOKEN.finditer(line):
        add(line[end : m.start()])
        if m.group("bold"):
            add(m.group("bold"), weight="Bolder")
        else:
            url = m.group("url")
            add(m.group("words"), selectAction={"type": "Action.OpenUrl", "url": url})
        end = m.end()
    add(line[end:])
    return out


def rich(marked: str, *, small: bool = False, color: str | None = None) -> list[dict[str, Any]]:
    """Marked text as RichTextBlocks, one per line (a quoted `>` line in italics, indented);
    `small`: small print."""
    style: dict[str, Any] = {}
    if small:
        style.update(size="Small", isSubtle=True)
    if color:
        style["color"] = color
    blocks: list[dict[str, Any]] = []
    gap = False
    for line in _lines(marked):
        if not line.strip():
            gap = True
            continue
        quoted = line.startswith(">")
        inlines = runs("    " + line[1:], italic=True, **style) if quoted else runs(line, **style)
        if not inlines:
            continue
        block: dict[str, Any] = {"type": "RichTextBlock", "inlines": inlines}
        if blocks:
            block["spacing"] = "Medium" if gap else "None"
        blocks.append(block)
        gap = False
    return blocks


def _lines(text: str) -> list[str]:
    """The lines of a text, at most MAX_LINES (the rest joined into the last): each line is a
    block of its own, and a card must stay under Teams' size limit."""
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], " ".join(x for x in lines[MAX_LINES - 1 :] if x.strip())]
    return lines


def plain_runs(text: str, **style: Any) -> list[dict[str, Any]]:
    """People's words, verbatim (TextRuns take no markup), one block per line."""
    return [
        {
            "type": "RichTextBlock",
            "inlines": [{"type": "TextRun", "text": line, **style}],
            **({"spacing": "None"} if i else {}),
        }
        for i, line in enumerate([x for x in _lines(text) if x.strip()] or [" "])
    ]


def size(content: dict[str, Any]) -> int:
    """A card's size on the wire, as Teams counts it against its message limit."""
    return len(json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def heading(text: str, **more: Any) -> dict[str, Any]:
    """A short fixed label (our words, not people's)."""
    return {"type": "TextBlock", "text": md_escape(text), "weight": "Bolder", "wrap": True, **more}


def _md_token(m: re.Match[str]) -> str:
    if m.group("bold"):
        return f"**{m.group('bold')}**"
    return f"[{m.group('words')}]({m.group('url')})"


def markdown(marked: str) -> str:
    """Our own marked text (fixed words, no people's) as Teams Markdown, for a TextBlock."""
    return _unescape(_TOKEN.sub(_md_token, marked))
