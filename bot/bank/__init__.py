"""Bank reconciliation: read statements, match credits to open invoices, record the payments.

parse (pure) → matching (pure) → service (storage, reminders). Telegram handlers call the service only.
"""

from bot.bank.csv_import import MappingNeeded, header_key
from bot.bank.model import BankLine, CsvMapping, Statement, StatementError
from bot.bank.parse import detect_format, parse_statement

__all__ = [
    "BankLine",
    "CsvMapping",
    "MappingNeeded",
    "Statement",
    "StatementError",
    "detect_format",
    "header_key",
    "parse_statement",
]
