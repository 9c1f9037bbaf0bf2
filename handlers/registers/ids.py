"""Every Slack id the register search, the record view and withholding use. Block ids are the
form's field names, so a validation error lands on its own field."""

from __future__ import annotations

from enum import StrEnum

from bot.ui.registers import FORM_ID as SEARCH_FORM_ID
from bot.ui.registers import OFFEROR_MAX as OFFEROR_MAX
from bot.ui.registers import TEXT_MAX as TEXT_MAX
from bot.ui.registers import SearchField
from bot.ui.registers import SearchMeta as SearchMeta
from bot.ui.withholding import NOTE_MAX as NOTE_MAX
from bot.ui.withholding import REPUBLISH_FORM_ID, WITHHOLD_FORM_ID, WithholdField
from bot.ui.withholding import WithholdMeta as WithholdMeta
from handlers.metadata import Metadata
from handlers.slack_ui import action_id as _action_id


class Action(StrEnum):
    SEARCH = "registers_search"  # the officers' Home button: open the search form
    RECORD = "registers_record"  # "View": value = the declaration id
    PAGE = "registers_page"  # Next / Previous in the results: value = the offset
    REFINE = "registers_refine"  # back from the results to the form, filled in
    TRAIL_PAGE = "registers_trail_page"  # earlier / later audit entries: value = the page
    WITHHOLD = "registers_withhold"  # value = the declaration id
    REPUBLISH = "registers_republish"  # value = the declaration id


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


class RecordMeta(Metadata):
    """The record view: which declaration, which page of its audit trail."""

    declaration_id: int
    trail_page: int = 0
