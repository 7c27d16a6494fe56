"""Business days for reminder planning: Monday to Friday, minus the country's public holidays.

Kept deliberately small and local to the planning code so it does not depend on `bot.domain.dates`
(written in parallel); the two can be merged later without changing behaviour.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

SATURDAY = 5


@lru_cache(maxsize=256)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    """The country's public holidays for one year, computed once per (country, year).

    An unknown or empty country code yields no holidays, so only weekends count: a typo in a
    freelancer's settings must never stop reminders from being planned.
    """
    try:
        return frozenset(holidays.country_holidays(country.upper(), years=year).keys())
    except NotImplementedError:
        return frozenset()


def is_business_day(day: date, country: str) -> bool:
    """True on Monday–Friday when `day` is not a public holiday of `country` (ISO 3166 code)."""
    return day.weekday() < SATURDAY and day not in _public_holidays(country, day.year)


def business_day_on_or_after(day: date, country: str) -> date:
    """`day` itself if it is a business day, otherwise the first business day after it."""
    while not is_business_day(day, country):
        day += timedelta(days=1)
    return day


def business_day_after(day: date, country: str) -> date:
    """The first business day strictly after `day`."""
    return business_day_on_or_after(day + timedelta(days=1), country)
