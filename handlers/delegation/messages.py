"""What people are told about a delegation, in plain words."""

from __future__ import annotations

from datetime import date

from bot.ui.text import long_day
from handlers.delegation.ids import SUBCOMMAND
from handlers.text import escape


def _items(count: int) -> str:
    return f"{count} waiting item{'' if count == 1 else 's'}"


def _period(starts_on: date, ends_on: date, today: date) -> str:
    if starts_on > today:
        return f"from {long_day(starts_on)} until {long_day(ends_on)}"
    return f"until {long_day(ends_on)}"


def confirmation(
    *, deputy_name: str, starts_on: date, ends_on: date, moved: int, today: date
) -> str:
    """To the person who delegated."""
    lines = [
        f":white_check_mark: Your approvals go to *{escape(deputy_name)}* "
        f"{_period(starts_on, ends_on, today)} (the last day included)."
    ]
    if starts_on <= today:
        lines.append(
            f"{_items(moved).capitalize()} moved to them."
            if moved
            else "Nothing was waiting for you, so nothing moved."
        )
    else:
        lines.append("Anything waiting for you then moves to them on the first morning.")
    lines.append(
        "It ends by itself after the last day, and whatever is still waiting comes back to "
        f"you. To end it sooner: `/conduct {SUBCOMMAND} end`."
    )
    return "\n".join(lines)


def deputy_notice(
    *, delegator_name: str, starts_on: date, ends_on: date, moved: int, today: date
) -> str:
    """To the deputy, when a delegation is made."""
    lines = [
        f"*{escape(delegator_name)}* has asked you to decide their approvals "
        f"{_period(starts_on, ends_on, today)}, while they are away."
    ]
    if starts_on <= today and moved:
        lines.append(f"{_items(moved).capitalize()} moved to you: the cards follow.")
    lines.append(
        "New declarations that would go to them come to you instead. Each card says you are "
        "deciding as their deputy."
    )
    return "\n".join(lines)


def ended_for_delegator(*, deputy_name: str, moved: int, by_itself: bool, ends_on: date) -> str:
    how = (
        f"Your delegation to {escape(deputy_name)} ended after {long_day(ends_on)}."
        if by_itself
        else f"Your delegation to {escape(deputy_name)} has ended."
    )
    back = (
        f" {_items(moved).capitalize()} came back to you: the cards follow."
        if moved
        else " Nothing was waiting, so nothing came back."
    )
    return how + back


def ended_for_deputy(*, delegator_name: str, moved: int, by_itself: bool) -> str:
    how = "has ended" if by_itself else "has ended early"
    back = f" {_items(moved).capitalize()} went back to them." if moved else ""
    return f"You no longer decide for {escape(delegator_name)}: their delegation {how}." + back
