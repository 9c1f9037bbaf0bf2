"""Typed metadata round-trips through a button's `value` or a modal's `private_metadata`."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

M = TypeVar("M", bound=BaseModel)


class Metadata(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def encode(self) -> str:
        return self.model_dump_json(exclude_none=True)


class BadMetadata(ValueError):
    """A value that did not come from us (or from an older, incompatible version)."""


def decode(model: type[M], raw: str | None) -> M:
    try:
        return model.model_validate_json(raw or "")
    except ValidationError as exc:
        raise BadMetadata(f"unreadable {model.__name__}: {raw!r}") from exc


class StepRef(Metadata):
    """Which approval step a button or modal is about."""

    step_id: int


class Decision(Metadata):
    """A decision button or the form that asks for its reason: which step, which outcome."""

    step_id: int
    outcome: str


class MessageSource(Metadata):
    """The Slack message a declaration was made from ("Declare this offer")."""

    link: str


class DeclarationRef(Metadata):
    """Which declaration a button in a person's own list is about."""

    declaration_id: int
