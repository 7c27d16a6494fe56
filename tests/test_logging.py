"""Secrets never reach a log line, even inside exception texts."""

from __future__ import annotations

import logging

import pytest

from bot.logging_setup import install_redaction

SECRET = "987654:SECRET-abcdefghijklmnopqrstuvwxyz"


def test_token_is_redacted_from_messages_arguments_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    install_redaction([SECRET])
    log = logging.getLogger("httpx")
    with caplog.at_level(logging.DEBUG):
        log.info("HTTP Request: POST https://api.telegram.org/bot%s/getMe", SECRET)
        try:
            raise RuntimeError(f"failed https://api.telegram.org/bot{SECRET}/sendMessage")
        except RuntimeError:
            logging.getLogger("relance").exception("send failed")
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert SECRET not in text
    assert "[redacted]" in text
