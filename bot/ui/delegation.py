"""The delegation form, described once (field ids are bot.rules.delegation.Field, so a
validation error lands on its own field), and what people are told about a delegation, in
plain words, on every platform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.rules.delegation import Field as DelegationField
from bot.ui.forms import Field, Form, Kind, Note
from bot.ui.text import escape, long_day

FORM_ID = "delegation_create"


@dataclass(frozen=True)
class Current:
    """A delegation the person already has (in force, or due to start)."""

    deputy_name: str
    starts_on: date
    ends_on: date


def delegate_form(*, today: date, current: Current | None = None, end_command: str) -> Form:
    """`end_command`: how the person ends a delegation now, in the platform's words."""
    f = DelegationField
    parts: list[Field | Note] = [
        Note(
            "Hand your approvals to a colleague while you are away (leave, sickness). "
            "Anything already waiting for you moves to them, and new declarations go to "
            "them until the last day. It ends by itself; everything still waiting then "
            "comes back to you."
        )
    ]
    if current is not None:
        starts = f"from {long_day(current.starts_on)} " if current.starts_on > today else ""
        parts.append(
            Note(
                f"Now: your approvals go to {escape(current.deputy_name)} "
                f"{starts}until {long_day(current.ends_on)}. Saving this form replaces "
                f"that; {end_command} ends it now.",
                small=True,
            )
        )
    parts += [
        Field(
            f.DEPUTY,
            "Who will decide for you?",
            Kind.PERSON,
            hint="They must be in the org chart. They see what you would have seen.",
            placeholder="Choose a colleague",
        ),
        Field(
            f.STARTS_ON,
            "From",
            Kind.DATE,
            hint="Leave as today to start now.",
            required=False,
            initial=today,
        ),
        Field(
            f.ENDS_ON,
            "Until (the last day they decide for you)",
            Kind.DATE,
            hint="Up to a year ahead.",
            placeholder="Choose a date",
        ),
    ]
    return Form(id=FORM_ID, title="Delegate approvals", submit="Delegate", parts=tuple(parts))


# -- what people are told ---------------------------------------------------------------------


def _items(count: int) -> str:
    return f"{count} waiting item{'' if count == 1 else 's'}"


def _period(starts_on: date, ends_on: date, today: date) -> str:
    if starts_on > today:
        return f"from {long_day(starts_on)} until {long_day(ends_on)}"
    return f"until {long_day(ends_on)}"


def confirmation(
    *,
    deputy_name: str,
    starts_on: date,
    ends_on: date,
    moved: int,
    today: date,
    end_command: str,
) -> str:
    """To the person who delegated; `end_command`: how they end it, in the platform's words."""
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
        f"you. To end it sooner: {end_command}."
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
