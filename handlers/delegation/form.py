"""Reading the delegation modal's state, and the `/conduct delegate @person until DATE`
shortcut, into plain values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from handlers import slack_ui
from handlers.delegation.ids import SUBCOMMAND, Field

SHORTCUT = f"`/conduct {SUBCOMMAND} @person until YYYY-MM-DD`"
USAGE = (
    f"`/conduct {SUBCOMMAND}` opens a form; or type "
    f"`/conduct {SUBCOMMAND} @person until YYYY-MM-DD` (add `from YYYY-MM-DD` to start later), "
    f"and `/conduct {SUBCOMMAND} end` to end it now."
)

# With should_escape on, Slack sends a mention as <@U123|name> (or <@U123>).
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_LEADING_MENTION = re.compile(r"^\s*(<@[UW][A-Z0-9]+(?:\|[^>]*)?>)(.*)$", re.DOTALL)
_KEYWORDS = {"until": "ends_on", "till": "ends_on", "to": "ends_on", "from": "starts_on"}


@dataclass(frozen=True)
class FormValues:
    deputy_slack_id: str | None
    starts_on: date | None
    ends_on: date | None


def read_delegation_form(values: dict[str, Any]) -> FormValues:
    answers = slack_ui.answers(values)
    return FormValues(
        deputy_slack_id=answers.person(Field.DEPUTY),
        starts_on=answers.date(Field.STARTS_ON),
        ends_on=answers.date(Field.ENDS_ON),
    )


class Unparsable(ValueError):
    """The shortcut's words could not be read; the message says how to write them."""


def _parse_date(word: str) -> date:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
            return date.fromisoformat(word)
    except ValueError:
        pass
    raise Unparsable(
        f"“{word[:30]}” is not a date Nolan can read: write it as YYYY-MM-DD, e.g. 2026-12-01."
    )


def parse_shortcut(text: str) -> FormValues:
    """`<@U123|eve> until 2026-12-01 [from 2026-11-23]` → the deputy's Slack id and dates.
    `text` is what follows the subcommand, as Slack sent it (escaped)."""
    found = _LEADING_MENTION.match(text)
    if not found:
        first = text.split()[0] if text.split() else ""
        if first.startswith("@"):
            raise Unparsable(
                f"Slack didn't turn “{first[:40]}” into a mention: pick the person from the "
                "list that appears as you type their name. " + USAGE
            )
        raise Unparsable("Say who will decide for you, and until when. " + USAGE)
    mention = _MENTION.match(found.group(1))
    assert mention is not None
    words = found.group(2).split()
    dates: dict[str, date] = {}
    while words:
        keyword = words.pop(0).lower()
        if keyword not in _KEYWORDS:
            raise Unparsable(f"Nolan didn't understand “{keyword[:30]}”. " + USAGE)
        if not words:
            raise Unparsable(f"Give a date after “{keyword}”, as YYYY-MM-DD. " + USAGE)
        name = _KEYWORDS[keyword]
        if name in dates:
            raise Unparsable(f"Give “{keyword}” once. " + USAGE)
        dates[name] = _parse_date(words.pop(0))
    if "ends_on" not in dates:
        raise Unparsable(f"Say until when, as in {SHORTCUT}. " + USAGE)
    return FormValues(mention.group(1), dates.get("starts_on"), dates["ends_on"])
