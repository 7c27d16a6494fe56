"""Postal addresses and phone numbers as typed in the chat: checked, normalized, or refused with a reason.

Pure: no I/O. Handlers turn a refusal's reason into a translated re-prompt with an example.
"""

from __future__ import annotations

import enum
import re
import unicodedata

import phonenumbers

ADDRESS_MAX_LINES = 6
ADDRESS_LINE_MAX_CHARS = 80
ADDRESS_MIN_CHARS = 8
PHONE_MAX_CHARS = 32
_SEPARATORS = re.compile(r"\s*[,;]\s*|\s*\n\s*")
_POSTCODE = re.compile(r"^(?:[A-Z]{1,2}-?)?\d[\dA-Z -]{2,9}\s+")


class AddressProblem(enum.Enum):
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    TOO_MANY_LINES = "too_many_lines"
    LINE_TOO_LONG = "line_too_long"
    CONTROL_CHARACTERS = "control_characters"
    NO_TOWN = "no_town"


class AddressError(ValueError):
    def __init__(self, problem: AddressProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class PhoneProblem(enum.Enum):
    NOT_A_NUMBER = "not_a_number"
    INVALID = "invalid"
    TOO_LONG = "too_long"


class PhoneError(ValueError):
    def __init__(self, problem: PhoneProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def _clean_line(line: str) -> str:
    return " ".join(line.split())


def parse_postal_address(text: str) -> str:
    """The address as lines joined by LF: one per line typed, or split at commas/semicolons when typed
    on one line ("12 rue des Lilas, 69003 Lyon"). At least a street and a town: two lines."""
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in "\n\r\t" for c in text):
        raise AddressError(AddressProblem.CONTROL_CHARACTERS)
    lines = [_clean_line(part) for part in _SEPARATORS.split(text.replace("\r", "\n"))]
    lines = [line for line in lines if line]
    if not lines:
        raise AddressError(AddressProblem.EMPTY)
    if len(lines) > ADDRESS_MAX_LINES:
        raise AddressError(AddressProblem.TOO_MANY_LINES)
    if any(len(line) > ADDRESS_LINE_MAX_CHARS for line in lines):
        raise AddressError(AddressProblem.LINE_TOO_LONG)
    if sum(map(len, lines)) < ADDRESS_MIN_CHARS:
        raise AddressError(AddressProblem.TOO_SHORT)
    if len(lines) < 2 or not any(c.isalpha() for c in lines[-1]):
        raise AddressError(AddressProblem.NO_TOWN)
    return "\n".join(lines)


def address_town(address: str) -> str:
    """The town of an address, for "Lyon, le 6 décembre 2026": the last line that starts with a postcode,
    without it ("69003 Lyon" → "Lyon"); else the last line."""
    lines = [line.strip() for line in address.split("\n") if line.strip()]
    for line in reversed(lines):
        if _POSTCODE.match(line):
            return _POSTCODE.sub("", line, count=1).strip() or line
    return lines[-1] if lines else ""


def one_line_address(address: str) -> str:
    return ", ".join(line for line in address.split("\n") if line)


def parse_phone(text: str, default_region: str) -> str:
    """A phone number in E.164 ("+33612345678"): international (+44 20 7946 0958, 0044…) or national
    to `default_region` (06 12 34 56 78 in France). Refused when it is not a valid number there."""
    cleaned = " ".join(text.split())
    if len(cleaned) > PHONE_MAX_CHARS:
        raise PhoneError(PhoneProblem.TOO_LONG)
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        number = phonenumbers.parse(cleaned, default_region.upper() or None)
    except phonenumbers.NumberParseException as exc:
        raise PhoneError(PhoneProblem.NOT_A_NUMBER) from exc
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(PhoneProblem.INVALID)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """For display: "+33 6 12 34 56 78"."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_example(region: str) -> str:
    """An example number of the region, as people write it there (for re-prompts)."""
    example = phonenumbers.example_number_for_type(region.upper(), phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        return "+33 6 12 34 56 78"
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
