"""Deliver a message to a Telegram chat and classify what went wrong, for the dispatcher."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

from bot.channels.ratelimit import PER_CHAT

# send_telegram calls the raw sendMessage on purpose (see there); PTB suggests its typed method.
warnings.filterwarnings("ignore", message="Please use 'Bot.sendMessage'", category=PTBUserWarning)


class Outcome(StrEnum):
    SENT = "sent"
    TRANSIENT = "transient"  # try again later (network, 5xx, 429, SMTP 4xx)
    PERMANENT = "permanent"  # this channel will not work (blocked, chat not found, SMTP 5xx)
    AMBIGUOUS = "ambiguous"  # may or may not have been delivered (timeout after sending)


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    channel: str
    recipient: str
    message_id: str | None = None
    reason: str | None = None
    retry_after: float | None = None
    blocked: bool = False
    """Telegram answered 403: the user blocked the bot or never started it."""


def _seconds(value: object) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)  # type: ignore[arg-type]


async def send_telegram(
    bot: ExtBot[Any], chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Delivery:
    recipient = f"telegram:{chat_id}"
    try:
        pacing = PER_CHAT if bot.rate_limiter is not None else None
        # The raw API call: the dispatcher needs only the message id, and parsing the whole Message
        # back into objects was a quarter of the cost of a reminder. Errors are raised as usual.
        kwargs: dict[str, Any] = {"chat_id": chat_id, "text": text, "parse_mode": "HTML",
                                  "link_preview_options": {"is_disabled": True}}  # fmt: skip
        if markup is not None:
            kwargs["reply_markup"] = markup
        result = await bot.do_api_request("sendMessage", api_kwargs=kwargs, rate_limit_args=pacing)
    except RetryAfter as exc:
        return Delivery(
            Outcome.TRANSIENT, "telegram", recipient, reason=str(exc), retry_after=_seconds(exc.retry_after)
        )
    except TimedOut as exc:
        return Delivery(Outcome.AMBIGUOUS, "telegram", recipient, reason=f"timed out: {exc}")
    except Forbidden as exc:
        return Delivery(Outcome.PERMANENT, "telegram", recipient, reason=str(exc), blocked=True)
    except BadRequest as exc:
        return Delivery(Outcome.PERMANENT, "telegram", recipient, reason=str(exc))
    except NetworkError as exc:  # includes 5xx answers and refused connections
        return Delivery(Outcome.TRANSIENT, "telegram", recipient, reason=str(exc))
    except TelegramError as exc:
        return Delivery(Outcome.TRANSIENT, "telegram", recipient, reason=str(exc))
    return Delivery(Outcome.SENT, "telegram", recipient, message_id=str(result["message_id"]))
