"""Relance: a self-hosted Telegram bot that politely chases unpaid invoices for freelancers."""

import os

# PTB 22 returns durations (RetryAfter.retry_after, timeouts) as timedelta when this is set, and
# warns on every use otherwise. Relance handles both forms; opting in keeps the logs clean.
os.environ.setdefault("PTB_TIMEDELTA", "1")
