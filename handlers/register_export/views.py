"""The register export modal (bot/ui/register_export.py) rendered for Slack."""

from __future__ import annotations

from slack_sdk.models.views import View

from bot.export import FORMATS
from bot.registers import REGISTERS
from bot.ui.register_export import export_form, refusal_form
from handlers import slack_ui


def export_modal() -> View:
    return slack_ui.modal(export_form(registers=list(REGISTERS), formats=list(FORMATS)))


def refusal_modal(text: str) -> View:
    return slack_ui.modal(refusal_form(text))
