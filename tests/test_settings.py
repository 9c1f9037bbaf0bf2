"""Configuration: required secrets, placeholders, defaults, and .env precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import SettingsError, load_settings

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
