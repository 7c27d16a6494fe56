"""Catalog maintenance used by `make translations` and by the catalog tests."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.domain.french import french_spacing
from bot.i18n import placeholders


def load(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def fill_source(path: Path) -> int:
    """English is the source language: an empty English entry takes its msgid."""
    catalog = load(path)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            if not any(message.string or ()):
                message.string = (message.id[0], message.id[1])
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)
    return filled


def french_typography(path: Path) -> int:
    """Non-breaking spaces before « : ; ! ? » and inside « » in every French translation.

    Only French needs this: German, Dutch, Spanish and Italian put no space before those signs, and
    their quotation marks („…“, ‘…’, «…») take none inside.
    """
    catalog = load(path)
    changed = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.string, tuple | list):
            fixed: str | tuple[str, ...] = tuple(french_spacing(text or "") for text in message.string)
        else:
            fixed = french_spacing(message.string or "")
        if fixed != message.string:
            message.string = fixed
            changed += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, width=76)
    return changed


def problems(catalog: Catalog) -> list[str]:
    """Missing translations and placeholder mismatches, one line each."""
    found = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if not all(strings) or message.fuzzy:
            found.append(f"untranslated: {ids[0]!r}")
            continue
        expected = set().union(*(placeholders(str(i)) for i in ids)) - {"n"}
        for text in strings:
            got = placeholders(str(text)) - {"n"}
            if got != expected:
                found.append(f"placeholders differ in {ids[0]!r}: {sorted(got)} vs {sorted(expected)}")
    return found


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "fill-source":
        print(f"filled {fill_source(Path(sys.argv[2]))} English entries")
    elif len(sys.argv) == 3 and sys.argv[1] == "french-typography":
        print(f"non-breaking spaces put in {french_typography(Path(sys.argv[2]))} French entries")
    else:
        print("usage: python -m bot.i18n_tools fill-source|french-typography PATH", file=sys.stderr)
        sys.exit(2)
