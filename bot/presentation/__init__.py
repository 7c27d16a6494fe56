"""Rendering that both the handlers and the reminder engine use: texts, e-mails, keyboards, charts.

Nothing here imports bot.handlers or bot.engine."""
