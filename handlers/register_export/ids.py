"""Every Slack id of the register export: the Home button, the modal and its fields."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    # The officers' "Export" button on App Home (placed by handlers.home).
    OPEN = "registers_export"


class Callback(StrEnum):
    FORM = "registers_export_form"


class Field(StrEnum):
    """Block ids; each input's action id is the field name with "_input"."""

    REGISTER = "register"
    FORMAT = "format"
    CONTENT = "content"
    DATE_FROM = "date_from"
    DATE_TO = "date_to"


def action_id(field: Field) -> str:
    return f"{field.value}_input"


# Values of the CONTENT choice.
PUBLIC = "public"
FULL = "full"
