"""The import contract: dependencies run one way (entry → handlers and engine → the rest).

Every `import` in bot/ is read with `ast` (inside functions and TYPE_CHECKING blocks too), so a
handler import slipped into the engine, or SQL-side code reaching for Telegram rendering, fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"

FORBIDDEN: dict[str, set[str]] = {
    # layer: the bot packages/modules it must never import
    "domain": {"app", "bank", "channels", "config", "context", "engine", "handlers", "presentation", "storage"},
    "storage": {"app", "channels", "context", "engine", "handlers", "presentation"},
    "channels": {"app", "bank", "context", "engine", "handlers", "presentation", "storage"},
    "presentation": {"app", "context", "engine", "handlers"},
    "engine": {"app", "handlers"},
    "bank": {"app", "handlers"},
    "einvoice": {"app", "channels", "context", "engine", "handlers", "presentation"},
}


def bot_imports(source: str, module: str) -> set[str]:
    """The first component under `bot.` of every module `source` imports (relative imports resolved)."""
    found: set[str] = set()
    package = module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names] if base == "bot" else [base]
        for name in names:
            parts = name.split(".")
            if parts[0] == "bot" and len(parts) > 1:
                found.add(parts[1])
    return found


def violations() -> list[str]:
    problems = []
    for path in sorted(BOT.rglob("*.py")):
        relative = path.relative_to(BOT.parent)
        module = ".".join(relative.with_suffix("").parts)
        layer = relative.parts[1] if len(relative.parts) > 2 else None
        if layer not in FORBIDDEN:
            continue
        for target in sorted(bot_imports(path.read_text(encoding="utf-8"), module) & FORBIDDEN[layer]):
            problems.append(f"{relative}: bot.{layer} must not import bot.{target}")
    return problems


def test_layers_import_one_way() -> None:
    assert violations() == []


def test_every_layer_exists() -> None:
    for layer in FORBIDDEN:
        assert (BOT / layer / "__init__.py").is_file(), layer


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("from bot.handlers.common import cb\n", "bot.engine.dispatcher", {"handlers"}),
        ("from bot.handlers import client_requests\n", "bot.engine.jobs", {"handlers"}),
        ("def f():\n    import bot.handlers.views\n", "bot.engine.x", {"handlers"}),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.app import build\n", "bot.engine.x", {"app"}),
        ("from ..handlers import common\n", "bot.engine.dispatcher", {"handlers"}),
        ("from bot import handlers\n", "bot.engine.x", {"handlers"}),
        ("from bot.domain.money import Money\nimport telegram\n", "bot.engine.x", {"domain"}),
    ],
)
def test_the_checker_sees_every_import_form(source: str, module: str, expected: set[str]) -> None:
    assert bot_imports(source, module) == expected
