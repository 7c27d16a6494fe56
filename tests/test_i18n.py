"""Catalogs: every message of the code is translated in English and French with the same placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from bot.i18n import LOCALES_DIR, SUPPORTED, Translator, locale_from_telegram
from bot.i18n_tools import load, problems

BOT_DIR = Path(__file__).resolve().parents[1] / "bot"
KEYWORDS = {**DEFAULT_KEYWORDS, "n_": (1, 2), "plain": None, "N_": None}


def messages_in_code() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(BOT_DIR), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("locale", SUPPORTED)
def test_catalog_is_complete_with_matching_placeholders(locale: str) -> None:
    catalog = load(LOCALES_DIR / locale / "LC_MESSAGES" / "bot.po")
    assert problems(catalog) == []
    in_catalog = {m.id[0] if isinstance(m.id, tuple | list) else m.id for m in catalog if m.id}
    missing = messages_in_code() - in_catalog
    assert not missing, f"run `make translations`, then translate: {sorted(missing)[:5]}"


def test_french_is_really_french() -> None:
    fr = Translator("fr")
    assert fr._("Saved.") != "Saved."
    assert "€" in fr.money(123456, "EUR") and "1\u202f234,56" in fr.money(123456, "EUR")


@pytest.mark.parametrize(
    ("code", "expected"),
    [("fr", "fr"), ("fr-CA", "fr"), ("en-GB", "en"), ("en", "en"), ("de", "en"), (None, "en"), ("", "en")],
)
def test_language_comes_from_telegram_or_the_default(code: str | None, expected: str) -> None:
    assert locale_from_telegram(code, "en") == expected
    assert locale_from_telegram("de", "fr") == "fr"


def test_values_are_escaped_for_html() -> None:
    text = Translator("en")._("Welcome back, {name}! Send /help to see what I can do.", name="<b>A&B</b>")
    assert "&lt;b&gt;A&amp;B&lt;/b&gt;" in text
