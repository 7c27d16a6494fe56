"""Reminder wording that freelancers write themselves: data with `{placeholders}`, never code.

Templates are rendered by a small regex scan instead of `str.format`, because format strings can
reach attributes and indexes (`{client.__class__}`, `{client[0]}`) and a freelancer's text must never
be able to evaluate anything. Syntax: `{name}` for one of PLACEHOLDERS, `{{` and `}}` for literal
braces, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

PLACEHOLDERS = (
    "client",
    "number",
    "amount",
    "due_date",
    "issue_date",
    "days_overdue",
    "payment_details",
    "freelancer",
)
MAX_TEMPLATE_LENGTH = 1500

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CONTEXT_CHARS = 20


class TemplateProblemReason(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    UNKNOWN_PLACEHOLDER = "unknown_placeholder"
    UNBALANCED_BRACE = "unbalanced_brace"
    BAD_PLACEHOLDER = "bad_placeholder"


@dataclass(frozen=True)
class TemplateProblem:
    reason: TemplateProblemReason
    detail: str
    """The offending text: `{placeholder}`, a stray brace and what follows it, or the length."""


class TemplateError(ValueError):
    """Raised by `render_template` for a template that `validate_template` would refuse."""

    def __init__(self, problems: list[TemplateProblem]) -> None:
        super().__init__("; ".join(f"{problem.reason}: {problem.detail}" for problem in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class _Literal:
    text: str


@dataclass(frozen=True)
class _Placeholder:
    name: str


def _scan(text: str) -> Iterator[_Literal | _Placeholder | TemplateProblem]:
    """Split a template into literal text, known placeholders and problems, left to right."""
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            yield _Literal(text[position : match.start()])
        position = match.end()
        yield _classify(match, text)
    if position < len(text):
        yield _Literal(text[position:])


def _classify(match: re.Match[str], text: str) -> _Literal | _Placeholder | TemplateProblem:
    token = match.group(0)
    if token in ("{{", "}}"):
        return _Literal(token[0])
    if token in ("{", "}"):
        context = text[match.start() : match.start() + _CONTEXT_CHARS]
        return TemplateProblem(TemplateProblemReason.UNBALANCED_BRACE, context)
    name = match.group(1)
    if name in PLACEHOLDERS:
        return _Placeholder(name)
    if _NAME.fullmatch(name):
        return TemplateProblem(TemplateProblemReason.UNKNOWN_PLACEHOLDER, token)
    return TemplateProblem(TemplateProblemReason.BAD_PLACEHOLDER, token)


def validate_template(text: str) -> list[TemplateProblem]:
    """Every problem in `text`, each reported once, in order of appearance; [] means usable."""
    if not text.strip():
        return [TemplateProblem(TemplateProblemReason.EMPTY, "")]
    problems: dict[TemplateProblem, None] = {}  # an ordered set
    if len(text) > MAX_TEMPLATE_LENGTH:
        problems[TemplateProblem(TemplateProblemReason.TOO_LONG, str(len(text)))] = None
    for piece in _scan(text):
        if isinstance(piece, TemplateProblem):
            problems[piece] = None
    return list(problems)


def render_template(text: str, values: Mapping[str, str]) -> str:
    """Replace each `{name}` by `values[name]`, once: placeholders inside values stay literal.

    No escaping happens here, so the same function serves plain-text e-mail and, when the caller
    passes `html.escape`d values, Telegram HTML. Raises TemplateError for an invalid template and
    KeyError when `values` lacks a placeholder the text uses (a bug in the caller, not the text).
    """
    problems = validate_template(text)
    if problems:
        raise TemplateError(problems)
    pieces = []
    for piece in _scan(text):
        if isinstance(piece, _Placeholder):
            pieces.append(values[piece.name])
        elif isinstance(piece, _Literal):
            pieces.append(piece.text)
    return "".join(pieces)
