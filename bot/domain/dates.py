"""Dates: read what people type for invoice and due dates, format them, and know business days.

Pure code: no I/O and never the clock, "today" is always a parameter. Errors carry a machine-readable
reason; the handlers turn them into translated sentences.

Numeric dates are read day-first ("05/01/2026" is 5 January), because Relance's users are European
and its English is British English (see `babel_locale`). Only a locale whose own short date format
is month-first (an explicit "en_US") reads them month-first. Year-first ISO "2026-12-15" is always
understood, and a date that only makes sense one way round ("12/31/2026") is read that way.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays
from babel import dates as babel_dates

from bot.domain.money import babel_locale

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_TERM_DAYS = 366
"""The longest payment term in days ("30", "45 jours", "in 60 days") we accept."""

LEGAL_MAX_PAYMENT_DAYS = 60
"""French B2B cap (Code de commerce L441-10): payment within 60 days of the invoice date."""

LEGAL_MAX_END_OF_MONTH_DAYS = 45
"""The other L441-10 cap, when agreed: 45 days end of month (counted either accepted way)."""

MAX_INPUT_LENGTH = 100


class DateErrorReason(StrEnum):
    EMPTY = "empty"
    UNPARSEABLE = "unparseable"
    IMPOSSIBLE = "impossible"
    OUT_OF_RANGE = "out_of_range"


class DateError(ValueError):
    """Why a date answer was refused; OUT_OF_RANGE means outside MIN_YEAR..MAX_YEAR or too long a term."""

    def __init__(self, reason: DateErrorReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class DueTerm:
    """A payment term read from what was typed: "30 jours", "45 jours fin de mois", "fin de mois + 45"."""

    days: int
    end_of_month: bool = False
    month_end_first: bool = False
    """True for "end of month, then + N days"; False for "+ N days, then end of that month"."""

    def due(self, issue_date: date) -> date:
        if not self.end_of_month:
            return _shift(issue_date, self.days)
        if self.month_end_first:
            return _shift(end_of_month(issue_date), self.days)
        return end_of_month(_shift(issue_date, self.days))

    @property
    def lawful_month_end(self) -> bool:
        """L441-10: "45 jours fin de mois", when agreed, is allowed beside the 60-day cap."""
        return self.end_of_month and self.days <= LEGAL_MAX_END_OF_MONTH_DAYS


class DueWarning(StrEnum):
    BEFORE_ISSUE = "before_issue"
    BEYOND_60_DAYS = "beyond_60_days"


# --- Reading dates ------------------------------------------------------------------------------

_RELATIVE_DAYS = {
    "today": 0,
    "aujourd'hui": 0,
    "aujourdhui": 0,
    "aujourd hui": 0,
    "auj": 0,
    "auj.": 0,
    "yesterday": -1,
    "hier": -1,
    "tomorrow": 1,
    "demain": 1,
    "heute": 0,
    "gestern": -1,
    "morgen": 1,  # German and Dutch alike
    "vandaag": 0,
    "gisteren": -1,
    "hoy": 0,
    "ayer": -1,
    "manana": 1,
    "oggi": 0,
    "ieri": -1,
    "domani": 1,
}
_FILLER_WORDS = {"le", "the", "of", "on", "de", "del"}
_ISO_DATE = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_NUMERIC_DATE = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})(?:\2([0-9]{4}|[0-9]{2}))?")
_DAY = re.compile(r"([0-9]{1,2})(?:er|st|nd|rd|th|e|\.|o|º)?")
_YEAR = re.compile(r"[0-9]{4}|[0-9]{2}")
_MIN_MONTH_PREFIX = 3


def parse_date(text: str, *, locale: str, today: date) -> date:
    """Read a date: "15/12/2026", "15.12", "2026-12-15", "15 déc.", "1er janvier", "Dec 15, 2026",
    "15th December", "today", "hier", "demain"...

    Month names of every language Relance speaks (English, French, German, Dutch, Spanish,
    Italian: "15. März", "3 mei", "1 de enero", "2 febbraio") are understood whatever the locale. Without a year, the year
    that puts the date closest to `today` is chosen (so within six months either way).
    Raises DateError with reason EMPTY, UNPARSEABLE, IMPOSSIBLE (31/02, month 13) or OUT_OF_RANGE
    (year before 2000 or after 2100), and nothing else.
    """
    words = _clean_input(text)
    found = _relative_date(words, today) or _numeric_date(words, locale, today) or _worded_date(words, today)
    if found is None:
        raise DateError(DateErrorReason.UNPARSEABLE)
    return _in_range(found)


def _fold(text: str) -> str:
    """Case-, accent-, apostrophe- and spacing-insensitive form: "Aujourd’hui" -> "aujourd'hui"."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(without_accents.casefold().split())


