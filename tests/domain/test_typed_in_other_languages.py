"""A freelancer speaking German, Dutch, Spanish or Italian types dates, terms and plans in their language."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.dates import parse_date, parse_due_date
from bot.domain.money import Money, parse_amount, parse_currency
from bot.domain.plans import parse_custom_plan
from bot.domain.zones import find_timezone

TODAY = date(2026, 12, 7)
ISSUED = date(2026, 11, 15)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15. März", date(2027, 3, 15)), ("Dienstag, 15. Dezember 2026", date(2026, 12, 15)),
        ("15.12.2026", date(2026, 12, 15)), ("15. Dez.", date(2026, 12, 15)), ("heute", TODAY),
        ("morgen", date(2026, 12, 8)), ("3 mei", date(2027, 5, 3)), ("15 mrt 2027", date(2027, 3, 15)),
        ("15-12-2026", date(2026, 12, 15)), ("vandaag", TODAY), ("gisteren", date(2026, 12, 6)),
        ("1 de enero", date(2027, 1, 1)), ("15 dic 2026", date(2026, 12, 15)), ("hoy", TODAY),
        ("mañana", date(2026, 12, 8)), ("2 febbraio", date(2027, 2, 2)), ("oggi", TODAY),
        ("15 déc.", date(2026, 12, 15)), ("Dec 15, 2026", date(2026, 12, 15)),
    ],
)  # fmt: skip
def test_dates_typed_in_each_language(typed: str, expected: date) -> None:
    assert parse_date(typed, locale="de", today=TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("30 Tage", date(2026, 12, 15)), ("Monatsende", date(2026, 11, 30)),
        ("45 Tage Monatsende", date(2026, 12, 31)), ("30 dagen", date(2026, 12, 15)),
        ("einde maand", date(2026, 11, 30)), ("45 dagen einde maand", date(2026, 12, 31)),
        ("30 días", date(2026, 12, 15)), ("60 giorni fine mese", date(2027, 1, 31)),
        ("45 jours fin de mois", date(2026, 12, 31)), ("30 days", date(2026, 12, 15)),
    ],
)  # fmt: skip
def test_payment_terms_typed_in_each_language(typed: str, expected: date) -> None:
    assert parse_due_date(typed, locale="nl", issue_date=ISSUED, today=ISSUED) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "0, 7, dann alle 7 Tage, höchstens 4", "0, 7, dan elke 7 dagen, hoogstens 4",
        "0, 7, luego cada 7 días, como máximo 4", "0, 7, poi ogni 7 giorni, al massimo 4",
        "0, 7 then every 7 days, at most 4", "0, 7 puis tous les 7 jours, au plus 4",
    ],
)  # fmt: skip
def test_repeating_plans_typed_in_each_language(typed: str) -> None:
    plan = parse_custom_plan(typed)
    assert (plan.offsets, plan.repeat_every, plan.repeat_max) == ((0, 7), 7, 4)


@pytest.mark.parametrize("typed", ["0, 7, Anruf 12, 14", "0, 7, bellen 12, 14", "0, 7, llamada 12, 14",
                                   "0, 7, chiamata 12, 14"])  # fmt: skip
def test_a_call_typed_in_each_language(typed: str) -> None:
    plan = parse_custom_plan(typed)
    assert (plan.offsets, plan.call_offset) == ((0, 7, 14), 12)


@pytest.mark.parametrize("locale", ["de", "nl", "es", "it"])
def test_amounts_written_the_continental_way(locale: str) -> None:
    assert parse_amount("1.234,56 €", locale=locale, default_currency="EUR") == Money(123456, "EUR")
    assert parse_amount("1200", locale=locale, default_currency="EUR") == Money(120000, "EUR")


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("Brüssel", "Europe/Brussels"), ("Brussel", "Europe/Brussels"), ("Bruselas", "Europe/Brussels"),
     ("Wien", "Europe/Vienna"), ("Londra", "Europe/London"), ("Köln", "Europe/Berlin")],
)  # fmt: skip
def test_cities_named_in_each_language(typed: str, zone: str) -> None:
    assert find_timezone(typed).zone == zone


@pytest.mark.parametrize(
    ("typed", "code"),
    [("Schweizer Franken", "CHF"), ("Britse pond", "GBP"), ("libra esterlina", "GBP"), ("US-Dollar", "USD")],
)
def test_currencies_named_in_each_language(typed: str, code: str) -> None:
    assert parse_currency(typed) == code
