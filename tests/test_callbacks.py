"""The callback-data registry (bot.presentation.keyboards): every kind of button is registered once,
has a handler in the real application, and no two kinds can be mistaken for each other."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import CallbackQueryHandler, ConversationHandler

from bot.presentation import keyboards as kb
from tests.harness import Harness

BOT = Path(__file__).resolve().parent.parent / "bot"


def callback_patterns(handlers: Iterable[Any]) -> Iterator[re.Pattern[str]]:
    """The patterns of every button handler, conversations' entry points, states and fallbacks included
    (the catch-alls without a pattern are left out: they answer "no longer valid" or end a flow)."""
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            yield from callback_patterns(handler.entry_points)
            for state in handler.states.values():
                yield from callback_patterns(state)
            yield from callback_patterns(handler.fallbacks)
        elif isinstance(handler, CallbackQueryHandler) and isinstance(handler.pattern, re.Pattern):
            yield handler.pattern


def unhandled(buttons: Iterable[kb.Button], patterns: list[re.Pattern[str]]) -> list[str]:
    return [b.key for b in buttons if not any(p.match(b(*b.example)) for p in patterns)]


def overlapping(buttons: list[kb.Button]) -> list[tuple[str, str]]:
    """Pairs (a, b) where data built by b would also be taken for a."""
    return [
        (a.key, b.key)
        for a in buttons
        for b in buttons
        if a is not b and a.regex.match(b(*b.example)) and not (a.family and b.key.startswith(f"{a.key}:"))
    ]


def test_every_button_is_within_the_limit_and_matches_its_own_pattern() -> None:
    for button in kb.REGISTRY.values():
        data = button(*button.example)
        assert len(data.encode()) <= kb.CALLBACK_DATA_LIMIT, data
        assert button.regex.match(data), (data, button.pattern)


def test_no_two_buttons_overlap() -> None:
    assert overlapping(list(kb.REGISTRY.values())) == []


async def test_every_button_has_a_handler(h: Harness) -> None:
    patterns = [p for group in h.app.handlers.values() for p in callback_patterns(group)]
    assert patterns
    assert unhandled(kb.REGISTRY.values(), patterns) == []


async def test_a_button_without_handler_is_found(h: Harness) -> None:
    patterns = [p for group in h.app.handlers.values() for p in callback_patterns(group)]
    orphan = kb.Button("zz:orphan")
    try:
        assert unhandled([orphan, kb.CL_CARD], patterns) == ["zz:orphan"]
    finally:
        del kb.REGISTRY[orphan.key]


def test_overlaps_and_duplicates_are_found() -> None:
    wide, narrow = kb.Button("zz"), kb.Button("zz:narrow")
    try:
        assert overlapping([wide, narrow]) == [("zz", "zz:narrow")]
        with pytest.raises(ValueError, match="registered twice"):
            kb.Button("zz")
    finally:
        del kb.REGISTRY["zz"], kb.REGISTRY["zz:narrow"]


def test_builders_refuse_long_or_mismatched_data() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        kb.NW_PICK("é" * 40)
    with pytest.raises(ValueError, match="does not match"):
        kb.CL_ADD(1)  # `cl:add` takes no id: its handler would never see `cl:add:1`
    with pytest.raises(ValueError, match="does not match"):
        kb.PAY_AMT("12.5")


def test_either_matches_exactly_its_buttons() -> None:
    pattern = re.compile(kb.either(kb.PAY_ALL, kb.PAY_AMT))
    assert pattern.match("pay:all") and pattern.match("pay:amt:100")
    assert not pattern.match("pay:all:1") and not pattern.match("pay:amt:x") and not pattern.match("pay:date:1")


def test_callback_data_and_patterns_are_written_only_in_the_registry() -> None:
    """Keyboards build data with the registry's buttons and bot.app listens with their patterns:
    no prefix is spelled out anywhere else."""
    raw = re.compile(r"""\bcb\(|pattern=r?f?["']|callback_data=(?!False)""")
    found = [
        f"{path.relative_to(BOT.parent)}:{n}: {line.strip()}"
        for path in sorted(BOT.rglob("*.py"))
        if path.name != "keyboards.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if raw.search(line)
    ]
    assert found == []
