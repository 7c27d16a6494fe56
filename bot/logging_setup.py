"""Logging with secrets redacted from every record, wherever it is handled.

httpx logs each request URL, and Telegram URLs contain the bot token; exceptions may quote URLs
too. A record factory rewrites the message and the traceback text of every record, so no handler
(console, pytest's capture, a file) ever sees a secret.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable

REDACTED = "[redacted]"
_installed_secrets: set[str] = set()


def redact(text: str) -> str:
    for secret in _installed_secrets:
        text = text.replace(secret, REDACTED)
    return text


def install_redaction(secrets: Iterable[str]) -> None:
    new = {s for s in secrets if s and len(s) >= 6}
    if not new - _installed_secrets:
        return
    first_time = not _installed_secrets
    _installed_secrets.update(new)
    if not first_time:
        return
    base_factory = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = base_factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let logging report it as usual
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
        return record

    logging.setLogRecordFactory(factory)


def setup_logging(level: str, secrets: Iterable[str]) -> None:
    install_redaction(secrets)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL (with the token) at INFO; APScheduler logs every run at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # aiosqlite logs every statement at DEBUG; LOG_LEVEL=DEBUG is meant for Relance's own records.
    for chatty in ("aiosqlite", "matplotlib", "fontTools", "PIL"):
        logging.getLogger(chatty).setLevel(max(logging.INFO, logging.getLogger().level))
