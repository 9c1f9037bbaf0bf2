"""One typed settings object, read once from the environment and `.env`.

The real environment wins over `.env` so a deployment can override a checked-in file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.rules.annual import MonthDay, parse_month_day
from bot.rules.chains import DEFAULT_CHAINS, Chain, parse_chain
from bot.rules.policies import valid_channel
from bot.rules.schedule import parse_leads
from bot.rules.vetting import DEFAULT_LEADS, MAX_LEAD_DAYS, parse_intervals

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///./data/nolan.db"

# Values copied unchanged from .env.example must not pass for real secrets.
_PLACEHOLDER_MARKERS = ("replace-me", "your-", "changeme", "xoxb-...", "xapp-...")


class SettingsError(ValueError):
    """A configuration problem, worded for a one-line message to the operator."""


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


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "0.0.0.0"
    port: int = 3000
    log_level: str = "INFO"
    policy: Policy = field(default_factory=Policy)


SLACK_SECRETS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")


def _is_placeholder(value: str) -> bool:
    lowered = value.lower()
    return any(marker in lowered for marker in _PLACEHOLDER_MARKERS)


def _pounds_to_pence(name: str, raw: str) -> int:
    try:
        pounds = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an amount in pounds, got {raw!r}") from None
    if pounds < 0:
        raise SettingsError(f"{name} must not be negative, got {raw!r}")
    return round(pounds * 100)


def normalise_api_url(url: str) -> str:
    """slack_sdk joins method names onto the base URL, so it must end with a slash."""
    url = url.strip()
    return url if url.endswith("/") else url + "/"


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    dotenv_path: str | Path | None = ".env",
    require: Iterable[str] = SLACK_SECRETS,
) -> Settings:
    """Read settings; raise SettingsError naming each missing or placeholder value in `require`."""
    values: dict[str, str] = {}
    if dotenv_path is not None and Path(dotenv_path).is_file():
        values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str, default: str = "") -> str:
        return values.get(name, "").strip() or default

    missing = [name for name in require if not get(name)]
    if missing:
        raise SettingsError(f"missing required setting {', '.join(missing)} (see .env.example)")
    fake = [name for name in require if _is_placeholder(get(name))]
    if fake:
        raise SettingsError(f"{', '.join(fake)} still holds the placeholder from .env.example")

    port_raw = get("PORT", "3000")
    if not (port_raw.isascii() and port_raw.isdigit()) or not 0 < int(port_raw) < 65536:
        raise SettingsError(f"PORT must be a port number, got {port_raw!r}")

    timezone = get("TIMEZONE", "Europe/London")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"TIMEZONE is not a known time zone: {timezone!r}") from None

    chains = dict(DEFAULT_CHAINS)
    for kind in DEFAULT_CHAINS:
        name = f"APPROVAL_CHAIN_{kind.upper()}"
        if get(name):
            try:
                parse_chain(get(name))
            except ValueError as exc:
                raise SettingsError(f"{name}: {exc}") from None
            chains[kind] = get(name)
    days_raw = get("ESCALATION_WORKING_DAYS", "3")
    if not (days_raw.isascii() and days_raw.isdigit()) or int(days_raw) < 1:
        raise SettingsError(
            f"ESCALATION_WORKING_DAYS must be a whole number of days, got {days_raw!r}"
        )

    sweep_raw = get("SWEEP_TIME", "07:00")
    hour, _, minute = sweep_raw.partition(":")
    if not (sweep_raw.isascii() and hour.isdigit() and minute.isdigit()) or len(minute) != 2:
        raise SettingsError(f"SWEEP_TIME must be a time of day as HH:MM, got {sweep_raw!r}")
    if int(hour) > 23 or int(minute) > 59:
        raise SettingsError(f"SWEEP_TIME must be a time of day as HH:MM, got {sweep_raw!r}")
    sweep_time = time(int(hour), int(minute))

    try:
        vetting_lead_days = parse_leads(get("VETTING_LEAD_DAYS", DEFAULT_LEADS))
    except ValueError as exc:
        raise SettingsError(f"VETTING_LEAD_DAYS: {exc}") from None
    if vetting_lead_days[0] > MAX_LEAD_DAYS:
        raise SettingsError(f"VETTING_LEAD_DAYS: at most {MAX_LEAD_DAYS} days ahead")
    try:
        vetting_intervals = parse_intervals(get("VETTING_INTERVALS"))
    except ValueError as exc:
        raise SettingsError(f"VETTING_INTERVALS: {exc}") from None

    try:
        annual_day = parse_month_day(get("ANNUAL_DECLARATION_DATE", "04-01"))
    except ValueError as exc:
        raise SettingsError(f"ANNUAL_DECLARATION_DATE: {exc}") from None
    weeks_raw = get("ANNUAL_DECLARATION_REMINDER_WEEKS", "4")
    if not (weeks_raw.isascii() and weeks_raw.isdigit()) or int(weeks_raw) > 26:
        raise SettingsError(
            "ANNUAL_DECLARATION_REMINDER_WEEKS must be a whole number of weeks from 0 to 26, "
            f"got {weeks_raw!r}"
        )

    try:
        policy_lead_days = parse_leads(get("POLICY_LEAD_DAYS", "60,30,7"))
    except ValueError as exc:
        raise SettingsError(f"POLICY_LEAD_DAYS: {exc}") from None
    if policy_lead_days[0] > 366:
        raise SettingsError("POLICY_LEAD_DAYS: at most 366 days ahead")
    governance_channel = get("GOVERNANCE_CHANNEL")
    if governance_channel and not valid_channel(governance_channel):
        raise SettingsError(
            "GOVERNANCE_CHANNEL must be a channel id such as C0123ABCDEF (not its #name), "
            f"got {governance_channel!r}"
        )

    def whole(name: str, default: str, low: int = 0, high: int = 100_000) -> int:
        raw = get(name, default)
        if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
            raise SettingsError(f"{name} must be a whole number from {low} to {high}, got {raw!r}")
        return int(raw)

    publish_raw = get("PUBLISH_INTERESTS", "no").lower()
    if publish_raw not in ("yes", "no", "true", "false", "1", "0"):
        raise SettingsError(f"PUBLISH_INTERESTS must be yes or no, got {publish_raw!r}")

    policy = Policy(
        office_name=get("OFFICE_NAME", Policy.office_name),
        head_of_office_title=get("HEAD_OF_OFFICE_TITLE", Policy.head_of_office_title),
        monitoring_officer_title=get("MONITORING_OFFICER_TITLE", Policy.monitoring_officer_title),
        token_gift_threshold_pence=_pounds_to_pence(
            "TOKEN_GIFT_THRESHOLD_GBP", get("TOKEN_GIFT_THRESHOLD_GBP", "25")
        ),
        gift_value_ceiling_pence=_pounds_to_pence(
            "GIFT_VALUE_CEILING_GBP", get("GIFT_VALUE_CEILING_GBP", "10000")
        ),
        code_of_conduct_url=get("CODE_OF_CONDUCT_URL"),
        timezone=timezone,
        escalation_working_days=int(days_raw),
        sweep_time=sweep_time,
        chains=chains,
        vetting_officer_title=get("VETTING_OFFICER_TITLE", Policy.vetting_officer_title),
        vetting_lead_days=vetting_lead_days,
        vetting_intervals=vetting_intervals,
        annual_declaration_day=annual_day,
        annual_declaration_reminder_weeks=int(weeks_raw),
        policy_lead_days=policy_lead_days,
        governance_channel=governance_channel,
        risk_repeat_offers=whole("RISK_REPEAT_OFFERS", "3", 2, 1000),
        risk_repeat_value_pence=_pounds_to_pence(
            "RISK_REPEAT_VALUE_GBP", get("RISK_REPEAT_VALUE_GBP", "200")
        ),
        risk_window_days=whole("RISK_WINDOW_DAYS", "365", 1, 3660),
        late_declaration_days=whole("LATE_DECLARATION_DAYS", "28", 1, 3660),
        procurement_bidders=tuple(
            name.strip() for name in get("PROCUREMENT_BIDDERS").split(",") if name.strip()
        ),
        publish_interests=publish_raw in ("yes", "true", "1"),
    )
    return Settings(
        slack_bot_token=get("SLACK_BOT_TOKEN"),
        slack_signing_secret=get("SLACK_SIGNING_SECRET"),
        slack_app_token=get("SLACK_APP_TOKEN") or None,
        slack_api_url=normalise_api_url(get("SLACK_API_URL", DEFAULT_SLACK_API_URL)),
        database_url=get("DATABASE_URL", DEFAULT_DATABASE_URL),
        host=get("HOST", "0.0.0.0"),
        port=int(port_raw),
        log_level=get("LOG_LEVEL", "INFO").upper(),
        policy=policy,
    )
