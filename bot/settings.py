"""One typed settings object, read once from the environment and `.env` by pydantic-settings.

The real environment wins over `.env`. An empty value counts as not set (its default
applies); a bad one is refused in one line naming its variable, never a traceback.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from bot import platform as chat
from bot.office_policy import Policy
from bot.rules.annual import MonthDay, parse_month_day
from bot.rules.chains import DEFAULT_CHAINS, parse_chain
from bot.rules.policies import valid_channel
from bot.rules.schedule import parse_leads
from bot.rules.vetting import MAX_LEAD_DAYS, parse_intervals

__all__ = ["SLACK_SECRETS", "TEAMS_SECRETS", "Policy", "Settings", "SettingsError", "load_settings"]
SLACK_SECRETS, TEAMS_SECRETS = chat.SLACK_SECRETS, chat.TEAMS_SECRETS

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///./data/nolan.db"



class SettingsError(ValueError):
    """A configuration problem, worded for a one-line message to the operator."""


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "0.0.0.0"
    port: int = 3000
    http_threads: int = 0  # requests handled at once; 0: by the database (request_threads)
    http_processes: int = 1  # processes serving PORT (bot.processes)
    delivery_process: bool = True  # the outbox and sweep in a process of their own (HTTP mode)
    home_refresh_seconds: int = 2  # a Home refresh's wait, merging the changes meanwhile
    log_level: str = "INFO"
    teams_app_id: str = ""
    teams_app_password: str = ""
    teams_tenant_id: str = ""
    teams_openid_metadata_url: str = chat.DEFAULT_TEAMS_OPENID_METADATA_URL
    teams_token_url: str = ""  # empty: Entra's for teams_tenant_id (see token_url)
    teams_graph_url: str = chat.DEFAULT_TEAMS_GRAPH_URL
    teams_service_url: str = chat.DEFAULT_TEAMS_SERVICE_URL
    policy: Policy = field(default_factory=Policy)

    @property
    def platform(self) -> chat.Platform:
        """One deployment serves one platform: Teams when TEAMS_APP_ID is set."""
        return "teams" if self.teams_app_id else "slack"

    @property
    def token_url(self) -> str:
        """Where Nolan gets its own Microsoft tokens (client credentials)."""
        return self.teams_token_url or chat.ENTRA_TOKEN_URL.format(tenant=self.teams_tenant_id)

    @property
    def request_threads(self) -> int:
        """HTTP_THREADS, else by the database: SQLite has one writer at a time (more threads
        would only queue for it), PostgreSQL takes many."""
        return self.http_threads or (16 if self.database_url.startswith("postgres") else 8)


# -- how each kind of value is read ------------------------------------------------------------
# A value of the wrong form raises _wrong_form(): the message then says what the variable must
# be (its field's description). A rule's parser raises ValueError with its own reason instead.


def _wrong_form() -> PydanticCustomError:
    return PydanticCustomError("wrong_form", "not of the expected form")


def _text(parse: Callable[[str], Any]) -> BeforeValidator:
    """Parse a variable's text with `parse`; a default (already typed) passes as it is."""
    return BeforeValidator(lambda raw: parse(raw) if isinstance(raw, str) else raw)


def _digits(raw: str) -> int:
    # ASCII only: int() would take "٠٧", and pydantic "+5" or "1_000".
    if not (raw.isascii() and raw.isdigit()):
        raise _wrong_form()
    return int(raw)


def _pence(raw: str) -> int:
    try:
        pounds = float(raw)
    except ValueError:
        raise _wrong_form() from None
    if pounds < 0 or not math.isfinite(pounds):
        raise _wrong_form()
    return round(pounds * 100)


def _hh_mm(raw: str) -> time:
    found = re.fullmatch(r"([0-9]+):([0-9]{2})", raw)
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        raise _wrong_form()
    return time(int(found[1]), int(found[2]))


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _wrong_form() from None
    return name


def _channel(raw: str) -> str:
    """A Slack or a Teams channel id; which one the platform takes is checked once it is known
    (load_settings)."""
    if raw and not (valid_channel(raw, "slack") or valid_channel(raw, "teams")):
        raise _wrong_form()
    return raw


def _yes_no(raw: str) -> bool:
    lowered = raw.lower()
    if lowered not in ("yes", "no", "true", "false", "1", "0"):
        raise _wrong_form()
    return lowered in ("yes", "true", "1")


def _leads(most: int) -> Callable[[str], tuple[int, ...]]:
    def parse(raw: str) -> tuple[int, ...]:
        leads = parse_leads(raw)
        if leads[0] > most:
            raise ValueError(f"at most {most} days ahead")
        return leads

    return parse


def _chain(text: str) -> str:
    parse_chain(text)  # ValueError names the part that is wrong
    return text


Whole = Annotated[int, _text(_digits)]
Pence = Annotated[int, _text(_pence)]
Leads = Annotated[tuple[int, ...], NoDecode]
ServiceURL = Annotated[str, AfterValidator(chat.service_url)]


