"""Configuration: the only module that reads the environment.

Every value is validated here so that a bad setting stops the bot at start-up with one line
naming the variable and the expected form, instead of failing later in the middle of a send.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.channels.email import SmtpSettings
from bot.i18n import SUPPORTED

SUPPORTED_LOCALES = SUPPORTED
DEFAULT_BASE_URL = "https://api.telegram.org/bot"
_TOKEN_RE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line meant for the operator."""

    def __init__(self, variable: str, expected: str) -> None:
        super().__init__(f"{variable}: {expected}")
        self.variable = variable


@dataclass(frozen=True)
class Webhook:
    """Telegram pushes updates to `url`; this process listens on `listen_host:listen_port`.

    Every request must carry `secret` in the X-Telegram-Bot-Api-Secret-Token header (PTB answers
    403 otherwise), so only Telegram can feed the bot. Several workers share one secret.
    """

    url: str
    listen_host: str
    listen_port: int
    secret: str = field(repr=False)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path.strip("/")


@dataclass(frozen=True)
class Config:
    token: str = field(repr=False)
    base_url: str
    base_file_url: str
    db_path: Path
    default_locale: str
    log_level: str
    smtp: SmtpSettings | None
    default_timezone: str = "Europe/Paris"
    secrets: tuple[str, ...] = field(default=(), repr=False)
    clock_start: datetime | None = None  # tests and demos only: the process's clock starts there
    db_url: str | None = field(default=None, repr=False)  # postgresql://…: PostgreSQL instead of SQLite
    webhook: Webhook | None = None  # None: long polling (the default, one process)
    redis_url: str | None = field(default=None, repr=False)  # Telegram's limits shared by workers

    @property
    def database(self) -> Path | str:
        """Where the data lives: the PostgreSQL URL when one is set, else the SQLite file."""
        return self.db_url or self.db_path


def _read_dotenv(path: Path) -> dict[str, str]:
    """Values of a `.env` file; the real environment wins over it."""
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def derive_file_url(base_url: str) -> str:
    """`https://host/bot` → `https://host/file/bot`, as Telegram and `telegram-bot-api` lay them out."""
    stem = base_url.rstrip("/")
    if stem.endswith("/bot"):
        return stem[: -len("/bot")] + "/file/bot"
    return stem + "/file/bot"


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip() or default
    if not re.match(r"^https?://[^\s/]+", value):
        raise ConfigError(name, f"expected an http(s) URL such as {default}, got {value!r}")
    return value


def _smtp(env: Mapping[str, str]) -> SmtpSettings | None:
    host = env.get("SMTP_HOST", "").strip()
    if not host:
        return None
    security = env.get("SMTP_SECURITY", "starttls").strip().lower()
    if security not in ("starttls", "tls", "none"):
        raise ConfigError("SMTP_SECURITY", f"expected starttls, tls or none, got {security!r}")
    default_port = {"starttls": "587", "tls": "465", "none": "25"}[security]
    port_text = env.get("SMTP_PORT", "").strip() or default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError("SMTP_PORT", f"expected a port number such as {default_port}, got {port_text!r}")
    sender = env.get("SMTP_FROM", "").strip()
    if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", sender):
        raise ConfigError("SMTP_FROM", "expected the sender address, e.g. relance@example.com")
    return SmtpSettings(
        host=host,
        port=int(port_text),
        username=env.get("SMTP_USERNAME", "").strip() or None,
        password=env.get("SMTP_PASSWORD") or None,
        security=security,  # type: ignore[arg-type]
        sender=sender,
    )


_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{16,256}")


