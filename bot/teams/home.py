"""The Home on Teams: the neutral Home (bot.ui.home) drawn as an Adaptive Card 1.5.

Teams has no Home tab for bots: Nolan sends this card in the person's chat (when installed, on
`home`) and updates it in place after each change that concerns them. The card is the same
screen as Slack's Home tab, section by section, with the same buttons:
- a button that opens a form (bot.ui.home_model.OPENS_FORM: the declare buttons, "Delegate…",
  "View", "Search registers", "Export") → `Action.Submit` with `msteams.type = task/fetch`;
  its `data` names the button (`adaptive.ACTION_KEY`, the Home's button id, as Slack's
  action id) and carries its payload (`adaptive.PAYLOAD_KEY`), so the dialog knows which form;
- the decision buttons → as on the approval card (bot.teams.cards.action): one press is an
  `Action.Execute` (asking first where Slack confirms), one that needs words opens a dialog;
- "Previous"/"More" and "End delegation" → `Action.Execute`: `verb` is the button's id and
  `data` its payload (the Home's pages once pressed: `Pages.read(press.payload)`); the
  invoke's answer is the
  Home drawn again.
The Home card also has a `refresh` (Universal Actions): Teams invokes its `Action.Execute`
(verb REFRESH, `data` the pages shown) whenever the card comes into view, and shows the card
the answer carries, so a Home card is current when looked at without being pushed each change.
Pure: a function of the screen, no storage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.teams import adaptive
from bot.teams.cards import CARD_BUDGET, FALLBACK_MAX, TEXT_MAX, action, body
from bot.ui.cards import Button, Flag
from bot.ui.forms import Note
from bot.ui.home import home_screen, unknown_home_screen
from bot.ui.home_model import OPENS_FORM, Home, Pages
from bot.ui.plain import screen_text
from bot.ui.screens import Buttons, CardBody, Entry, Part, Screen
from bot.ui.text import clip

# The Home's lists on Teams are best loaded five to a page (bot.ui.home_model.Page.size):
# ten items a list, each with its buttons, would not fit Teams' message limit for an officer
# who approves, however short the texts (Slack's ten come from its 100 blocks a Home).
PAGE_SIZE = 5
FIELDS_A_ROW = 3
FLAGS_EXPLAINED = 1000  # below this cut, a card names an entry's flags without explaining them
REFRESH = "home_refresh"  # the verb of the Home card's refresh

Draw = Callable[[Button], dict[str, Any]]


def button(spec: Button) -> dict[str, Any]:
    """A Home button as a card action: a dialog for a form, else as cards.action draws it."""
    return action(spec, dialog=True if spec.id in OPENS_FORM else None)


def _clip_lines(marked: str, text_max: int) -> str:
    """Each line cut at `text_max`: a list drawn as lines keeps every item."""
    return "\n".join(clip(line, text_max) for line in marked.split("\n"))


def _flags(flags: tuple[Flag, ...], text_max: int) -> dict[str, Any]:
    """Each flag with its explanation; where the card must be cut short, their names on one
    line (the explanations are a "View" away)."""
    if text_max < FLAGS_EXPLAINED:
        names = " · ".join(f.label for f in flags)
        line = [{"type": "TextRun", "text": f"⚠ {clip(names, text_max)}", "color": "Attention"}]
        return {"type": "RichTextBlock", "inlines": line, "spacing": "None"}
    facts = [
        {
            "title": adaptive.md_escape(clip(f.label, 100)),
            "value": adaptive.md_escape(clip(f.explanation, min(1000, text_max))),
        }
        for f in flags
    ]
    return {"type": "FactSet", "facts": facts, "spacing": "Small"}


def _entry(entry: Entry, text_max: int, draw: Draw) -> dict[str, Any]:
    items = adaptive.rich(_clip_lines(entry.text, text_max))
    if entry.flags:
        items.append(_flags(entry.flags, text_max))
    if entry.status:
        status = adaptive.md_escape(clip(entry.status, min(text_max, 1000)))
        if entry.at:
            status += f" on {adaptive.when(entry.at)}"
        items.append(
            {"type": "TextBlock", "text": status, "wrap": True, "isSubtle": True, "spacing": "None"}
        )
    if entry.button:
        items.append({"type": "ActionSet", "actions": [draw(entry.button)], "spacing": "Small"})
    return {"type": "Container", "spacing": "Medium", "items": items}


def _fields(texts: tuple[str, ...], text_max: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(0, len(texts), FIELDS_A_ROW):
        columns = [
            {"type": "Column", "width": "stretch", "items": adaptive.rich(_clip_lines(t, text_max))}
            for t in texts[i : i + FIELDS_A_ROW]
        ]
        rows.append({"type": "ColumnSet", "spacing": "Small", "columns": columns})
    return rows


def _part(part: Part, text_max: int, draw: Draw) -> list[dict[str, Any]]:
    if isinstance(part, Note):
        return adaptive.rich(_clip_lines(part.text, text_max), small=part.small)
    if isinstance(part, Entry):
        return [_entry(part, text_max, draw)]
    if isinstance(part, Buttons):
        set_: dict[str, Any] = {"type": "ActionSet", "actions": [draw(b) for b in part.buttons]}
        return [set_] if part.buttons else []
    if isinstance(part, CardBody):
        return body(part.card, text_max=text_max)
    return _fields(part.texts, text_max)


def _body(screen: Screen, text_max: int, draw: Draw) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": adaptive.md_escape(clip(screen.title, 150)),
            "size": "Large",
            "weight": "Bolder",
            "wrap": True,
        }
    ]
    for i, section in enumerate(screen.sections):
        items: list[dict[str, Any]] = []
        if section.title:
            items.append(adaptive.heading(section.title, size="Medium"))
        for part in section.parts:
            items += _part(part, text_max, draw)
        if not items:
            continue
        container: dict[str, Any] = {"type": "Container", "items": items}
        if i:
            container.update(separator=True, spacing="Large")
        body.append(container)
    return body


def screen_card(screen: Screen, draw: Draw = button, **more: Any) -> dict[str, Any]:
    """A screen as an Adaptive Card, drawn again with its texts cut shorter while it is over
    Teams' size limit (the full texts are a "View" away). A Home whose lists are PAGE_SIZE
    to a page fits whatever their texts; longer pages may not. `draw`: how a button is drawn
    (a screen shown in a dialog draws its own: bot.teams.dialog_screens); `more`: the card's
    other properties (a Home's refresh)."""
    fallback = screen_text(screen)
    for text_max in TEXT_MAX:
        content = adaptive.card(
            _body(screen, text_max, draw),
            fallback=clip(fallback, min(FALLBACK_MAX, text_max)),
            msteams={"width": "full"},
            **more,
        )
        if adaptive.size(content) <= CARD_BUDGET:
            break
    return content


def refresh(pages: Pages) -> dict[str, Any]:
    """The Home card's refresh. Teams runs it on its own whenever the card is shown, for
    everyone in a chat of up to 60 members ("Work with Universal Actions for Adaptive Cards",
    userIds): the person's 1:1 chat needs no list of whom. The title is the manual
    "Refresh card" Teams offers where it does not run it on its own."""
    data = {adaptive.PAYLOAD_KEY: pages.encode()}
    return {"action": {"type": "Action.Execute", "title": "Refresh", "verb": REFRESH, "data": data}}


def home_card(home: Home | None) -> dict[str, Any]:
    """A person's Home card; None: someone not in the org chart (what Nolan is, whom to ask)."""
    return _card(home, _screen(home))


def home_message(home: Home | None) -> dict[str, Any]:
    """The Home as a message activity's body: to send, or to put in place of the last one."""
    screen = _screen(home)
    return {
        "type": "message",
        "summary": clip(screen.title, 250),
        "attachments": [adaptive.attachment(_card(home, screen))],
    }


def _screen(home: Home | None) -> Screen:
    return home_screen(home) if home is not None else unknown_home_screen()


def _card(home: Home | None, screen: Screen) -> dict[str, Any]:
    """Someone not in the org chart has nothing to keep current: no refresh."""
    if home is None:
        return screen_card(screen)
    return screen_card(screen, refresh=refresh(home.pages))
