"""Time zones typed by people: IANA names or big cities, in English or French."""

from __future__ import annotations

import importlib.resources
import unicodedata
from functools import cache
from zoneinfo import available_timezones

from babel.dates import get_timezone_location

COMMON_ZONES = (
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Zurich",
    "Europe/London",
    "America/Montreal",
    "America/New_York",
    "Africa/Casablanca",
    "Indian/Reunion",
)


def _fold(text: str) -> str:
    """Lower-case, without accents, spaces for underscores and dashes."""
    decomposed = unicodedata.normalize("NFKD", text.replace("_", " ").replace("-", " "))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


@cache
def _zone_index() -> dict[str, str]:
    """Folded IANA names, city parts and Babel's localized city names → zone."""
    index: dict[str, str] = {}
    canonical = sorted(_zone_countries())
    links = sorted(
        z
        for z in available_timezones() - set(canonical)
        if "/" in z and not z.startswith(("Etc/", "SystemV/"))
    )
    zones = canonical + links  # canonical zones win a shared city name (Londres → Europe/London)
    for zone in zones:
        index.setdefault(_fold(zone), zone)
    for zone in zones:
        index.setdefault(_fold(zone.rsplit("/", 1)[1]), zone)
        for locale in ("fr", "en"):
            try:
                city = get_timezone_location(zone, locale=locale, return_city=True)
            except (LookupError, ValueError):
                continue
            index.setdefault(_fold(city), zone)
    return index


def resolve_timezone(text: str) -> str | None:
    """`Europe/Paris`, `paris`, `Londres`, `new york` → an IANA zone; None when unknown."""
    key = _fold(text.strip())[:64]
    return _zone_index().get(key) if key else None


@cache
def _zone_countries() -> dict[str, str]:
    table = importlib.resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    countries = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            code, _coords, zone, *_ = line.split("\t")
            countries[zone] = code
    return countries


def country_for_timezone(zone: str) -> str | None:
    """The ISO 3166 country of a zone (for public holidays), when the zone belongs to one."""
    return _zone_countries().get(zone)