def _clean_input(text: str) -> str:
    stripped = text.strip()
    if not stripped:
        raise DateError(DateErrorReason.EMPTY)
    if len(stripped) > MAX_INPUT_LENGTH or any(unicodedata.category(ch)[0] == "C" for ch in stripped):
        raise DateError(DateErrorReason.UNPARSEABLE)
    return _fold(stripped)


def _relative_date(words: str, today: date) -> date | None:
    days = _RELATIVE_DAYS.get(words)
    return None if days is None else _shift(today, days)


def _numeric_date(words: str, locale: str, today: date) -> date | None:
    compact = re.sub(r"\s*([-/.])\s*", r"\1", words).rstrip(".")
    if iso := _ISO_DATE.fullmatch(compact):
        return _make_date(int(iso[1]), int(iso[3]), int(iso[4]))
    numeric = _NUMERIC_DATE.fullmatch(compact)
    if numeric is None:
        return None
    day, month = _day_and_month(int(numeric[1]), int(numeric[3]), _is_month_first(locale))
    return _date_with_year(day, month, numeric[4], today)


def _day_and_month(first: int, second: int, month_first: bool) -> tuple[int, int]:
    day, month = (second, first) if month_first else (first, second)
    if month > 12 >= day:
        day, month = month, day
    return day, month


def _worded_date(words: str, today: date) -> date | None:
    """ "15 dec. 2026", "december 15th, 2026", "1er janvier", "mardi 15 decembre 2026"."""
    tokens = [token for token in re.split(r"[\s,]+", words) if token and token not in _FILLER_WORDS]
    if tokens and tokens[0] in _weekday_names():
        tokens = tokens[1:]
    if len(tokens) not in (2, 3):
        return None
    month_first = _month_number(tokens[0]) is not None
    month_token, day_token = (tokens[0], tokens[1]) if month_first else (tokens[1], tokens[0])
    month, day = _month_number(month_token), _DAY.fullmatch(day_token)
    year = tokens[2] if len(tokens) == 3 else None
    if month is None or day is None or (year is not None and not _YEAR.fullmatch(year)):
        return None
    return _date_with_year(int(day[1]), month, year, today)


def _date_with_year(day: int, month: int, year: str | None, today: date) -> date:
    if year is None:
        return _nearest_date(day, month, today)
    return _make_date(_full_year(int(year), today) if len(year) == 2 else int(year), month, day)


def _full_year(two_digits: int, today: date) -> int:
    """ "26" → 2026 and "99" → 1999 (then refused as out of range): the century nearest to today."""
    century = today.year // 100 * 100
    candidates = (century - 100 + two_digits, century + two_digits, century + 100 + two_digits)
    return min(candidates, key=lambda year: abs(year - today.year))


def _make_date(year: int, month: int, day: int) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(DateErrorReason.OUT_OF_RANGE)
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(DateErrorReason.IMPOSSIBLE) from None