def _webhook(env: Mapping[str, str], token: str) -> Webhook | None:
    url = env.get("RELANCE_WEBHOOK_URL", "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ConfigError(
            "RELANCE_WEBHOOK_URL", "expected the public https URL, e.g. https://relance.example.com/telegram"
        )
    listen = env.get("RELANCE_WEBHOOK_LISTEN", "").strip() or "0.0.0.0:8443"
    host, _, port_text = listen.rpartition(":")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError(
            "RELANCE_WEBHOOK_LISTEN", f"expected host:port, e.g. 127.0.0.1:8443, got {listen!r}"
        )
    secret = env.get("RELANCE_WEBHOOK_SECRET", "").strip()
    if not secret:  # the same for every worker of one bot, and not guessable without the token
        secret = hashlib.sha256(f"relance-webhook:{token}".encode()).hexdigest()
    elif not _SECRET_RE.fullmatch(secret):
        raise ConfigError(
            "RELANCE_WEBHOOK_SECRET", "expected 16 to 256 characters among A-Z, a-z, 0-9, _ and -"
        )
    return Webhook(url=url, listen_host=host.strip("[]"), listen_port=int(port_text), secret=secret)


def load_config(environ: Mapping[str, str] | None = None, *, dotenv: Path | None = Path(".env")) -> Config:
    env: dict[str, str] = dict(_read_dotenv(dotenv) if dotenv else {})
    env.update(os.environ if environ is None else environ)

    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN",
            "not set. Create a bot with @BotFather in Telegram (/newbot), then "
            "export TELEGRAM_BOT_TOKEN=<the token it gives you> (or put it in .env)",
        )
    if not _TOKEN_RE.match(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN", "expected the form 123456789:AA... given by @BotFather")

    base_url = _url(env, "TELEGRAM_API_BASE_URL", DEFAULT_BASE_URL)
    file_url = _url(env, "TELEGRAM_API_BASE_FILE_URL", derive_file_url(base_url))

    locale = env.get("RELANCE_DEFAULT_LOCALE", "en").strip().lower() or "en"
    if locale not in SUPPORTED_LOCALES:
        raise ConfigError("RELANCE_DEFAULT_LOCALE", f"expected one of {', '.join(SUPPORTED_LOCALES)}")

    level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in _LOG_LEVELS:
        raise ConfigError("LOG_LEVEL", f"expected one of {', '.join(_LOG_LEVELS)}, got {level!r}")

    timezone = env.get("RELANCE_DEFAULT_TIMEZONE", "Europe/Paris").strip() or "Europe/Paris"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("RELANCE_DEFAULT_TIMEZONE", "expected an IANA zone such as Europe/Paris") from None

    clock_text = env.get("RELANCE_CLOCK_START", "").strip()
    try:
        clock_start = datetime.fromisoformat(clock_text) if clock_text else None
    except ValueError:
        clock_start = None
    if clock_text and (clock_start is None or clock_start.tzinfo is None):
        raise ConfigError(
            "RELANCE_CLOCK_START", "expected an ISO instant with its offset, e.g. 2026-11-23T09:00:00+00:00"
        )

    db_text = env.get("RELANCE_DB", "").strip() or "./data/relance.sqlite3"
    db_url = db_text if db_text.startswith(("postgresql://", "postgres://")) else None
    if db_url is not None and not urlsplit(db_url).path.strip("/"):
        raise ConfigError(
            "RELANCE_DB", "a PostgreSQL URL names its database, e.g. postgresql://relance@localhost/relance"
        )
    smtp = _smtp(env)
    webhook = _webhook(env, token)
    redis_url = env.get("RELANCE_REDIS_URL", "").strip() or None
    if redis_url is not None and urlsplit(redis_url).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError("RELANCE_REDIS_URL", "expected a redis:// URL, e.g. redis://127.0.0.1:6379/0")
    secrets = tuple(
        s
        for s in (
            token,
            smtp.password if smtp else None,
            urlsplit(db_url).password if db_url else None,
            webhook.secret if webhook else None,
            urlsplit(redis_url).password if redis_url else None,
        )
        if s
    )
    return Config(
        token=token,
        base_url=base_url,
        base_file_url=file_url,
        db_path=Path("./data/relance.sqlite3") if db_url else Path(db_text),
        db_url=db_url,
        default_locale=locale,
        log_level=level,
        smtp=smtp,
        default_timezone=timezone,
        secrets=secrets,
        clock_start=clock_start,
        webhook=webhook,
        redis_url=redis_url,
    )
