"""How each kind of setting's text is read (bot.settings): a value of the wrong form raises
wrong_form(), and the message then says what the variable must be (its field's description);
a rule's parser raises ValueError with its own reason instead."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import time
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError
from pydantic_settings import NoDecode

from bot import platform as chat
from bot.rules.chains import parse_chain
from bot.rules.policies import valid_channel
from bot.rules.schedule import parse_leads


def wrong_form() -> PydanticCustomError:
    return PydanticCustomError("wrong_form", "not of the expected form")


def text(parse: Callable[[str], Any]) -> BeforeValidator:
    """Parse a variable's text with `parse`; a default (already typed) passes as it is."""
    return BeforeValidator(lambda raw: parse(raw) if isinstance(raw, str) else raw)


def digits(raw: str) -> int:
    # ASCII only: int() would take "٠٧", and pydantic "+5" or "1_000".
    if not (raw.isascii() and raw.isdigit()):
        raise wrong_form()
    return int(raw)


def pence(raw: str) -> int:
    try:
        pounds = float(raw)
    except ValueError:
        raise wrong_form() from None
    if pounds < 0 or not math.isfinite(pounds):
        raise wrong_form()
    return round(pounds * 100)


def hh_mm(raw: str) -> time:
    found = re.fullmatch(r"([0-9]+):([0-9]{2})", raw)
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        raise wrong_form()
    return time(int(found[1]), int(found[2]))


def zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise wrong_form() from None
    return name


def channel(raw: str) -> str:
    """A Slack or a Teams channel id; which one the platform takes is checked once it is known
    (load_settings)."""
    if raw and not (valid_channel(raw, "slack") or valid_channel(raw, "teams")):
        raise wrong_form()
    return raw


def yes_no(raw: str) -> bool:
    lowered = raw.lower()
    if lowered not in ("yes", "no", "true", "false", "1", "0"):
        raise wrong_form()
    return lowered in ("yes", "true", "1")


def leads(most: int) -> Callable[[str], tuple[int, ...]]:
    def parse(raw: str) -> tuple[int, ...]:
        leads = parse_leads(raw)
        if leads[0] > most:
            raise ValueError(f"at most {most} days ahead")
        return leads

    return parse


def chain(text: str) -> str:
    parse_chain(text)  # ValueError names the part that is wrong
    return text


Whole = Annotated[int, text(digits)]
Pence = Annotated[int, text(pence)]
Leads = Annotated[tuple[int, ...], NoDecode]
ServiceURL = Annotated[str, AfterValidator(chat.service_url)]


def var(default: Any, name: str, must_be: str = "") -> Any:
    return Field(default, validation_alias=name, description=must_be)


def whole(default: int, name: str, low: int, high: int, must_be: str = "") -> Any:
    must_be = must_be or f"a whole number from {low} to {high}"
    return Field(default, validation_alias=name, description=must_be, ge=low, le=high)
