"""Catalogs: every message of the code is translated in every language, with the same placeholders and tags."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.support import Translations

from bot.i18n import LANGUAGE_NAMES, LOCALES_DIR, SUPPORTED, Translator, locale_from_telegram
from bot.i18n_tools import load, problems

BOT_DIR = Path(__file__).resolve().parents[1] / "bot"
KEYWORDS = {**DEFAULT_KEYWORDS, "n_": (1, 2), "plain": None, "N_": None}
CATALOGS = sorted(p.parent.parent.name for p in LOCALES_DIR.glob("*/LC_MESSAGES/bot.po"))
"""Every language with a catalog: a new locales/xx/ directory is tested without touching this file."""
TRANSLATED = [code for code in CATALOGS if code != "en"]
TAG = re.compile(r"</?[a-z]+[^>]*>")


def messages_in_code() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(BOT_DIR), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_catalog_is_a_supported_language_and_de_nl_are_there() -> None:
    assert set(CATALOGS) <= set(SUPPORTED), "add the language to bot.i18n.SUPPORTED and LANGUAGE_NAMES"
    assert {"en", "fr", "de", "nl"} <= set(CATALOGS)
    assert set(LANGUAGE_NAMES) == set(SUPPORTED)
    assert LANGUAGE_NAMES["de"] == "Deutsch" and LANGUAGE_NAMES["nl"] == "Nederlands"


@pytest.mark.parametrize("locale", CATALOGS)
def test_catalog_is_complete_with_matching_placeholders(locale: str) -> None:
    catalog = load(LOCALES_DIR / locale / "LC_MESSAGES" / "bot.po")
    assert problems(catalog) == []
    in_catalog = {m.id[0] if isinstance(m.id, tuple | list) else m.id for m in catalog if m.id}
    missing = messages_in_code() - in_catalog
    assert not missing, f"run `make translations`, then translate: {sorted(missing)[:5]}"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_html_tags_are_those_of_the_english_text(locale: str) -> None:
    """Telegram refuses a message whose tags do not match: a translation keeps the tags of its msgid."""
    catalog = load(LOCALES_DIR / locale / "LC_MESSAGES" / "bot.po")
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        expected = sorted(TAG.findall(ids[0]))
        wrong += [ids[0] for text in strings if sorted(TAG.findall(text or "")) != expected]
    assert wrong == []


@pytest.mark.parametrize("locale", TRANSLATED)
def test_compiled_catalog_loads_and_translates(locale: str) -> None:
    """The .mo file (a build output, `make translations`) is there and is this language, not English."""
    assert (LOCALES_DIR / locale / "LC_MESSAGES" / "bot.mo").is_file()
    catalog = Translations.load(str(LOCALES_DIR), locales=[locale], domain="bot")
    assert isinstance(catalog, Translations)
    tr = Translator(locale)
    assert tr.locale == locale
    assert tr._("Saved.") != "Saved."
    assert tr.plain_n("{n} day", "{n} days", 3) not in ("3 day", "3 days")


@pytest.mark.parametrize(
    ("locale", "money", "day"),
    [
        ("en", "€1,234.56", "15 Dec 2026"),
        ("fr", "1\u202f234,56\xa0€", "15 déc. 2026"),
        ("de", "1.234,56\xa0€", "15.12.2026"),
        ("nl", "€\xa01.234,56", "15 dec 2026"),
        ("es", "1.234,56\xa0€", "15 dic 2026"),
        ("it", "1.234,56\xa0€", "15 dic 2026"),
    ],
)
def test_money_and_dates_are_written_the_way_each_country_writes_them(
    locale: str, money: str, day: str
) -> None:
    tr = Translator(locale)
    assert tr.money(123456, "EUR") == money
    assert tr.date(date(2026, 12, 15)) == day
    assert tr.number(1234567) == money_digits(locale)


def money_digits(locale: str) -> str:
    return {"en": "1,234,567", "fr": "1\u202f234\u202f567", "de": "1.234.567", "nl": "1.234.567",
            "es": "1.234.567", "it": "1.234.567"}[locale]  # fmt: skip


def test_french_is_really_french() -> None:
    fr = Translator("fr")
    assert fr._("Saved.") != "Saved."
    assert "€" in fr.money(123456, "EUR") and "1\u202f234,56" in fr.money(123456, "EUR")


@pytest.mark.parametrize(
    ("code", "expected"),
    [("fr", "fr"), ("fr-CA", "fr"), ("en-GB", "en"), ("en", "en"), ("de", "de"), ("de-AT", "de"),
     ("nl", "nl"), ("nl-BE", "nl"), ("es", "es"), ("it", "it"), ("pt-BR", "en"), (None, "en"), ("", "en")],
)  # fmt: skip
def test_language_comes_from_telegram_or_the_default(code: str | None, expected: str) -> None:
    assert locale_from_telegram(code, "en") == expected
    assert locale_from_telegram("pt", "fr") == "fr"


def test_values_are_escaped_for_html() -> None:
    text = Translator("en")._("Welcome back, {name}! Send /help to see what I can do.", name="<b>A&B</b>")
    assert "&lt;b&gt;A&amp;B&lt;/b&gt;" in text
