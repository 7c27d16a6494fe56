"""Inline keyboards and callback data, shared by the handlers and the reminder engine."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

CALLBACK_DATA_LIMIT = 64


def cb(prefix: str, *parts: object) -> str:
    """Callback data: a short prefix plus ids, checked against Telegram's 64-byte limit."""
    data = ":".join([prefix, *map(str, parts)])
    if len(data.encode()) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    return data


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Rows of (label, callback data) buttons."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def chunk(buttons: Sequence[tuple[str, str]], per_row: int) -> list[list[tuple[str, str]]]:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def nonempty(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """Telegram refuses an inline keyboard without buttons: send none instead."""
    return markup if markup is not None and any(markup.inline_keyboard) else None
