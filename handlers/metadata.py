"""Typed metadata round-trips through a button's `value` or a modal's `private_metadata`.

The payloads are platform-neutral (bot/ui/payload.py); these names stay for the listeners."""

from __future__ import annotations

from bot.ui.payload import BadPayload as BadMetadata
from bot.ui.payload import Decision, DeclarationRef, MessageSource, StepRef, decode
from bot.ui.payload import Payload as Metadata

__all__ = [
    "BadMetadata",
    "Decision",
    "DeclarationRef",
    "MessageSource",
    "Metadata",
    "StepRef",
    "decode",
]