def _nearest_date(day: int, month: int, today: date) -> date:
    """The date with this day and month closest to today (a tie goes to this year, then the next)."""
    candidates = []
    for year in (today.year, today.year + 1, today.year - 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise DateError(DateErrorReason.IMPOSSIBLE)
    return min(candidates, key=lambda candidate: abs((candidate - today).days))


def _shift(d: date, days: int) -> date:
    try:
        return d + timedelta(days=days)
    except OverflowError:
        raise DateError(DateErrorReason.OUT_OF_RANGE) from None


def _in_range(d: date) -> date:
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise DateError(DateErrorReason.OUT_OF_RANGE)
    return d


@lru_cache(maxsize=32)
def _is_month_first(locale: str) -> bool:
    pattern = babel_dates.get_date_format("short", locale=babel_locale(locale)).pattern
    return 0 <= pattern.find("M") < pattern.find("d")


_DATE_LOCALES = ("en", "en_GB", "fr", "de", "nl", "es", "it")
"""The languages whose month and weekday names a typed date may use, whatever the user's locale."""


@lru_cache(maxsize=1)
def _month_names() -> dict[str, int]:
    """Babel's wide and abbreviated month names in Relance's languages, folded, without their dot."""
    names: dict[str, int] = {}
    for locale in _DATE_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in babel_dates.get_month_names(width, context, locale).items():
                    names[_fold(name).rstrip(".")] = number
    return names


def _month_number(token: str) -> int | None:
    """1-12 for a month name, its abbreviation, or any unambiguous 3+ letter start ("fev", "sept")."""
    word = token.rstrip(".")
    if word in _month_names():
        return _month_names()[word]
    if len(word) < _MIN_MONTH_PREFIX:
        return None
    numbers = {number for name, number in _month_names().items() if name.startswith(word)}
    return numbers.pop() if len(numbers) == 1 else None


@lru_cache(maxsize=1)
def _weekday_names() -> frozenset[str]:
    """Full weekday names only: French abbreviations clash with months ("mar." is mardi and March)."""
    return frozenset(
        _fold(name)
        for locale in _DATE_LOCALES
        for name in babel_dates.get_day_names("wide", locale=locale).values()
    )


# --- Due dates ----------------------------------------------------------------------------------

_END_OF_MONTH = (
    r"(?:fin de mois|fin du mois|end of month|eom|fdm"
    r"|monatsende|ende des monats|zum monatsende|einde maand|einde van de maand|eind van de maand"
    r"|fin de mes|fin del mes|fine mese|fine del mese|fm)"
)
_DAYS_WORD = r"(?:days?|d|jours?|j|tage?n?|dagen|dag|dias?|giorni|giorno|gg)"
_PAYMENT_TERM = re.compile(
    r"(?:in |dans |a |net ?|\+ ?|binnen |en |entro |innerhalb von |netto ?)?"
    r"(?P<days>[0-9]{1,4})"
    rf" ?{_DAYS_WORD}?"
    r"(?: net)?"
    rf"(?P<end_of_month> ?{_END_OF_MONTH})?"
)
_MONTH_END_FIRST = re.compile(
    rf"{_END_OF_MONTH} ?(?:\+|plus|et|and|und|en|y|e)? ?(?P<days>[0-9]{{1,4}}) ?{_DAYS_WORD}?"
)


def parse_due_date(text: str, *, locale: str, issue_date: date, today: date) -> date:
    """Read a due date: anything parse_date reads, or a payment term counted from the issue date.

    Terms: "30" (a bare number of days, at most 366), "30 jours", "30j", "30 days", "30d", "net 30",
    "in 45 days", "dans 45 jours", "+45", "+45j", "45 jours net", "fin de mois" / "end of month" /
    "EOM" (end of the issue month), "45 jours fin de mois" / "45 days EOM" / "45j FDM" (issue
    date + 45 days, then the end of that month) and "fin de mois + 45" / "EOM 45 days" (the end of
    the issue month, then + 45 days). German, Dutch, Spanish and Italian words work alike: "30 Tage",
    "45 dagen einde maand", "Monatsende + 10", "30 días", "60 giorni fine mese". "15/01" is a date,
    not a term.
    Raises DateError like parse_date; a term over 366 days is OUT_OF_RANGE.
    """
    return read_due_date(text, locale=locale, issue_date=issue_date, today=today)[0]


def read_due_date(text: str, *, locale: str, issue_date: date, today: date) -> tuple[date, DueTerm | None]:
    """Like `parse_due_date`, with the payment term that was typed (None for a date)."""
    term = _payment_term(_clean_input(text))
    if term is None:
        return parse_date(text, locale=locale, today=today), None
    return _in_range(term.due(issue_date)), term


def _payment_term(words: str) -> DueTerm | None:
    """The payment term `words` states, None if it is not one."""
    if re.fullmatch(_END_OF_MONTH, words):
        return DueTerm(0, end_of_month=True)
    term = _PAYMENT_TERM.fullmatch(words)
    month_end_first = term is None and (term := _MONTH_END_FIRST.fullmatch(words)) is not None
    if term is None:
        return None
    days = int(term["days"])
    if days > MAX_TERM_DAYS:
        raise DateError(DateErrorReason.OUT_OF_RANGE)
    end = month_end_first or term.groupdict().get("end_of_month") is not None
    return DueTerm(days, end_of_month=end, month_end_first=month_end_first)


def end_of_month(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def add_days_end_of_month(d: date, days: int) -> date:
    """The French "N jours fin de mois" rule: add the days, then go to the end of that month."""
    return end_of_month(d + timedelta(days=days))


def due_date_warnings(issue_date: date, due_date: date, term: DueTerm | None = None) -> list[DueWarning]:
    """What looks wrong about a due date; the handler asks the user to confirm or fix it.

    Beyond 60 days is flagged, except for an agreed "45 days end of month" (or shorter), which
    L441-10 allows as such: it reaches up to ~75 days after issue on about half of all dates.
    """
    warnings = []
    if due_date < issue_date:
        warnings.append(DueWarning.BEFORE_ISSUE)
    lawful = term is not None and term.lawful_month_end and term.due(issue_date) == due_date
    if due_date > issue_date + timedelta(days=LEGAL_MAX_PAYMENT_DAYS) and not lawful:
        warnings.append(DueWarning.BEYOND_60_DAYS)
    return warnings


# --- Formatting ---------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def format_date(d: date, locale: str, format: str = "medium") -> str:
    """Babel's "short", "medium", "long" or "full" date: "15 déc. 2026", "15 Dec 2026"."""
    return babel_dates.format_date(d, format=format, locale=babel_locale(locale))


# --- Business days ------------------------------------------------------------------------------


def holiday_calendar(country: str, subdivision: str | None = None) -> str:
    """The calendar code the business-day functions take: "FR", or "CA-QC" with a region."""
    return f"{country.upper()}-{subdivision}" if subdivision else country.upper()


def _split_calendar(calendar_code: str) -> tuple[str, str | None]:
    country, _, subdivision = calendar_code.partition("-")
    return country.upper(), subdivision or None


@lru_cache(maxsize=256)
def _public_holidays(calendar_code: str, year: int) -> frozenset[date]:
    """The calendar's public holidays that year; none for a country `holidays` does not know.

    `calendar_code` is a country ("FR") or a country and one of its regions ("CA-QC", "FR-57",
    "AU-NSW"): regions add their own holidays (Fête nationale du Québec, Saint-Étienne in Moselle).
    """
    country, subdivision = _split_calendar(calendar_code)
    try:
        return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))
    except NotImplementedError:
        if subdivision is not None:  # a region the holidays package no longer knows: the country's days
            return _public_holidays(country, year)
        return frozenset()


