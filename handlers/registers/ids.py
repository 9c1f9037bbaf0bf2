"""Every Slack id the register search, the record view and withholding use. Block ids are the
form's field names, so a validation error lands on its own field."""

from __future__ import annotations

from enum import StrEnum

from bot.ui.register_views import Action as Action
from bot.ui.register_views import RecordMeta as RecordMeta
from bot.ui.registers import FORM_ID as SEARCH_FORM_ID
from bot.ui.registers import OFFEROR_MAX as OFFEROR_MAX
from bot.ui.registers import TEXT_MAX as TEXT_MAX
from bot.ui.registers import SearchField
from bot.ui.registers import SearchMeta as SearchMeta
from bot.ui.withholding import NOTE_MAX as NOTE_MAX
from bot.ui.withholding import REPUBLISH_FORM_ID, WITHHOLD_FORM_ID, WithholdField
from bot.ui.withholding import WithholdMeta as WithholdMeta
from handlers.slack_ui import action_id as _action_id


class Callback(StrEnum):
    SEARCH = SEARCH_FORM_ID
    RESULTS = "registers_results"
    RECORD = "registers_record_view"
    WITHHOLD = WITHHOLD_FORM_ID
    REPUBLISH = REPUBLISH_FORM_ID
    NOTICE = "registers_notice"


class Field(StrEnum):
    PERSON = SearchField.PERSON.value
    OFFEROR = SearchField.OFFEROR.value
    KIND = SearchField.KIND.value
    STATUS = SearchField.STATUS.value
    DATE_FROM = SearchField.DATE_FROM.value
    DATE_TO = SearchField.DATE_TO.value
    TEXT = SearchField.TEXT.value
    GROUND = WithholdField.GROUND.value
    NOTE = WithholdField.NOTE.value
    REASON = WithholdField.REASON.value


def action_id(field: Field) -> str:
    return _action_id(field.value)
