"""A strict fake of the Telegram Bot API for Relance's test suite.

Telegram refuses many things a sloppy bot does (unescaped HTML, messages to users who never
started the bot, unchanged edits, stale callback queries, flooding...).  This package makes the
test suite refuse them the same way, through PTB's real request path, either in-process
(:class:`FakeRequest`) or over HTTP for a real ``relance`` subprocess
(:class:`FakeTelegramServer`).  Shared state and rules live in :class:`FakeTelegram`.
"""

from .core import (
    ApiError,
    Delivery,
    FakeCallbackQuery,
    FakeDocument,
    FakeMessage,
    FakePhoto,
    FakeTelegram,
    FakeUser,
    LoggedRequest,
    UploadedFile,
)
from .html import HtmlParseError, ParsedText, parse_html
from .request import FakeRequest
from .server import FakeTelegramServer

__all__ = [
    "ApiError",
    "Delivery",
    "FakeCallbackQuery",
    "FakeDocument",
    "FakeMessage",
    "FakePhoto",
    "FakeRequest",
    "FakeTelegram",
    "FakeTelegramServer",
    "FakeUser",
    "HtmlParseError",
    "LoggedRequest",
    "ParsedText",
    "UploadedFile",
    "parse_html",
]
