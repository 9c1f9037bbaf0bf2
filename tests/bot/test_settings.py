"""Configuration: required secrets, placeholders, defaults, and .env precedence."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from bot.cli import main
from bot.rules.chains import DEFAULT_CHAINS
from bot.settings import Policy, Settings, SettingsError, load_settings, variables

SECRETS = {"SLACK_BOT_TOKEN": "xoxb-1-real", "SLACK_SIGNING_SECRET": "abc123"}


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(SECRETS, dotenv_path=tmp_path / "none")
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == "sqlite:///./data/nolan.db"
    assert (settings.host, settings.port) == ("0.0.0.0", 3000)
    assert settings.slack_app_token is None
    assert settings.policy.token_gift_threshold_pence == 2_500
    assert settings.policy.gift_value_ceiling_pence == 1_000_000


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/api", "http://127.0.0.1:9/api/"])
def test_api_url_with_or_without_trailing_slash(url: str, tmp_path: Path) -> None:
    settings = load_settings({**SECRETS, "SLACK_API_URL": url}, dotenv_path=tmp_path / "x")
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


def test_missing_secret_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1"}, dotenv_path=tmp_path / "x")


def test_placeholder_secret_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN"):
        load_settings({**SECRETS, "SLACK_BOT_TOKEN": "xoxb-replace-me"}, dotenv_path=tmp_path / "x")


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nSLACK_SIGNING_SECRET=file\nPORT=4000\n")
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-from-env"}, dotenv_path=dotenv)
    assert settings.slack_bot_token == "xoxb-from-env"
    assert settings.slack_signing_secret == "file"
    assert settings.port == 4000


@pytest.mark.parametrize(
    ("name", "value"),
    [("PORT", "http"), ("TOKEN_GIFT_THRESHOLD_GBP", "lots"), ("TIMEZONE", "Mars/Olympus")],
)
def test_bad_values_are_named(name: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({**SECRETS, name: value}, dotenv_path=tmp_path / "x")


def test_cli_reports_missing_secret_in_one_line_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    code = main([], environ={"DATABASE_URL": f"sqlite:///{tmp_path}/n.db"})
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "SLACK_BOT_TOKEN" in err and "SLACK_SIGNING_SECRET" in err
    assert "Traceback" not in err


def test_migrate_command_creates_the_schema_on_an_empty_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    db_file = tmp_path / "deep" / "dir" / "n.db"
    assert main(["migrate"], environ={"DATABASE_URL": f"sqlite:///{db_file}"}) == 0
    assert db_file.exists()
    assert "up to date" in capsys.readouterr().out


def test_risk_and_publication_settings(tmp_path: Path) -> None:
    policy = load_settings(SECRETS, dotenv_path=tmp_path / "x").policy
    assert (policy.risk_repeat_offers, policy.risk_window_days) == (3, 365)
    assert (policy.risk_repeat_value_pence, policy.late_declaration_days) == (20_000, 28)
    assert policy.procurement_bidders == () and policy.publish_interests is False
    policy = load_settings(
        {
            **SECRETS,
            "RISK_REPEAT_OFFERS": "5",
            "RISK_REPEAT_VALUE_GBP": "150.50",
            "LATE_DECLARATION_DAYS": "14",
            "PROCUREMENT_BIDDERS": " Acme Ltd , Widget Co,",
            "PUBLISH_INTERESTS": "Yes",
        },
        dotenv_path=tmp_path / "x",
    ).policy
    assert (policy.risk_repeat_offers, policy.risk_repeat_value_pence) == (5, 15_050)
    assert policy.late_declaration_days == 14
    assert policy.procurement_bidders == ("Acme Ltd", "Widget Co")
    assert policy.publish_interests is True


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RISK_REPEAT_OFFERS", "1"),
        ("RISK_REPEAT_OFFERS", "three"),
        ("LATE_DECLARATION_DAYS", "0"),
        ("RISK_WINDOW_DAYS", "-5"),
        ("PUBLISH_INTERESTS", "maybe"),
    ],
)
def test_bad_risk_setting_is_named(name: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({**SECRETS, name: value}, dotenv_path=tmp_path / "x")


# -- every variable documented, and .env.example a working copy of the defaults -----------------

REPO = Path(__file__).resolve().parents[2]


def _documented(names: set[str], read: list[str]) -> tuple[set[str], set[str]]:
    """(read but not documented, documented but not read); `<KIND>` in a documented name
    stands for a family (APPROVAL_CHAIN_<KIND>)."""
    patterns = [re.compile(re.sub(r"<[A-Z]+>", "[A-Z_]+", name) + "$") for name in names]
    undocumented = {name for name in read if not any(p.match(name) for p in patterns)}
    unread = {
        name
        for name, pattern in zip(names, patterns, strict=True)
        if not any(pattern.match(r) for r in read)
    }
    return undocumented, unread


def test_every_variable_read_is_in_the_readme_table() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    table = set(re.findall(r"^\| `([A-Z][A-Z0-9_<>]*)` \|", section, re.MULTILINE))
    assert "APPROVAL_CHAIN_<KIND>" in table and "VETTING_OFFICER_TITLE" in table
    assert _documented(table, variables()) == (set(), set())


def test_every_variable_read_is_in_env_example() -> None:
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    listed = re.findall(r"^([A-Z][A-Z0-9_]*)=", example, re.MULTILINE)
    assert len(listed) == len(set(listed))
    assert _documented(set(listed), variables()) == (set(), set())


def test_every_setting_is_read_from_a_variable() -> None:
    """A field added to Settings or Policy without its variable would keep its default
    whatever the operator sets."""
    read = {name.lower() for name in variables()}
    wanted = {f.name for f in fields(Settings) if f.name != "policy"}
    wanted |= {f.name for f in fields(Policy) if f.name != "chains"}
    renamed = {  # read in pounds or as a date, held in pence or as (month, day)
        "token_gift_threshold_pence": "token_gift_threshold_gbp",
        "gift_value_ceiling_pence": "gift_value_ceiling_gbp",
        "risk_repeat_value_pence": "risk_repeat_value_gbp",
        "annual_declaration_day": "annual_declaration_date",
    }
    assert {renamed.get(name, name) for name in wanted} <= read


def test_env_example_as_copied_names_the_placeholders_and_holds_the_defaults() -> None:
    example = REPO / ".env.example"
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET"):
        load_settings({}, dotenv_path=example)
    settings = load_settings(SECRETS, dotenv_path=example)
    assert settings == Settings(
        slack_bot_token=SECRETS["SLACK_BOT_TOKEN"],
        slack_signing_secret=SECRETS["SLACK_SIGNING_SECRET"],
    )


def test_vetting_officer_title_and_approval_chains_are_read(tmp_path: Path) -> None:
    policy = load_settings(
        {
            **SECRETS,
            "VETTING_OFFICER_TITLE": "Head of Vetting",
            "APPROVAL_CHAIN_GIFT": " monitoring_officer:authorise ",
            "APPROVAL_CHAIN_INTEREST": "",  # empty: the default
        },
        dotenv_path=tmp_path / "x",
    ).policy
    assert policy.vetting_officer_title == "Head of Vetting"
    assert policy.chains == {**DEFAULT_CHAINS, "gift": "monitoring_officer:authorise"}
    with pytest.raises(SettingsError, match=r"^APPROVAL_CHAIN_NOTICE: 'boss:note' is not role"):
        load_settings({**SECRETS, "APPROVAL_CHAIN_NOTICE": "boss:note"}, dotenv_path=None)


def test_blank_values_count_as_not_set(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("PORT=4000\nOFFICE_NAME=  \nSLACK_APP_TOKEN=\n")
    settings = load_settings({**SECRETS, "TIMEZONE": "   "}, dotenv_path=dotenv)
    assert (settings.port, settings.slack_app_token) == (4000, None)
    assert settings.policy.office_name == Policy().office_name
    assert settings.policy.timezone == "Europe/London"
    # Set but blank in the environment, it still wins over .env: the default applies.
    assert load_settings({**SECRETS, "PORT": " "}, dotenv_path=dotenv).port == 3000
    with pytest.raises(SettingsError, match="missing required setting SLACK_SIGNING_SECRET"):
        load_settings({**SECRETS, "SLACK_SIGNING_SECRET": "  "}, dotenv_path=None)


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"PORT": "http"}, "PORT must be a port number, got 'http'"),
        ({"PORT": "70000"}, "PORT must be a port number, got '70000'"),
        (
            {"RISK_WINDOW_DAYS": "0"},
            "RISK_WINDOW_DAYS must be a whole number from 1 to 3660, got '0'",
        ),
        ({"RISK_REPEAT_OFFERS": "+5"}, "RISK_REPEAT_OFFERS must be a whole number from 2 to 1000"),
        ({"GIFT_VALUE_CEILING_GBP": "inf"}, "GIFT_VALUE_CEILING_GBP must be an amount in pounds"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got 'LOUD'"),
        ({"POLICY_LEAD_DAYS": "400"}, "POLICY_LEAD_DAYS: at most 366 days ahead"),
        (
            {"PORT": "x", "TIMEZONE": "Mars/Olympus"},
            "PORT must be a port number, got 'x'; TIMEZONE must be a known time zone such as "
            "Europe/London, got 'Mars/Olympus'",
        ),
    ],
)
def test_bad_values_are_refused_in_one_line(env: dict[str, str], said: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({**SECRETS, **env}, dotenv_path=None)
    assert str(refused.value).startswith(said)
    assert "\n" not in str(refused.value)


def test_a_bad_value_in_dotenv_is_named(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("SWEEP_TIME=7am\nSOMETHING_ELSE=ignored\n")
    with pytest.raises(
        SettingsError, match=r"^SWEEP_TIME must be a time of day as HH:MM, got '7am'$"
    ):
        load_settings(SECRETS, dotenv_path=dotenv)


def test_the_process_environment_is_read_when_none_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OFFICE_NAME", "the Office of the Mayor")
    assert load_settings(dotenv_path=tmp_path / "x").policy.office_name == "the Office of the Mayor"
    # A mapping given in its place is all there is.
    assert load_settings(SECRETS, dotenv_path=None).policy.office_name == Policy().office_name


# -- one platform per deployment: Slack or Teams -------------------------------------------------

TEAMS = {
    "TEAMS_APP_ID": "00000000-0000-0000-0000-00000000a001",
    "TEAMS_APP_PASSWORD": "client-secret",
    "TEAMS_TENANT_ID": "00000000-0000-0000-0000-00000000e001",
}


def test_teams_when_its_app_id_is_set_with_public_cloud_defaults() -> None:
    settings = load_settings(TEAMS, dotenv_path=None)
    assert settings.platform == "teams"
    assert settings.teams_openid_metadata_url == (
        "https://login.botframework.com/v1/.well-known/openidconfiguration"
    )
    assert settings.token_url == (
        f"https://login.microsoftonline.com/{TEAMS['TEAMS_TENANT_ID']}/oauth2/v2.0/token"
    )
    assert settings.teams_graph_url == "https://graph.microsoft.com/v1.0"
    assert settings.teams_service_url == "https://smba.trafficmanager.net/teams/"
    assert load_settings(SECRETS, dotenv_path=None).platform == "slack"
    local = load_settings({**TEAMS, "TEAMS_TOKEN_URL": "http://127.0.0.1:9/t"}, dotenv_path=None)
    assert local.token_url == "http://127.0.0.1:9/t"


def test_the_governance_channel_is_the_platforms() -> None:
    teams_channel = "19:a1b2c3d4e5f6@thread.tacv2"
    on_teams = load_settings({**TEAMS, "GOVERNANCE_CHANNEL": teams_channel}, dotenv_path=None)
    assert on_teams.policy.governance_channel == teams_channel
    on_slack = load_settings({**SECRETS, "GOVERNANCE_CHANNEL": "C0GOV"}, dotenv_path=None)
    assert on_slack.policy.governance_channel == "C0GOV"


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({**TEAMS, "GOVERNANCE_CHANNEL": "C0GOV"},
         "GOVERNANCE_CHANNEL must be a Teams channel id such as 19:…@thread.tacv2, got 'C0GOV'"),
        ({**SECRETS, "GOVERNANCE_CHANNEL": "19:a1@thread.tacv2"},
         "GOVERNANCE_CHANNEL must be a Slack channel id such as C0123ABCDEF"),
        ({**TEAMS, "GOVERNANCE_CHANNEL": "19:a1@thread.v2"}, "GOVERNANCE_CHANNEL must be"),
        ({**SECRETS, **TEAMS}, "both TEAMS_APP_ID and SLACK_BOT_TOKEN are set"),
        ({}, "missing required setting SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET for Slack, or "
             "TEAMS_APP_ID, TEAMS_APP_PASSWORD, TEAMS_TENANT_ID for Teams"),
        ({"TEAMS_APP_ID": "x"}, "missing required setting TEAMS_APP_PASSWORD, TEAMS_TENANT_ID"),
        ({**TEAMS, "TEAMS_APP_PASSWORD": "replace-me"}, "TEAMS_APP_PASSWORD still holds the "
                                                        "placeholder"),
        ({**TEAMS, "TEAMS_SERVICE_URL": "http://smba.example/teams"},
         "TEAMS_SERVICE_URL: 'http://smba.example/teams' is not an https:// URL"),
        ({**TEAMS, "TEAMS_GRAPH_URL": "graph"}, "TEAMS_GRAPH_URL: 'graph' is not an https://"),
    ],
)
def test_platform_and_teams_settings_refused_in_one_line(env: dict[str, str], said: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(env, dotenv_path=None)
    assert str(refused.value).startswith(said) and "\n" not in str(refused.value)


def test_placeholders_count_as_not_set_when_choosing_the_platform(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("SLACK_BOT_TOKEN=xoxb-replace-me\nSLACK_SIGNING_SECRET=replace-me\n")
    assert load_settings(TEAMS, dotenv_path=dotenv).platform == "teams"
    dotenv.write_text("TEAMS_APP_ID=replace-me\n")
    settings = load_settings(SECRETS, dotenv_path=dotenv)
    assert (settings.platform, settings.teams_app_id) == ("slack", "")
    # Commands that need no platform (migrate, export) run with neither set.
    assert load_settings({}, dotenv_path=None, require=()).platform == "slack"
