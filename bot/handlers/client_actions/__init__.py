"""What a client can do in Telegram: see their invoices, and answer a reminder with "✅ I've paid",
"📅 I need more time", "💬 Question" or "Stop Telegram reminders"."""

from bot.handlers.client_actions import conversation, menu, shared

__all__ = ["conversation", "menu", "shared"]
