"""Every Slack id the App Home uses, and the ids of buttons other features answer."""

from __future__ import annotations

from enum import StrEnum

from handlers.metadata import Metadata

EVENT = "app_home_opened"


class Action(StrEnum):
    DECLARE_GIFT = "home_declare_gift"
    DECLARE_INTEREST = "home_declare_interest"
    ASK_OUTSIDE_WORK = "home_ask_outside_work"
    NOTIFY = "home_notify"
    SET_DELEGATION = "home_set_delegation"
    END_DELEGATION = "home_end_delegation"
    # Paging a list: value is Pages, the pages to show once pressed.
    MORE = "home_more"
    PREVIOUS = "home_previous"


class Elsewhere(StrEnum):
    """Buttons on the Home that other features answer (the registers' search, record and
    export); nothing here handles them."""

    RECORD = "registers_record"  # value: the declaration id
    SEARCH = "registers_search"
    EXPORT = "registers_export"


class Pages(Metadata):
    """Which page of each long list the Home shows (the view's private_metadata, and a
    paging button's value)."""

    mine: int = 0
    waiting: int = 0
    longest: int = 0
    flags: int = 0
