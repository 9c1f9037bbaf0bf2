"""Typed payloads that round-trip through a button's value or a form's hidden metadata."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

P = TypeVar("P", bound=BaseModel)


class Payload(BaseModel):
    """A button's or a form's payload: frozen, no unknown keys, JSON on the wire."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def encode(self) -> str:
        return self.model_dump_json(exclude_none=True)


class BareNumber(Payload):
    """A payload of one whole number that goes on the wire as the bare number ("42"), as the
    Slack buttons have always carried it; decoding takes that or the object. A subclass
    declares its one field."""

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, value: Any) -> Any:
        (name,) = cls.model_fields
        return {name: value} if isinstance(value, int) else value

    def encode(self) -> str:
        (value,) = self.model_dump().values()
        return str(value)


class BadPayload(ValueError):
    """A value that did not come from us (or from an older, incompatible version)."""


def decode(model: type[P], raw: str | None) -> P:
    try:
        return model.model_validate_json(raw or "")
    except ValidationError as exc:
        raise BadPayload(f"unreadable {model.__name__}: {raw!r}") from exc


class StepRef(Payload):
    """Which approval step a button or form is about."""

    step_id: int


class Decision(Payload):
    """A decision button or the form that asks for its reason: which step, which outcome."""

    step_id: int
    outcome: str


class MessageSource(Payload):
    """The chat message a declaration was made from ("Declare this offer"): its link."""

    link: str


class DeclarationRef(Payload):
    """Which declaration a button in a person's own list is about."""

    declaration_id: int
