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


@cache
def _zone_links() -> dict[str, str]:
    """Backward-compatible zone names (America/Montreal) → the zone they now point to (America/Toronto)."""
    data = importlib.resources.files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text(encoding="utf-8")
    links = {}
    for line in data.splitlines():
        if line.startswith("L "):
            _kind, target, name = line.split()[:3]
            links[name] = target
    return links


_ZONE_COUNTRIES = {
    # Old names whose link target lies in another country (tzdata merged zones with equal clocks).
    "Australia/ACT": "AU",
    "Australia/Canberra": "AU",
    "Europe/Belfast": "GB",
    "America/Virgin": "VI",
    "Atlantic/Jan_Mayen": "SJ",
}

_DEFAULT_SUBDIVISIONS = {
    # Canada: provinces keep their own holidays (Fête nationale in Quebec, Civic Holiday in Ontario...).
    "America/Montreal": "QC",
    "Canada/Eastern": "ON",
    "America/Toronto": "ON",
    "America/Nipigon": "ON",
    "America/Thunder_Bay": "ON",
    "America/Halifax": "NS",
    "America/Glace_Bay": "NS",
    "Canada/Atlantic": "NS",
    "America/Moncton": "NB",
    "America/St_Johns": "NL",
    "America/Goose_Bay": "NL",
    "Canada/Newfoundland": "NL",
    "America/Winnipeg": "MB",
    "Canada/Central": "MB",
    "America/Regina": "SK",
    "America/Swift_Current": "SK",
    "Canada/Saskatchewan": "SK",
    "America/Edmonton": "AB",
    "Canada/Mountain": "AB",
    "America/Vancouver": "BC",
    "America/Dawson_Creek": "BC",
    "America/Fort_Nelson": "BC",
    "Canada/Pacific": "BC",
    "America/Whitehorse": "YT",
    "America/Dawson": "YT",
    "Canada/Yukon": "YT",
    "America/Yellowknife": "NT",
    "America/Inuvik": "NT",
    "America/Iqaluit": "NU",
    "America/Rankin_Inlet": "NU",
    "America/Cambridge_Bay": "NU",
    "America/Blanc-Sablon": "QC",
    # Australia: each state has its own holidays.
    "Australia/Sydney": "NSW",
    "Australia/NSW": "NSW",
    "Australia/Broken_Hill": "NSW",
    "Australia/Yancowinna": "NSW",
    "Australia/Lord_Howe": "NSW",
    "Australia/LHI": "NSW",
    "Australia/ACT": "ACT",
    "Australia/Canberra": "ACT",
    "Australia/Melbourne": "VIC",
    "Australia/Victoria": "VIC",
    "Australia/Brisbane": "QLD",
    "Australia/Lindeman": "QLD",
    "Australia/Queensland": "QLD",
    "Australia/Adelaide": "SA",
    "Australia/South": "SA",
    "Australia/Perth": "WA",
    "Australia/Eucla": "WA",
    "Australia/West": "WA",
    "Australia/Hobart": "TAS",
    "Australia/Tasmania": "TAS",
    "Australia/Darwin": "NT",
    "Australia/North": "NT",
    # Switzerland: Zurich is the canton the zone is named after; others choose theirs in /settings.
    "Europe/Zurich": "ZH",
    # Spain and Portugal: the islands have their own zone and their own holidays.
    "Atlantic/Canary": "CN",
    "Africa/Ceuta": "CE",
    "Atlantic/Azores": "20",
    "Atlantic/Madeira": "30",
    "Europe/Busingen": "BW",
    "Europe/Belfast": "NIR",
}
"""The region whose holidays a zone most likely means, where a country's holidays differ by region."""


def country_for_timezone(zone: str) -> str | None:
    """The ISO 3166 country of a zone (for public holidays): every canonical zone and every old name."""
    if zone in _ZONE_COUNTRIES:
        return _ZONE_COUNTRIES[zone]
    countries = _zone_countries()
    return countries.get(zone) or countries.get(_zone_links().get(zone, ""))


def default_holiday_subdivision(zone: str, country: str | None = None) -> str | None:
    """The region of `zone` whose holidays apply (America/Montreal → QC), when it belongs to `country`."""
    subdivision = _DEFAULT_SUBDIVISIONS.get(zone) or _DEFAULT_SUBDIVISIONS.get(_zone_links().get(zone, ""))
    if subdivision is None or (country or country_for_timezone(zone)) != country_for_timezone(zone):
        return None
    return subdivision