def _var(default: Any, name: str, must_be: str = "") -> Any:
    return Field(default, validation_alias=name, description=must_be)


def _whole(default: int, name: str, low: int, high: int, must_be: str = "") -> Any:
    must_be = must_be or f"a whole number from {low} to {high}"
    return Field(default, validation_alias=name, description=must_be, ge=low, le=high)


# The one place defaults live: the dataclasses.
_P, _S = Policy(), Settings()
_GIVEN_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("environ", default=None)


class _Environ(EnvSettingsSource):
    """The process environment, or the mapping load_settings was given in its place (for
    tests and the CLI's `environ`). `_load_env_vars` is the hook the library's own dotenv
    source overrides; pyproject pins the version."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        given = _GIVEN_ENVIRON.get()
        return super()._load_env_vars() if given is None else dict(given)


class _Variables(BaseSettings):
    """Every variable Nolan reads: a field named as Settings or Policy names the value, read
    from the variable its alias names, checked as it is read."""

    model_config = SettingsConfigDict(
        case_sensitive=True, extra="ignore", frozen=True, validate_default=False
    )

    slack_bot_token: str = _var("", "SLACK_BOT_TOKEN")
    slack_signing_secret: str = _var("", "SLACK_SIGNING_SECRET")
    slack_app_token: str | None = _var(None, "SLACK_APP_TOKEN")
    slack_api_url: Annotated[str, AfterValidator(chat.slack_api_url)] = _var(
        _S.slack_api_url, "SLACK_API_URL"
    )
    teams_app_id: str = _var("", "TEAMS_APP_ID")
    teams_app_password: str = _var("", "TEAMS_APP_PASSWORD")
    teams_tenant_id: str = _var("", "TEAMS_TENANT_ID")
    teams_openid_metadata_url: ServiceURL = _var(
        _S.teams_openid_metadata_url, "TEAMS_OPENID_METADATA_URL"
    )
    teams_token_url: ServiceURL = _var(_S.teams_token_url, "TEAMS_TOKEN_URL")
    teams_graph_url: ServiceURL = _var(_S.teams_graph_url, "TEAMS_GRAPH_URL")
    teams_service_url: ServiceURL = _var(_S.teams_service_url, "TEAMS_SERVICE_URL")
    database_url: str = _var(_S.database_url, "DATABASE_URL")
    host: str = _var(_S.host, "HOST")
    port: Whole = _whole(_S.port, "PORT", 1, 65535, "a port number")
    http_threads: Whole = _whole(_S.http_threads, "HTTP_THREADS", 0, 256)
    http_processes: Whole = _whole(_S.http_processes, "HTTP_PROCESSES", 1, 64)
    delivery_process: Annotated[bool, _text(_yes_no)] = _var(
        _S.delivery_process, "DELIVERY_PROCESS", "yes or no"
    )
    home_refresh_seconds: Whole = _whole(_S.home_refresh_seconds, "HOME_REFRESH_SECONDS", 0, 60)
    log_level: Annotated[
        Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], _text(str.upper)
    ] = _var(_S.log_level, "LOG_LEVEL", "DEBUG, INFO, WARNING or ERROR")

    office_name: str = _var(_P.office_name, "OFFICE_NAME")
    head_of_office_title: str = _var(_P.head_of_office_title, "HEAD_OF_OFFICE_TITLE")
    monitoring_officer_title: str = _var(_P.monitoring_officer_title, "MONITORING_OFFICER_TITLE")
    vetting_officer_title: str = _var(_P.vetting_officer_title, "VETTING_OFFICER_TITLE")
    token_gift_threshold_pence: Pence = _var(
        _P.token_gift_threshold_pence, "TOKEN_GIFT_THRESHOLD_GBP", "an amount in pounds (0 or more)"
    )
    gift_value_ceiling_pence: Pence = _var(
        _P.gift_value_ceiling_pence, "GIFT_VALUE_CEILING_GBP", "an amount in pounds (0 or more)"
    )
    code_of_conduct_url: str = _var(_P.code_of_conduct_url, "CODE_OF_CONDUCT_URL")
    timezone: Annotated[str, AfterValidator(_zone)] = _var(
        _P.timezone, "TIMEZONE", "a known time zone such as Europe/London"
    )
    escalation_working_days: Whole = _whole(
        _P.escalation_working_days,
        "ESCALATION_WORKING_DAYS",
        1,
        1000,
        "a whole number of days from 1 to 1000",
    )
    sweep_time: Annotated[time, _text(_hh_mm)] = _var(
        _P.sweep_time, "SWEEP_TIME", "a time of day as HH:MM"
    )
    vetting_lead_days: Annotated[Leads, _text(_leads(MAX_LEAD_DAYS))] = _var(
        _P.vetting_lead_days, "VETTING_LEAD_DAYS"
    )
    vetting_intervals: Annotated[dict[str, int], NoDecode, _text(parse_intervals)] = _var(
        _P.vetting_intervals, "VETTING_INTERVALS"
    )
    annual_declaration_day: Annotated[MonthDay, NoDecode, _text(parse_month_day)] = _var(
        _P.annual_declaration_day, "ANNUAL_DECLARATION_DATE"
    )
    annual_declaration_reminder_weeks: Whole = _whole(
        _P.annual_declaration_reminder_weeks, "ANNUAL_DECLARATION_REMINDER_WEEKS", 0, 26,
        "a whole number of weeks from 0 to 26"
    )
    policy_lead_days: Annotated[Leads, _text(_leads(366))] = _var(
        _P.policy_lead_days, "POLICY_LEAD_DAYS"
    )
    governance_channel: Annotated[str, AfterValidator(_channel)] = _var(
        _P.governance_channel,
        "GOVERNANCE_CHANNEL",
        "a channel id such as C0123ABCDEF (not its #name), on Teams 19:…@thread.tacv2",
    )
    risk_repeat_offers: Whole = _whole(_P.risk_repeat_offers, "RISK_REPEAT_OFFERS", 2, 1000)
    risk_repeat_value_pence: Pence = _var(
        _P.risk_repeat_value_pence, "RISK_REPEAT_VALUE_GBP", "an amount in pounds (0 or more)"
    )
    risk_window_days: Whole = _whole(_P.risk_window_days, "RISK_WINDOW_DAYS", 1, 3660)
    late_declaration_days: Whole = _whole(
        _P.late_declaration_days, "LATE_DECLARATION_DAYS", 1, 3660
    )
    procurement_bidders: Annotated[
        tuple[str, ...],
        NoDecode,
        _text(lambda raw: tuple(n.strip() for n in raw.split(",") if n.strip())),
    ] = _var(_P.procurement_bidders, "PROCUREMENT_BIDDERS")
    publish_interests: Annotated[bool, _text(_yes_no)] = _var(
        _P.publish_interests, "PUBLISH_INTERESTS", "yes or no"
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, _Environ(settings_cls), dotenv_settings

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        stripped = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        return {k: v for k, v in stripped.items() if v != ""}


# The approval chain of each kind of declaration: APPROVAL_CHAIN_<KIND>, a field per kind.
_chain_fields: dict[str, Any] = {
    f"chain_{kind}": (
        Annotated[str, AfterValidator(_chain)],
        _var(text, f"APPROVAL_CHAIN_{kind.upper()}"),
    )
    for kind, text in DEFAULT_CHAINS.items()
}
Variables = create_model("Variables", __base__=_Variables, **_chain_fields)


def variables() -> list[str]:
    """The name of every environment variable Nolan reads."""
    return [str(f.validation_alias) for f in Variables.model_fields.values()]


def _field_of(name: str) -> tuple[str, FieldInfo]:
    return next((k, f) for k, f in Variables.model_fields.items() if f.validation_alias == name)


def _one_line(exc: ValidationError) -> str:
    """Each problem as "NAME must be …, got '…'" or "NAME: the parser's reason"."""
    said = []
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0])
        if error["type"] == "value_error":
            said.append(f"{name}: {error['ctx']['error']}")
            continue
        must_be = _field_of(name)[1].description
        # The input of a range check is the number read: show it as the text it was.
        got = str(error["input"])
        said.append(f"{name} must be {must_be}, got {got!r}" if must_be else f"{name}: {got!r}")
    return "; ".join(said)


@contextmanager
def _reading(environ: Mapping[str, str] | None) -> Iterator[None]:
    token = _GIVEN_ENVIRON.set(environ)
    try:
        yield
    finally:
        _GIVEN_ENVIRON.reset(token)


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    dotenv_path: str | Path | None = ".env",
    require: Iterable[str] = SLACK_SECRETS,
) -> Settings:
    """Read settings from `environ` (default: the process environment) over `dotenv_path`;
    raise SettingsError naming each missing or placeholder value in `require` (Slack's; on
    Teams, any means the Teams app's: bot.platform), or each bad value."""
    try:
        with _reading(environ):
            read = Variables(_env_file=dotenv_path)
    except ValidationError as exc:
        raise SettingsError(_one_line(exc)) from None
    require = tuple(require)
    try:
        platform = chat.choose(read.teams_app_id, read.slack_bot_token, needed=bool(require))
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    if platform == "teams" and require:
        require = TEAMS_SECRETS
    secrets = {name: getattr(read, _field_of(name)[0]) or "" for name in require}
    values = {name: getattr(read, name) for name in Variables.model_fields}
    problem = chat.secrets_problem(secrets) or chat.channel_problem(
        values["governance_channel"], platform
    )
    if problem:
        raise SettingsError(problem)
    if platform == "slack":  # a placeholder TEAMS_APP_ID counts as not set
        values["teams_app_id"] = ""
    chains = {kind: values[f"chain_{kind}"] for kind in DEFAULT_CHAINS}
    policy = Policy(
        chains=chains, **{f.name: values[f.name] for f in fields(Policy) if f.name in values}
    )
    return Settings(
        policy=policy, **{f.name: values[f.name] for f in fields(Settings) if f.name in values}
    )