def holiday_subdivisions(country: str) -> tuple[str, ...]:
    """The regions with their own holidays in `country` ("QC", "ON"... for "CA"); () when none."""
    return tuple(holidays.list_supported_countries().get(country.upper(), ()))


@lru_cache(maxsize=64)
def _subdivision_names(country: str) -> dict[str, str]:
    """Region code → its name, from the holidays package's aliases (first alias wins): "QC" → "Quebec"."""
    try:
        aliases = holidays.country_holidays(country).subdivisions_aliases
    except NotImplementedError:
        return {}
    names: dict[str, str] = {}
    for name, code in aliases.items():
        names.setdefault(code, name)
    return names


def subdivision_name(country: str, subdivision: str) -> str:
    """ "Quebec" for ("CA", "QC"); the code itself when the package has no name for it."""
    return _subdivision_names(country.upper()).get(subdivision, subdivision)


def parse_subdivision(country: str, text: str) -> str | None:
    """A region of `country` typed as its code or its name ("qc", "Québec", "Moselle"); None if unknown."""
    wanted = _fold(text)
    for code in holiday_subdivisions(country):
        if _fold(code) == wanted:
            return code
    try:
        aliases = holidays.country_holidays(country.upper()).subdivisions_aliases
    except NotImplementedError:
        return None
    for name, code in aliases.items():
        if _fold(name) == wanted and code in holiday_subdivisions(country):
            return code
    return None


def is_business_day(d: date, country: str) -> bool:
    """Monday to Friday and not a public holiday of `country`: an ISO 3166 code ("FR") or a
    calendar with a region ("CA-QC", see `holiday_calendar`)."""
    return d.weekday() < 5 and d not in _public_holidays(holiday_calendar(*_split_calendar(country)), d.year)


def next_business_day(d: date, country: str) -> date:
    """`d` itself if it is a business day, else the first one after it."""
    while not is_business_day(d, country):
        d += timedelta(days=1)
    return d


def business_day_after(d: date, country: str) -> date:
    """The first business day strictly after `d`."""
    return next_business_day(d + timedelta(days=1), country)
