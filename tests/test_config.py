"""Configuration: bad values give one clear line naming the variable; a .env file is honoured."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, derive_file_url, load_config

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_defaults(tmp_path: Path) -> None:
    config = load_config({"TELEGRAM_BOT_TOKEN": TOKEN}, dotenv=None)
    assert config.base_url == "https://api.telegram.org/bot"
    assert config.base_file_url == "https://api.telegram.org/file/bot"
    assert str(config.db_path) == "data/relance.sqlite3"
    assert (config.default_locale, config.log_level, config.smtp) == ("en", "INFO", None)
    assert TOKEN not in repr(config)


def test_file_url_is_derived_from_a_self_hosted_api() -> None:
    assert derive_file_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    config = load_config(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "http://localhost:8081/bot"}, dotenv=None
    )
    assert config.base_file_url == "http://localhost:8081/file/bot"


@pytest.mark.parametrize(
    ("env", "variable", "expected"),
    [
        ({}, "TELEGRAM_BOT_TOKEN", "@BotFather"),
        ({"TELEGRAM_BOT_TOKEN": "nonsense"}, "TELEGRAM_BOT_TOKEN", "123456789:AA"),
        ({"TELEGRAM_API_BASE_URL": "ftp://x"}, "TELEGRAM_API_BASE_URL", "http(s) URL"),
        ({"RELANCE_DEFAULT_LOCALE": "pt"}, "RELANCE_DEFAULT_LOCALE", "en, fr, de, nl, es, it"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL", "DEBUG"),
        ({"SMTP_HOST": "smtp.example.com", "SMTP_SECURITY": "ssl"}, "SMTP_SECURITY", "starttls, tls or none"),
        ({"SMTP_HOST": "smtp.example.com", "SMTP_PORT": "99999", "SMTP_FROM": "a@b.co"}, "SMTP_PORT", "port"),
        ({"SMTP_HOST": "smtp.example.com"}, "SMTP_FROM", "sender address"),
        ({"RELANCE_DEFAULT_TIMEZONE": "Mars/Olympus"}, "RELANCE_DEFAULT_TIMEZONE", "Europe/Paris"),
    ],
)
def test_bad_values_name_the_variable_and_the_expected_form(
    env: dict[str, str], variable: str, expected: str
) -> None:
    if variable != "TELEGRAM_BOT_TOKEN":
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, **env}
    with pytest.raises(ConfigError) as caught:
        load_config(env, dotenv=None)
    message = str(caught.value)
    assert message.startswith(variable + ":")
    assert expected in message
    assert "\n" not in message


def test_smtp_settings_and_password_kept_out_of_repr() -> None:
    config = load_config(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "SMTP_HOST": "smtp.example.com",
            "SMTP_USERNAME": "claire",
            "SMTP_PASSWORD": "s3cret-password",
            "SMTP_SECURITY": "tls",
            "SMTP_FROM": "relance@example.com",
        },
        dotenv=None,
    )
    assert config.smtp is not None and config.smtp.port == 465
    assert "s3cret-password" not in repr(config)
    assert "s3cret-password" in config.secrets


def test_dotenv_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nLOG_LEVEL=DEBUG\nRELANCE_DB=/tmp/x.sqlite3\n")
    config = load_config({"LOG_LEVEL": "WARNING"}, dotenv=dotenv)
    assert config.token == TOKEN
    assert config.log_level == "WARNING"
    assert str(config.db_path) == "/tmp/x.sqlite3"
