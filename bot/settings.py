"""One typed settings object, read once from the environment and `.env` by pydantic-settings.

The real environment wins over `.env`. An empty value counts as not set (its default
applies); a bad one is refused in one line naming its variable, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from bot import platform as chat
from bot import setting_values as read
from bot.office_policy import Policy
from bot.rules.annual import MonthDay, parse_month_day
from bot.rules.chains import DEFAULT_CHAINS
from bot.rules.vetting import MAX_LEAD_DAYS, parse_intervals
from bot.setting_values import Leads, Pence, ServiceURL, Whole

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
    http_threads: int = 0  # requests handled at once; 0: the default (request_threads)
    http_processes: int = 1  # processes serving PORT (bot.processes)
    # The outbox and sweep in a process of their own (HTTP mode), on either database: one
    # pacer for every send, and acks that do not share a process with sending (README,
    # Benchmarks: "End to end").
    delivery_process: bool = True
    home_refresh_seconds: int = 2  # a Home refresh's wait, merging the changes meanwhile
    # How long after someone looks at their Home (Slack's tab, Teams' card) changes keep it
    # current (0: always).
    home_watch_hours: int = 8
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
        """HTTP_THREADS, else 8 whatever the database. A request's work before its ack is
        Python's and the database's CPU, so more threads than that only contend for the two:
        on PostgreSQL (scripts/bench_ack.py, 50 at once) 16 threads a process answered no
        more requests a second than 8 and their p99 was 1.4-2.3 times as long."""
        return self.http_threads or 8

    @property
    def listener_threads(self) -> int:
        """Listeners run at once: one for each request on its way to its ack, and as many
        finishing their work after it (a form opened, views.open) so that a slow Slack
        there keeps no request from being answered."""
        return 2 * self.request_threads


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

    slack_bot_token: str = read.var("", "SLACK_BOT_TOKEN")
    slack_signing_secret: str = read.var("", "SLACK_SIGNING_SECRET")
    slack_app_token: str | None = read.var(None, "SLACK_APP_TOKEN")
    slack_api_url: Annotated[str, AfterValidator(chat.slack_api_url)] = read.var(
        _S.slack_api_url, "SLACK_API_URL"
    )
    teams_app_id: str = read.var("", "TEAMS_APP_ID")
    teams_app_password: str = read.var("", "TEAMS_APP_PASSWORD")
    teams_tenant_id: str = read.var("", "TEAMS_TENANT_ID")
    teams_openid_metadata_url: ServiceURL = read.var(
        _S.teams_openid_metadata_url, "TEAMS_OPENID_METADATA_URL"
    )
    teams_token_url: ServiceURL = read.var(_S.teams_token_url, "TEAMS_TOKEN_URL")
    teams_graph_url: ServiceURL = read.var(_S.teams_graph_url, "TEAMS_GRAPH_URL")
    teams_service_url: ServiceURL = read.var(_S.teams_service_url, "TEAMS_SERVICE_URL")
    database_url: str = read.var(_S.database_url, "DATABASE_URL")
    host: str = read.var(_S.host, "HOST")
    port: Whole = read.whole(_S.port, "PORT", 1, 65535, "a port number")
    http_threads: Whole = read.whole(_S.http_threads, "HTTP_THREADS", 0, 256)
    http_processes: Whole = read.whole(_S.http_processes, "HTTP_PROCESSES", 1, 64)
    delivery_process: Annotated[bool, read.text(read.yes_no)] = read.var(
        _S.delivery_process, "DELIVERY_PROCESS", "yes or no"
    )
    home_refresh_seconds: Whole = read.whole(_S.home_refresh_seconds, "HOME_REFRESH_SECONDS", 0, 60)
    home_watch_hours: Whole = read.whole(_S.home_watch_hours, "HOME_WATCH_HOURS", 0, 720)
    log_level: Annotated[
        Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], read.text(str.upper)
    ] = read.var(_S.log_level, "LOG_LEVEL", "DEBUG, INFO, WARNING or ERROR")

    office_name: str = read.var(_P.office_name, "OFFICE_NAME")
    head_of_office_title: str = read.var(_P.head_of_office_title, "HEAD_OF_OFFICE_TITLE")
    monitoring_officer_title: str = read.var(
        _P.monitoring_officer_title, "MONITORING_OFFICER_TITLE"
    )
    vetting_officer_title: str = read.var(_P.vetting_officer_title, "VETTING_OFFICER_TITLE")
    token_gift_threshold_pence: Pence = read.var(
        _P.token_gift_threshold_pence, "TOKEN_GIFT_THRESHOLD_GBP", "an amount in pounds (0 or more)"
    )
    gift_value_ceiling_pence: Pence = read.var(
        _P.gift_value_ceiling_pence, "GIFT_VALUE_CEILING_GBP", "an amount in pounds (0 or more)"
    )
    code_of_conduct_url: str = read.var(_P.code_of_conduct_url, "CODE_OF_CONDUCT_URL")
    timezone: Annotated[str, AfterValidator(read.zone)] = read.var(
        _P.timezone, "TIMEZONE", "a known time zone such as Europe/London"
    )
    escalation_working_days: Whole = read.whole(
        _P.escalation_working_days,
        "ESCALATION_WORKING_DAYS",
        1,
        1000,
        "a whole number of days from 1 to 1000",
    )
    sweep_time: Annotated[time, read.text(read.hh_mm)] = read.var(
        _P.sweep_time, "SWEEP_TIME", "a time of day as HH:MM"
    )
    vetting_lead_days: Annotated[Leads, read.text(read.leads(MAX_LEAD_DAYS))] = read.var(
        _P.vetting_lead_days, "VETTING_LEAD_DAYS"
    )
    vetting_intervals: Annotated[dict[str, int], NoDecode, read.text(parse_intervals)] = read.var(
        _P.vetting_intervals, "VETTING_INTERVALS"
    )
    annual_declaration_day: Annotated[MonthDay, NoDecode, read.text(parse_month_day)] = read.var(
        _P.annual_declaration_day, "ANNUAL_DECLARATION_DATE"
    )
    annual_declaration_reminder_weeks: Whole = read.whole(
        _P.annual_declaration_reminder_weeks, "ANNUAL_DECLARATION_REMINDER_WEEKS", 0, 26,
        "a whole number of weeks from 0 to 26"
    )
    policy_lead_days: Annotated[Leads, read.text(read.leads(366))] = read.var(
        _P.policy_lead_days, "POLICY_LEAD_DAYS"
    )
    governance_channel: Annotated[str, AfterValidator(read.channel)] = read.var(
        _P.governance_channel,
        "GOVERNANCE_CHANNEL",
        "a channel id such as C0123ABCDEF (not its #name), on Teams 19:…@thread.tacv2",
    )
    risk_repeat_offers: Whole = read.whole(_P.risk_repeat_offers, "RISK_REPEAT_OFFERS", 2, 1000)
    risk_repeat_value_pence: Pence = read.var(
        _P.risk_repeat_value_pence, "RISK_REPEAT_VALUE_GBP", "an amount in pounds (0 or more)"
    )
    risk_window_days: Whole = read.whole(_P.risk_window_days, "RISK_WINDOW_DAYS", 1, 3660)
    late_declaration_days: Whole = read.whole(
        _P.late_declaration_days, "LATE_DECLARATION_DAYS", 1, 3660
    )
    procurement_bidders: Annotated[
        tuple[str, ...],
        NoDecode,
        read.text(lambda raw: tuple(n.strip() for n in raw.split(",") if n.strip())),
    ] = read.var(_P.procurement_bidders, "PROCUREMENT_BIDDERS")
    publish_interests: Annotated[bool, read.text(read.yes_no)] = read.var(
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
        Annotated[str, AfterValidator(read.chain)],
        read.var(text, f"APPROVAL_CHAIN_{kind.upper()}"),
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
            given = Variables(_env_file=dotenv_path)
    except ValidationError as exc:
        raise SettingsError(_one_line(exc)) from None
    require = tuple(require)
    try:
        platform = chat.choose(given.teams_app_id, given.slack_bot_token, needed=bool(require))
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    if platform == "teams" and require:
        require = TEAMS_SECRETS
    secrets = {name: getattr(given, _field_of(name)[0]) or "" for name in require}
    values = {name: getattr(given, name) for name in Variables.model_fields}
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

