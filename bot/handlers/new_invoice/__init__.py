"""/new: register an invoice, by questions (or from a forwarded PDF), with a summary to confirm."""

from bot.handlers.new_invoice import answers, conversation, questions

__all__ = ["answers", "conversation", "questions"]
