"""The office's policy: its choices where the codes leave a figure or a title open.

Read from the environment by bot.settings; built directly (with its defaults) in tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from zoneinfo import ZoneInfo

from bot.rules.annual import MonthDay
from bot.rules.chains import DEFAULT_CHAINS, Chain, parse_chain


@dataclass(frozen=True)
class Policy:
    """The office's choices where the codes leave a figure or a title open."""

    office_name: str = "the Office of the Police and Crime Commissioner"
    head_of_office_title: str = "Chief Executive"
    monitoring_officer_title: str = "Monitoring Officer"
    # The codes say "token value" without a figure (DOMAIN.md, combined-authority §15.4).
    token_gift_threshold_pence: int = 2_500
    gift_value_ceiling_pence: int = 1_000_000
    code_of_conduct_url: str = ""
    timezone: str = "Europe/London"
    # Working days a step may wait before its approver is reminded; as many again, escalated.
    escalation_working_days: int = 3
    # When the daily sweep (reminders, escalation, delegations ending) runs, office time.
    sweep_time: time = time(7, 0)
    # kind -> chain text (bot.rules.chains); parsed and checked when settings are read.
    chains: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_CHAINS))
    vetting_officer_title: str = "Vetting Officer"
    # Days before a clearance expires that its holder and the vetting officer are reminded.
    vetting_lead_days: tuple[int, ...] = (90, 30, 7, 0)
    # Years between vettings, per vetting level (upper-case); unlisted levels: 3 years.
    vetting_intervals: Mapping[str, int] = field(default_factory=dict)
    # The annual declaration's day (month, day): the start of the financial year by default.
    annual_declaration_day: MonthDay = (4, 1)
    # Weekly reminders to those who have not answered it, before the monitoring officer's list.
    annual_declaration_reminder_weeks: int = 4
    # Days before a policy's review date that its channel and its owner are reminded.
    policy_lead_days: tuple[int, ...] = (60, 30, 7)
    # Channel id (C…) for the weekly governance digest, counts only; empty: no digest.
    governance_channel: str = ""
    # Risk flags (bot.rules.risk): repeated offers from one offeror within a window, by count
    # or by cumulative value; a declaration made long after the offer or event.
    risk_repeat_offers: int = 3
    risk_repeat_value_pence: int = 20_000
    risk_window_days: int = 365
    late_declaration_days: int = 28
    # Bidders in a live procurement (names as offerors write them), besides offers the
    # declarant marks as from a bidder.
    procurement_bidders: tuple[str, ...] = ()
    # Whether `register publish` writes the staff register of interests as well as gifts.
    publish_interests: bool = False

    def chain(self, kind: str) -> Chain:
        return parse_chain(self.chains[kind])

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
