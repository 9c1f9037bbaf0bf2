"""A form, described once: its fields, what each asks and accepts, and the answers read back.

Each platform renders a `Form` (Slack: a modal; Teams: a dialog) and reads what was submitted
into `Answers`, keyed by field id; the feature's rule validates them into its plain form and
reports errors keyed by the same ids, which the platform shows at the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from bot.ui.payload import Payload


class Kind(StrEnum):
    SHORT_TEXT = "short text"
    LONG_TEXT = "long text"
    NUMBER = "number"
    MONEY = "money"  # typed as text ("12.50"): the rule reads pounds and pence
    DATE = "date"
    CHOICE = "choice"
    CHOICES = "several choices"
    PERSON = "person"
    YES_NO = "yes/no"
    LINK = "link"  # a web address
    CHANNEL = "channel"  # a conversation the bot posts in (a Slack channel, a Teams channel)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    description: str = ""

    @classmethod
    def all_of(cls, labels: Mapping[Any, str]) -> tuple[Choice, ...]:
        """One choice for each value (a string or a StrEnum) and its label."""
        return tuple(cls(str(value), label) for value, label in labels.items())


@dataclass(frozen=True)
class ShownWhen:
    """A part asked only for some answers to another field (e.g. "For a gift: what sort?").

    A platform that can't hide it shows it labelled, as optional; the rule checks it on submit.
    """

    field: str
    values: frozenset[str]


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    kind: Kind
    hint: str = ""
    required: bool = True
    initial: Any = None  # text, a date, a choice's value, several values, or a person's id
    placeholder: str = ""
    choices: tuple[Choice, ...] = ()
    menu: bool = False  # a choice shown as a drop-down menu rather than every option at once
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    shown_when: ShownWhen | None = None

    @classmethod
    def limited_text(
        cls, field_id: str, label: str, kind: Kind, *, limit: int, prefill: str = "", **more: Any
    ) -> Field:
        """A text field of at most `limit` characters, pre-filled with `prefill` cut to fit
        (Slack refuses a view whose initial value is longer than the field allows)."""
        return cls(field_id, label, kind, max_length=limit, initial=prefill[:limit] or None, **more)


@dataclass(frozen=True)
class Note:
    """Text shown between fields (marked text, bot.ui.text); `small`: in small print."""

    text: str
    small: bool = False


@dataclass(frozen=True)
class Form:
    id: str  # what the platform reports on submit (Slack: the callback id)
    title: str
    submit: str
    parts: tuple[Field | Note, ...]
    close: str = "Cancel"
    payload: Payload | None = None

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(p for p in self.parts if isinstance(p, Field))

    def field(self, field_id: str) -> Field:
        return next(f for f in self.fields if f.id == field_id)


@dataclass(frozen=True)
class Answers:
    """What was submitted, by field id; a field left empty (or not shown) reads as None."""

    values: Mapping[str, Any] = field(default_factory=dict)

    def __contains__(self, field_id: object) -> bool:
        return field_id in self.values

    def text(self, field_id: str) -> str | None:
        value = self.values.get(str(field_id))
        return value if isinstance(value, str) else None

    choice = text
    person = text
    channel = text

    def date(self, field_id: str) -> date | None:
        value = self.values.get(str(field_id))
        return value if isinstance(value, date) else None

    def choices(self, field_id: str) -> tuple[str, ...]:
        """The options ticked, in the order given."""
        value = self.values.get(str(field_id))
        return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()

    def yes(self, field_id: str) -> bool | None:
        value = self.values.get(str(field_id))
        return {"yes": True, "no": False}.get(value) if isinstance(value, str) else None


FieldErrors = Mapping[str, str]
"""A rule's validation errors: a message for each field id that needs another answer."""
