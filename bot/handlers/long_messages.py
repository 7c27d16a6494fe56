"""Split a long HTML text into Telegram messages, each with the buttons of what it lists.

Telegram refuses a text over 4096 characters, counted in UTF-16 code units (an emoji often counts
twice), and a long keyboard under a long list is unusable on a phone. So a long list becomes
several messages: cut between lines, with a few buttons each, and a group's heading repeated at
the top of a message that continues the group. Only a single line too long for a whole message
is cut inside, and then never in an HTML tag or entity: open tags are closed and reopened.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

MESSAGE_LIMIT = 3800
"""UTF-16 units of HTML source per message: under Telegram's 4096, with a margin."""
BUTTONS_PER_MESSAGE = 8

Button = tuple[str, str]


@dataclass(frozen=True)
class Heading:
    """The title of a group of lines; `again` is shown when the group continues in a new message."""

    key: object
    first: str
    again: str


@dataclass(frozen=True)
class Line:
    """One line of HTML, the button that acts on what it shows, and the group it belongs to."""

    html: str
    button: Button | None = None
    heading: Heading | None = None


@dataclass
class Page:
    """One message to send."""

    lines: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    size: int = 0
    heading: object = None

    @property
    def html(self) -> str:
        return "\n".join(self.lines).strip("\n")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_message(
    lines: Iterable[Line], *, limit: int = MESSAGE_LIMIT, max_buttons: int = BUTTONS_PER_MESSAGE
) -> list[Page]:
    """Pack lines into as few messages as fit `limit` (UTF-16 units) and `max_buttons` each."""
    packer = _Packer(limit, max_buttons)
    for line in lines:
        packer.add(line)
    return [page for page in packer.pages if page.html]


class _Packer:
    def __init__(self, limit: int, max_buttons: int) -> None:
        self.limit = limit
        self.max_buttons = max_buttons
        self.pages = [Page()]
        self.seen: set[object] = set()

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def add(self, line: Line) -> None:
        heading = self._heading_for(line)
        wanted = utf16_len(line.html) + (utf16_len(heading) + 1 if heading is not None else 0)
        full_of_buttons = line.button is not None and len(self.page.buttons) >= self.max_buttons
        if self.page.lines and (full_of_buttons or not self._fits(wanted)):
            self.pages.append(Page())
            heading = self._heading_for(line)
        if heading is not None and line.heading is not None:
            self._append(heading)
            self.seen.add(line.heading.key)
        page = self._append(line.html)
        if line.button is not None:
            page.buttons.append(line.button)
        self.page.heading = line.heading.key if line.heading else None

    def _heading_for(self, line: Line) -> str | None:
        if line.heading is None or self.page.heading == line.heading.key:
            return None
        return line.heading.again if line.heading.key in self.seen else line.heading.first

    def _fits(self, size: int) -> bool:
        separator = 1 if self.page.lines else 0
        return self.page.size + separator + size <= self.limit

    def _append(self, html: str) -> Page:
        """Add one line, starting a new message (or cutting the line) when needed; where it starts."""
        first: Page | None = None
        for piece in cut_html(html, self.limit):
            if not self._fits(utf16_len(piece)):
                self.pages.append(Page())
            separator = 1 if self.page.lines else 0
            self.page.lines.append(piece)
            self.page.size += separator + utf16_len(piece)
            if first is None:
                first = self.page
        assert first is not None
        return first


_TOKEN = re.compile(r"<[^>]*>|&[#\w]+;|[\s\S]")
_TAG = re.compile(r"<(/?)([a-zA-Z0-9-]+)")


def cut_html(html: str, limit: int) -> list[str]:
    """`html` in pieces of at most `limit` UTF-16 units, each valid on its own.

    Cuts fall between tags, entities and characters, preferably after a space; tags open at a cut
    are closed at the end of the piece and reopened at the start of the next.
    """
    if utf16_len(html) <= limit:
        return [html]
    pieces: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, opening tag as written)
    current: list[str] = []
    size = 0
    for token in _TOKEN.findall(html):
        closing = "".join(f"</{name}>" for name, _ in reversed(open_tags))
        if current and size + utf16_len(token) + utf16_len(closing) > limit:
            kept, carried = _at_last_space(current, window=limit // 8)
            pieces.append("".join(kept) + closing)
            current = [tag for _, tag in open_tags] + carried
            size = sum(utf16_len(t) for t in current)
        current.append(token)
        size += utf16_len(token)
        match = _TAG.match(token)
        if match and match[1]:
            open_tags.pop()
        elif match and not token.endswith("/>"):
            open_tags.append((match[2].lower(), token))
    pieces.append("".join(current))
    return pieces


def _at_last_space(tokens: list[str], window: int) -> tuple[list[str], list[str]]:
    """Split plain text carried over to the next piece at its last space, if one is near the end."""
    for index in range(len(tokens) - 1, max(len(tokens) - min(window, 40), 0), -1):
        if tokens[index].startswith("<"):
            break
        if tokens[index].isspace():
            return tokens[: index + 1], tokens[index + 1 :]
    return tokens, []
