"""Checks of what a freelancer types: names, e-mail addresses, IBAN/BIC, countries, links, days, times.

Pure functions: each returns the normalized value or raises `InvalidValue` with a `Problem` that
the interface turns into a message in the user's language (with an example). Handlers and the
e-mail channel use the same checks, so a value is accepted the same way wherever it is typed.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from email_validator import EmailNotValidError, validate_email
from holidays import list_supported_countries
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

MAX_NAME_LENGTH = 80
MAX_LINK_LENGTH = 300
MAX_PAYMENT_TERM_DAYS = 120
SEND_HOURS = (8, 20)
"""Reminders go out between 08:00 and 19:59 in the freelancer's time zone."""


class Problem(StrEnum):
    CONTROL_CHARACTERS = "control_characters"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    EMAIL = "email"
    IBAN = "iban"
    BIC = "bic"
    COUNTRY = "country"
    LINK = "link"
    PAYMENT_TERM = "payment_term"
    SEND_TIME = "send_time"


class InvalidValue(ValueError):
    """The typed value is refused; `length` is set for TOO_LONG."""

    def __init__(self, problem: Problem, *, length: int = 0) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.length = length


def clean_text(text: str) -> str:
    """Drop control and format characters (NUL, zero-width, RTL marks) and fold white space."""
    kept = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    return " ".join(kept.split())


def name(text: str) -> str:
    """A client, contact or business name: 1 to 80 characters, no control characters."""
    if any(unicodedata.category(c) == "Cc" and not c.isspace() for c in text):
        raise InvalidValue(Problem.CONTROL_CHARACTERS)
    cleaned = clean_text(" ".join(text.split()))
    if not cleaned:
        raise InvalidValue(Problem.EMPTY)
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidValue(Problem.TOO_LONG, length=len(cleaned))
    return cleaned


def email_address(address: str) -> str:
    """The normalized form of a bare e-mail address (no display name).

    Mailbox names must be ASCII (no SMTPUTF8, which many servers lack); an internationalized
    domain comes back in its ASCII (punycode) form.
    """
    try:
        result = validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise InvalidValue(Problem.EMAIL) from exc
    return result.ascii_email or result.normalized


def typed_email_address(text: str) -> str:
    """An address typed in a message: one line, invisible characters dropped."""
    address = "" if "\r" in text or "\n" in text.strip() else clean_text(text)
    return email_address(address)


def holiday_country(text: str) -> str:
    """A two-letter country code whose public holidays are known."""
    code = clean_text(text).upper()
    if code not in list_supported_countries():
        raise InvalidValue(Problem.COUNTRY)
    return code


def payment_term_days(text: str) -> int:
    """`30`, `45 j`, `60 days`: 0 to 120 days."""
    digits = re.fullmatch(r"(\d{1,3})\s*(j|d|jours?|days?)?", clean_text(text).lower())
    if not digits or not 0 <= int(digits[1]) <= MAX_PAYMENT_TERM_DAYS:
        raise InvalidValue(Problem.PAYMENT_TERM)
    return int(digits[1])


def iban(text: str) -> str:
    """The compact IBAN (check digits and country format verified)."""
    try:
        return IBAN(clean_text(text)[:60]).compact
    except SchwiftyException:
        raise InvalidValue(Problem.IBAN) from None


def bic(text: str) -> str:
    try:
        return str(BIC(clean_text(text)[:20]))
    except SchwiftyException:
        raise InvalidValue(Problem.BIC) from None


def payment_link(text: str) -> str:
    """An http(s) link with a host that has a dot, at most 300 characters."""
    link = clean_text(text)
    if not re.fullmatch(r"https?://[^\s<>\"]+\.[^\s<>\"]+", link) or len(link) > MAX_LINK_LENGTH:
        raise InvalidValue(Problem.LINK)
    return link


def send_time(text: str) -> str:
    """`9`, `9h30`, `09:30` → "09:30", between 08:00 and 19:59."""
    match = re.fullmatch(r"(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?)?", clean_text(text))
    if match:
        hour, minute = int(match[1]), int(match[2] or 0)
        if SEND_HOURS[0] <= hour < SEND_HOURS[1] and minute < 60:
            return f"{hour:02d}:{minute:02d}"
    raise InvalidValue(Problem.SEND_TIME)
