"""French that reads as a person wrote it: elision before names ("d'Amélie", "qu'Éric").

Catalog strings and French reminder templates are written with the full word ("de {client}"); the
word is elided when the value filled in starts with a vowel sound. Names starting with an h are
treated as mute-h names (d'Hélène, d'Hugo), which is by far the most common case for people and
companies; a leading y elides before a consonant (d'Yves) but not before a vowel (de Yannick).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_VOWELS = "aeiouàâäéèêëîïôöùûüœæ"
_ELIDING = re.compile(r"\b(de|De|que|Que|lorsque|puisque|jusque) ((?:<[^<>]*>)*)\{(\w+)\}")
_LEADING_SPACE = re.compile(r"^\s+")


def elides_before(word: str) -> bool:
    """True when French elides "de"/"que" before `word` (it starts with a vowel sound)."""
    word = _LEADING_SPACE.sub("", word).lower()
    if not word:
        return False
    first, second = word[0], word[1:2]
    if first in _VOWELS or first == "h":
        return True
    return first == "y" and bool(second) and second not in _VOWELS


def de_name(name: str) -> str:
    """ "de Paul", "d'Amélie": the preposition and the name, ready to put in a sentence."""
    return f"d'{name}" if elides_before(name) else f"de {name}"


def elide_placeholders(template: str, values: Mapping[str, object]) -> str:
    """Rewrite "de {name}" as "d'{name}" (and "que" as "qu'") where the value filled in needs it."""

    def fix(match: re.Match[str]) -> str:
        word, tags, name = match.groups()
        value = values.get(name)
        if value is None or not elides_before(str(value)):
            return match.group(0)
        return f"{word[:-1]}'{tags}{{{name}}}"

    return _ELIDING.sub(fix, template)


_SPACE_BEFORE = re.compile(r"[ \t]+([:;!?»])")
_SPACE_AFTER = re.compile(r"«[ \t]+")
_NOT_PROSE = re.compile(r"[a-z][a-z0-9+.-]*://\S+|\{[^{}]*\}|<[^<>]*>|\d[:h]\d|/\w+")
NBSP = "\u00a0"
NNBSP = "\u202f"


def french_spacing(text: str) -> str:
    """Ordinary spaces before « : ; ! ? » and inside « » become non-breaking (U+00A0).

    Only spaces are replaced, so URLs ("https://"), times ("09:30") and code are left as they are.
    """
    return _SPACE_AFTER.sub("«" + NBSP, _SPACE_BEFORE.sub(NBSP + r"\1", text))


def spacing_problems(text: str) -> list[str]:
    """Each place where French typography wants a non-breaking space and has none, with context."""
    prose = _NOT_PROSE.sub(lambda match: "x" * len(match.group(0)), text)
    found = []
    for match in re.finditer(r"(?<=.)[:;!?»]|«(?=.)", prose, re.DOTALL):
        mark, at = match.group(0), match.start()
        neighbour = prose[at + 1] if mark == "«" else prose[at - 1]
        if mark in "!?" and neighbour in "!?…":  # "?!" and "!!" share one space
            continue
        if neighbour not in (NBSP, NNBSP):
            found.append(text[max(0, at - 15) : at + 15])
    return found
