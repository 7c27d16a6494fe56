"""Money: amounts kept in minor units, read from what people type on a phone, formatted with Babel.

Pure code: no I/O, no clock. Errors carry a machine-readable reason (and the data a handler needs to
explain it); the handlers turn them into translated sentences.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from babel.core import get_global
from babel.numbers import (
    format_currency,
    get_currency_name,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
)

MAX_AMOUNT_MAJOR = Decimal(1_000_000_000)
"""The largest amount (in major units, any currency) an invoice may have; more is surely a typo."""

MAX_INPUT_LENGTH = 100
"""Longer answers are rejected before any parsing: nobody types a 100-character amount."""

_BABEL_LOCALES = {"en": "en_GB", "de": "de_DE", "nl": "nl_NL", "es": "es_ES", "it": "it_IT"}


def babel_locale(locale: str) -> str:
    """The Babel locale Relance uses for a user's language.

    Relance's users are European, so its English is British English: day-first dates ("15/12/2026")
    and "US$" for US dollars. Babel's bare "en" is American ("12/15/26", "$"). The other languages
    take the country where most of their speakers live (de_DE "1.234,56 €", nl_NL "€ 1.234,56",
    es_ES, it_IT), which is also what Babel's bare code means. Explicit locales such as "en_US",
    "nl_BE" or "fr_CH" are used as given.
    """
    return _BABEL_LOCALES.get(locale, locale)


# --- Money --------------------------------------------------------------------------------------

_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class Money:
    """An amount in minor units (cents; yen have none): Money(123456, "EUR") is 1 234,56 €."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError(f"minor must be an int, not {self.minor!r}")
        if not _CURRENCY_CODE.fullmatch(self.currency):
            raise ValueError(f"currency must be an upper-case ISO 4217 code, not {self.currency!r}")

    @classmethod
    def from_decimal(cls, value: Decimal, currency: str) -> Money:
        """Money from a major-unit Decimal; ValueError if it has more decimals than the currency."""
        sign, digits, exponent = value.as_tuple()
        if not isinstance(exponent, int):
            raise ValueError(f"not a finite amount: {value}")
        coefficient = int("".join(map(str, digits)))
        shift = exponent + currency_decimals(currency)
        if shift >= 0:
            minor = coefficient * 10**shift
        else:
            minor, remainder = divmod(coefficient, 10**-shift)
            if remainder:
                raise ValueError(f"{value} has more decimals than {currency} allows")
        return cls(-minor if sign else minor, currency)

    def to_decimal(self) -> Decimal:
        return Decimal(f"{self.minor}E-{currency_decimals(self.currency)}")

    def is_zero(self) -> bool:
        return self.minor == 0

    def __add__(self, other: Money) -> Money:
        return Money(self.minor + self._minor_of(other), self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.minor - self._minor_of(other), self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.minor < self._minor_of(other)

    def __le__(self, other: Money) -> bool:
        return self.minor <= self._minor_of(other)

    def __gt__(self, other: Money) -> bool:
        return self.minor > self._minor_of(other)

    def __ge__(self, other: Money) -> bool:
        return self.minor >= self._minor_of(other)

    def _minor_of(self, other: Money) -> int:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")
        return other.minor


def currency_decimals(currency: str) -> int:
    """How many decimals the currency uses: 2 for EUR, 0 for JPY, 3 for BHD."""
    return get_currency_precision(currency)


# --- Errors -------------------------------------------------------------------------------------


class AmountErrorReason(StrEnum):
    EMPTY = "empty"
    UNPARSEABLE = "unparseable"
    NOT_POSITIVE = "not_positive"
    TOO_LARGE = "too_large"
    TOO_MANY_DECIMALS = "too_many_decimals"
    UNKNOWN_CURRENCY = "unknown_currency"
    AMBIGUOUS_CURRENCY = "ambiguous_currency"
    AMBIGUOUS_AMOUNT = "ambiguous_amount"


class AmountError(ValueError):
    """Why an amount or currency answer was refused.

    `candidates` lists the possible ISO codes, most likely first, for AMBIGUOUS_CURRENCY.
    `currency` is the currency read, for TOO_MANY_DECIMALS and TOO_LARGE.
    `readings` are the two amounts a number like "1.234 TND" may mean, for AMBIGUOUS_AMOUNT
    (thousands first: 1 234,000 TND, then 1,234 TND): the user chooses, we never guess.
    """

    def __init__(
        self,
        reason: AmountErrorReason,
        candidates: tuple[str, ...] = (),
        currency: str | None = None,
        readings: tuple[Money, ...] = (),
    ) -> None:
        super().__init__(reason.value, candidates, currency)
        self.reason = reason
        self.candidates = candidates
        self.currency = currency
        self.readings = readings


# --- Currencies ---------------------------------------------------------------------------------

_DOLLARS = ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN")
_CROWNS = ("SEK", "NOK", "DKK", "ISK")
_FRANCS = ("CHF", "XOF", "XAF", "XPF")

_TYPED_CURRENCIES: dict[str, tuple[str, ...]] = {
    "$": _DOLLARS,
    "dollar": _DOLLARS,
    "dollars": _DOLLARS,
    "american dollar": ("USD",),
    "american dollars": ("USD",),
    "dollar americain": ("USD",),
    "dollars americains": ("USD",),
    "€": ("EUR",),
    "£": ("GBP",),
    "pound": ("GBP",),
    "pounds": ("GBP",),
    "livre": ("GBP",),
    "livres": ("GBP",),
    "sterling": ("GBP",),
    "¥": ("JPY",),
    "yen": ("JPY",),
    "yens": ("JPY",),
    "fr": ("CHF",),
    "fr.": ("CHF",),
    "sfr": ("CHF",),
    "franc": _FRANCS,
    "francs": _FRANCS,
    "kr": _CROWNS,
    "kr.": _CROWNS,
    "crown": _CROWNS,
    "crowns": _CROWNS,
    "couronne": _CROWNS,
    "couronnes": _CROWNS,
    "zł": ("PLN",),
    "zl": ("PLN",),
    "kč": ("CZK",),
    "ft": ("HUF",),
    "lei": ("RON",),
    "₺": ("TRY",),
    "₽": ("RUB",),
    "₴": ("UAH",),
}
"""What people type that Babel's symbols and names miss, or that really means several currencies.

Ambiguous entries are ordered by how likely they are for a European freelancer."""


def _fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a word: "Dollars  Américains" -> "dollars americains"."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(without_accents.casefold().split())


@lru_cache(maxsize=1)
def _active_currencies() -> frozenset[str]:
    """ISO 4217 codes that CLDR lists as legal tender today somewhere (no end date)."""
    territories = get_global("territory_currencies")
    return frozenset(
        code
        for entries in territories.values()
        for code, _start, end, tender in entries
        if end is None and tender
    )


@lru_cache(maxsize=1)
def _currency_words() -> dict[str, tuple[str, ...]]:
    """Every folded word that names a currency -> the ISO codes it may mean.

    Babel's names and symbols in Relance's languages (a word several currencies share is ambiguous),
    overridden by the ISO codes, then by the hand-written table of what people type.
    """
    words: dict[str, set[str]] = {}
    for code in sorted(_active_currencies()):
        for locale in ("en", "fr", "de", "nl", "es", "it"):  # "Schweizer Franken", "Britse pond"
            for count in (None, 2):
                words.setdefault(_fold(get_currency_name(code, count, locale=locale)), set()).add(code)
    for code in sorted(_active_currencies()):
        for locale in ("en", "en_GB", "fr", "de", "nl", "es", "it"):
            symbol = get_currency_symbol(code, locale=locale)
            if symbol != code:
                words.setdefault(_fold(symbol), set()).add(code)
    table = {word: tuple(sorted(codes)) for word, codes in words.items()}
    table.update({code.casefold(): (code,) for code in _active_currencies()})
    table.update({_fold(word): codes for word, codes in _TYPED_CURRENCIES.items()})
    return table


def _currency_candidates(text: str) -> tuple[str, ...]:
    """Codes `text` may mean, tolerating a trailing dot ("EUR.") and inner spaces ("$ CA", "US $")."""
    word = _fold(text)
    for variant in (word, word.rstrip("."), word.replace(" ", "")):
        if variant in _currency_words():
            return _currency_words()[variant]
    return ()


def _resolve_currency(text: str, default: str | None) -> str:
    """The one currency `text` names; an ambiguous symbol means `default` when it is a candidate."""
    candidates = _currency_candidates(text)
    if not candidates:
        raise AmountError(AmountErrorReason.UNKNOWN_CURRENCY)
    if len(candidates) == 1:
        return candidates[0]
    if default in candidates:
        return default
    raise AmountError(AmountErrorReason.AMBIGUOUS_CURRENCY, candidates)


def is_known_currency(code: str) -> bool:
    """Whether `code` is an active ISO 4217 code, written upper-case ("EUR", not "eur" nor "FRF")."""
    return code in _active_currencies()


def parse_currency(text: str) -> str:
    """The ISO code for a typed currency: "eur", "€", "Euro", "euros", "CHF", "livre sterling".

    Raises AmountError: EMPTY, UNKNOWN_CURRENCY, AMBIGUOUS_CURRENCY ("$", "dollars", "kr"), or
    UNPARSEABLE for control characters and answers over MAX_INPUT_LENGTH characters.
    """
    return _resolve_currency(_clean_input(text), default=None)


# --- Amounts ------------------------------------------------------------------------------------

_SIGNS = "+-\u2212"
_SPACES = " \u00a0\u202f\u2009\u2007"
_APOSTROPHES = "'\u2019"
_NUMBER = re.compile(rf"[0-9](?:[0-9.,{_SPACES}{_APOSTROPHES}]*[0-9])?")


def parse_amount(text: str, *, locale: str, default_currency: str) -> Money:
    """Read an invoice amount the way people type it: "1 234,56 €", "€1,234.56", "1200", "£99".

    The number is one run of digits and separators with an optional sign and one currency (ISO code,
    symbol or name, in any case) before or after it; no currency means `default_currency`. An
    ambiguous symbol ("$", "kr") means `default_currency` when that is one of its candidates.

    Decimal and grouping separators:
    - spaces (including no-break and narrow no-break) and apostrophes only ever group thousands;
    - when both "," and "." appear, the last one is the decimal separator, the other groups;
    - a mark appearing several times groups ("1.234.567");
    - a single mark followed by exactly 3 digits, in a number not already grouped by spaces or
      apostrophes, groups when it is not the locale's decimal separator: "1,234" is 1234 in English
      but 1,234 in French (so TOO_MANY_DECIMALS for euros); "1.234" is 1234 in French; but after a
      lone zero it is always decimal ("0,500" is never 500), and in a currency with 3 decimals
      ("1.234 TND") it is AMBIGUOUS_AMOUNT with both `readings`, whatever the language;
    - any other single mark is the decimal separator ("12,5", "12.5", "1 234.567").
    Groups after the first must have exactly 3 digits. The number of decimals typed counts, so
    "12.00 JPY" is TOO_MANY_DECIMALS.

    Raises AmountError with reason EMPTY, UNPARSEABLE, NOT_POSITIVE, TOO_MANY_DECIMALS, TOO_LARGE,
    UNKNOWN_CURRENCY, AMBIGUOUS_CURRENCY or AMBIGUOUS_AMOUNT, and nothing else.
    """
    cleaned = _clean_input(text)
    number = _NUMBER.search(cleaned)
    if number is None:
        raise AmountError(AmountErrorReason.UNPARSEABLE)
    negative, currency_text = _sign_and_currency(cleaned[: number.start()], cleaned[number.end() :])
    currency = _amount_currency(currency_text, default_currency)
    if _three_decimal_ambiguity(number.group(), currency):
        readings = tuple(
            _checked_money(*_read_number(number.group(), locale, mark), negative, currency)
            for mark in (None, number.group()[-4])
        )
        raise AmountError(AmountErrorReason.AMBIGUOUS_AMOUNT, currency=currency, readings=readings)
    whole, fraction = _read_number(number.group(), locale)
    return _checked_money(whole, fraction, negative, currency)


def _three_decimal_ambiguity(number: str, currency: str) -> bool:
    """ "1.234" or "1,234" in a currency with 3 decimals (KWD, TND, BHD...): 1234 or 1.234? Ask.

    Only a single mark followed by exactly 3 digits, after a non-zero integer part, without other
    grouping: "0,500" is decimal, "1 234.500" and "1.234.567" are not ambiguous.
    """
    marks = [ch for ch in number if ch in ".,"]
    return (
        currency_decimals(currency) == 3
        and len(marks) == 1
        and not any(ch in _SPACES + _APOSTROPHES for ch in number)
        and len(number) - number.index(marks[0]) - 1 == 3
        and number.split(marks[0])[0].lstrip("0") != ""
    )


def _clean_input(text: str) -> str:
    stripped = text.strip()
    if not stripped:
        raise AmountError(AmountErrorReason.EMPTY)
    if len(stripped) > MAX_INPUT_LENGTH or any(unicodedata.category(ch)[0] == "C" for ch in stripped):
        raise AmountError(AmountErrorReason.UNPARSEABLE)
    return stripped


def _sign_and_currency(before: str, after: str) -> tuple[bool, str]:
    """Split what surrounds the number into (is negative, currency text): "-€", "€-", "-", " EUR"."""
    before, after = before.strip(), after.strip()
    sign = ""
    if before and before[-1] in _SIGNS:
        sign, before = before[-1], before[:-1].strip()
    elif before and before[0] in _SIGNS:
        sign, before = before[0], before[1:].strip()
    leftover = before + after
    if (before and after) or any(ch in _SIGNS or ch.isdigit() for ch in leftover):
        raise AmountError(AmountErrorReason.UNPARSEABLE)
    return sign in ("-", "\u2212"), leftover


def _amount_currency(currency_text: str, default_currency: str) -> str:
    if not currency_text:
        return default_currency
    if not any(ch.isalpha() or unicodedata.category(ch) == "Sc" for ch in currency_text):
        raise AmountError(AmountErrorReason.UNPARSEABLE)
    return _resolve_currency(currency_text, default_currency)


@lru_cache(maxsize=32)
def _locale_decimal_mark(locale: str) -> str:
    return get_decimal_symbol(babel_locale(locale))


_UNSET = "unset"


def _read_number(number: str, locale: str, forced_mark: str | None = _UNSET) -> tuple[str, str]:
    """Split a typed number into its integer digits and its fraction digits (see parse_amount)."""
    mark = _decimal_mark(number, locale) if forced_mark == _UNSET else forced_mark
    if mark is None:
        whole, fraction = number, ""
    else:
        whole, _, fraction = number.rpartition(mark)
    if not re.fullmatch("[0-9]*", fraction):
        raise AmountError(AmountErrorReason.UNPARSEABLE)
    return _ungroup(whole), fraction


def _decimal_mark(number: str, locale: str) -> str | None:
    marks = [ch for ch in number if ch in ".,"]
    if not marks:
        return None
    last = marks[-1]
    if len(set(marks)) == 2:
        return last
    if len(marks) > 1:
        return None
    grouped_otherwise = any(ch in _SPACES + _APOSTROPHES for ch in number)
    digits_after = len(number) - number.index(last) - 1
    zero_before = number.split(last)[0].lstrip("0") == ""  # "0,500" is half of one, never 500
    if grouped_otherwise or digits_after != 3 or zero_before or last == _locale_decimal_mark(locale):
        return last
    return None


def _ungroup(whole: str) -> str:
    """ "1 234 567" -> "1234567"; one kind of separator, groups of 3 after the first."""
    kinds = {" " if ch in _SPACES else "'" if ch in _APOSTROPHES else ch for ch in whole if not ch.isdigit()}
    groups = re.split("[^0-9]", whole)
    well_grouped = 1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])
    if len(kinds) > 1 or (kinds and not well_grouped):
        raise AmountError(AmountErrorReason.UNPARSEABLE)
    return "".join(groups)


def _checked_money(whole: str, fraction: str, negative: bool, currency: str) -> Money:
    value = Decimal(f"{whole}.{fraction or '0'}")
    if negative or value == 0:
        raise AmountError(AmountErrorReason.NOT_POSITIVE)
    if len(fraction) > currency_decimals(currency):
        raise AmountError(AmountErrorReason.TOO_MANY_DECIMALS, currency=currency)
    if value > MAX_AMOUNT_MAJOR:
        raise AmountError(AmountErrorReason.TOO_LARGE, currency=currency)
    return Money.from_decimal(value, currency)


# --- Formatting ---------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def format_money(money: Money, locale: str) -> str:
    """ "1 234,56 €" in French, "€1,234.56" in English (Babel's own spaces: narrow no-break)."""
    return format_currency(money.to_decimal(), money.currency, locale=babel_locale(locale))


def format_major(money: Money) -> str:
    """Plain major units for CSV and machines: "1234.56", "1234" for yen."""
    return format(money.to_decimal(), "f")
