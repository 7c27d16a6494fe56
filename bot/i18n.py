"""Translations and locale-aware formatting, with the locale always passed explicitly.

`Translator._()` returns HTML-ready text: every interpolated value is escaped unless it is
wrapped in `Html` (already-rendered markup). `Translator.plain()` is for texts sent without a
parse mode (callback answers, e-mail plain text).
"""

from __future__ import annotations

import gettext
import html
import string
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import format_decimal
from babel.support import Translations

from bot.domain.dates import format_date
from bot.domain.french import elide_placeholders
from bot.domain.money import Money, babel_locale, format_money

LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "bot"
SUPPORTED = ("en", "fr", "de", "nl", "es", "it")
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "nl": "Nederlands",
    "es": "Español",
    "it": "Italiano",
}
"""Each language named in itself, as a speaker looks for it in a list."""


class Html(str):
    """Markup that is already safe to send with parse_mode=HTML; `_()` does not escape it."""


def escape(value: object) -> Html:
    return value if isinstance(value, Html) else Html(html.escape(str(value), quote=False))


def locale_from_telegram(language_code: str | None, default: str) -> str:
    """fr-* → fr, de-AT → de, nl-BE → nl…; a language Relance does not speak → the operator's default."""
    code = (language_code or "").lower()
    for supported in SUPPORTED:
        if code == supported or code.startswith(supported + "-") or code.startswith(supported + "_"):
            return supported
    return default


def placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


@cache
def _translations(locale: str) -> gettext.NullTranslations:
    catalog = Translations.load(str(LOCALES_DIR), locales=[locale], domain=DOMAIN)
    return catalog


class Translator:
    def __init__(self, locale: str) -> None:
        if locale not in SUPPORTED:
            locale = "en"
        self.locale = locale
        self._catalog = _translations(locale)

    # Translation -------------------------------------------------------------------
    def _(self, message: str, **values: object) -> Html:
        """Translate and fill named placeholders, escaping every value for HTML."""
        text = self.fit(self._catalog.gettext(message), values)
        return Html(text.format(**{k: escape(v) for k, v in values.items()}) if values else text)

    def n_(self, singular: str, plural: str, n: int, **values: object) -> Html:
        text = self.fit(self._catalog.ngettext(singular, plural, n), values)
        return Html(text.format(n=n, **{k: escape(v) for k, v in values.items()}))

    def plain(self, message: str, **values: object) -> str:
        """Translate for a text sent without parse mode: nothing is escaped."""
        text = self.fit(self._catalog.gettext(message), values)
        return text.format(**values) if values else text

    def plain_n(self, singular: str, plural: str, n: int, **values: object) -> str:
        """`n_` for a text sent without parse mode."""
        text = self.fit(self._catalog.ngettext(singular, plural, n), values)
        return text.format(n=n, **values)

    def fit(self, text: str, values: Mapping[str, object]) -> str:
        """Adapt a translated text to the values it will hold: French elision ("d'Amélie")."""
        return elide_placeholders(text, values) if self.locale == "fr" and values else text

    # Formatting --------------------------------------------------------------------
    def money(self, minor: int, currency: str) -> str:
        return format_money(Money(minor, currency), self.locale)

    def number(self, value: int | Decimal) -> str:
        return format_decimal(value, locale=babel_locale(self.locale))

    def date(self, value: date, fmt: str = "medium") -> str:
        return format_date(value, self.locale, fmt)

    def datetime(self, value: datetime, tz: str, fmt: str = "short") -> str:
        return format_datetime(value, format=fmt, tzinfo=ZoneInfo(tz), locale=babel_locale(self.locale))

    def language_name(self, code: str) -> str:
        """The language named in itself ("Deutsch"), as language pickers show it."""
        return LANGUAGE_NAMES.get(code, code)

    def language_display(self, code: str) -> str:
        """The language named in this translator's language ("allemand" in French)."""
        return Locale.parse(self.locale).languages.get(code, code)

    def currency_name(self, code: str) -> str:
        return Locale.parse(self.locale).currencies.get(code, code)

    def country_name(self, code: str) -> str:
        """ "Canada", "Suisse": the ISO 3166 country in this language; the code when unknown."""
        return Locale.parse(self.locale).territories.get(code.upper(), code)


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where the locale is known."""
    return message


@cache
def translator(locale: str) -> Translator:
    return Translator(locale)
