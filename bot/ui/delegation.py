"""The delegation form, described once. Field ids are bot.rules.delegation.Field, so a
validation error lands on its own field."""

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
