"""Every Slack id the register search, the record view and withholding use. Block ids are the
form's field names, so a validation error lands on its own field."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

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
    SEARCH = "registers_search_form"
    RESULTS = "registers_results"
    RECORD = "registers_record_view"
    WITHHOLD = WITHHOLD_FORM_ID
    REPUBLISH = REPUBLISH_FORM_ID
    NOTICE = "registers_notice"


class Field(StrEnum):
    PERSON = "person"
    OFFEROR = "offeror"
    KIND = "kind"
    STATUS = "status"
    DATE_FROM = "date_from"
    DATE_TO = "date_to"
    TEXT = "text"
    GROUND = WithholdField.GROUND.value
    NOTE = WithholdField.NOTE.value
    REASON = WithholdField.REASON.value


def action_id(field: Field) -> str:
    return _action_id(field.value)


OFFEROR_MAX = 100
TEXT_MAX = 100


class SearchMeta(Metadata):
    """The search as asked, carried by the results view (paging, "Change search")."""

    person_id: int | None = None
    person_slack_id: str | None = None
    offeror: str = ""
    kind: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""
    offset: int = 0


class RecordMeta(Metadata):
    """The record view: which declaration, which page of its audit trail."""

    declaration_id: int
    trail_page: int = 0
