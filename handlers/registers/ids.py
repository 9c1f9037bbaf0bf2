"""Every Slack id the register search, the record view and withholding use. Block ids are the
form's field names, so a validation error lands on its own field."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from handlers.metadata import Metadata


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
    WITHHOLD = "registers_withhold_form"
    REPUBLISH = "registers_republish_form"
    NOTICE = "registers_notice"


class Field(StrEnum):
    PERSON = "person"
    OFFEROR = "offeror"
    KIND = "kind"
    STATUS = "status"
    DATE_FROM = "date_from"
    DATE_TO = "date_to"
    TEXT = "text"
    GROUND = "ground"
    NOTE = "note"
    REASON = "reason"


def action_id(field: Field) -> str:
    return f"{field.value}_input"


OFFEROR_MAX = 100
TEXT_MAX = 100
NOTE_MAX = 1000


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


class WithholdMeta(Metadata):
    """The withhold / publish-again form: which declaration, and the record view beneath it,
    refreshed after the change."""

    declaration_id: int
    record_view_id: str | None = None
