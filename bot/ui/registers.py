"""The officers' register search form, described once; its answers are carried by the results
(`SearchMeta`) for paging and "Change search"."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from bot.rules.status import DeclarationStatus
from bot.rules.words import KIND_WORDS, STATUS_WORDS
from bot.ui.forms import Answers, Choice, Field, Form, Kind, Note
from bot.ui.payload import Payload

FORM_ID = "registers_search_form"
OFFEROR_MAX = 100
TEXT_MAX = 100

STATUSES = {
    **STATUS_WORDS,
    DeclarationStatus.SUPPORTED: "Supported",
    DeclarationStatus.NOT_SUPPORTED: "Not supported",
}


class SearchField(StrEnum):
    PERSON = "person"
    OFFEROR = "offeror"
    KIND = "kind"
    STATUS = "status"
    DATE_FROM = "date_from"
    DATE_TO = "date_to"
    TEXT = "text"


class SearchMeta(Payload):
    """The search as asked, carried by the results view (paging, "Change search")."""

    person_id: int | None = None
    person_slack_id: str | None = None  # the person's id on the platform
    offeror: str = ""
    kind: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""
    offset: int = 0


def asked(answers: Answers) -> SearchMeta:
    """The search as the form was answered: the person by their id on the platform (the
    adapter adds their staff id)."""
    f = SearchField
    return SearchMeta(
        person_slack_id=answers.person(f.PERSON),
        offeror=(answers.text(f.OFFEROR) or "").strip(),
        kind=answers.choice(f.KIND),
        status=answers.choice(f.STATUS),
        date_from=answers.date(f.DATE_FROM),
        date_to=answers.date(f.DATE_TO),
        text=(answers.text(f.TEXT) or "").strip(),
    )


def _menu(field_id: str, label: str, labels: dict[str, str], initial: str | None) -> Field:
    """An optional drop-down: left empty, the search does not filter by it."""
    return Field(
        field_id,
        label,
        Kind.CHOICE,
        menu=True,
        required=False,
        choices=Choice.all_of(labels),
        initial=initial,
    )


def _term(field_id: str, label: str, hint: str, initial: str, *, max_length: int) -> Field:
    """Optional words to look for: left empty, the search does not filter by them."""
    return Field(
        field_id,
        label,
        Kind.SHORT_TEXT,
        hint=hint,
        required=False,
        max_length=max_length,
        initial=initial or None,
    )


def search_form(meta: SearchMeta | None = None) -> Form:
    """Every field optional; filled in from `meta` when coming back to change the search."""
    meta = meta or SearchMeta()
    f = SearchField
    return Form(
        id=FORM_ID,
        title="Search the registers",
        submit="Search",
        close="Close",
        parts=(
            Note(
                "Search every register: fill in what you know, leave the rest empty. "
                "Each record you open is noted in its audit trail."
            ),
            Field(
                f.PERSON,
                "Member of staff",
                Kind.PERSON,
                required=False,
                initial=meta.person_slack_id,
            ),
            _term(
                f.OFFEROR,
                "Offered by",
                "Part of the name of whoever offered a gift or hospitality",
                meta.offeror,
                max_length=OFFEROR_MAX,
            ),
            _menu(f.KIND, "Register", KIND_WORDS, meta.kind),
            _menu(f.STATUS, "Status", STATUSES, meta.status),
            Field(
                f.DATE_FROM,
                "From",
                Kind.DATE,
                hint="Gifts and hospitality by the date offered; the rest by the date declared",
                required=False,
                initial=meta.date_from,
            ),
            Field(f.DATE_TO, "To", Kind.DATE, required=False, initial=meta.date_to),
            _term(
                f.TEXT,
                "Words",
                "In the description, organisation, offeror or reference",
                meta.text,
                max_length=TEXT_MAX,
            ),
        ),
    )
