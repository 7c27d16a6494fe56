"""A strict parser for Telegram's ``parse_mode="HTML"`` message formatting.

Telegram rejects a whole message when its HTML cannot be parsed, so a bot that forgets to
escape a user-supplied ``<`` or ``&`` works in a happy-path demo and then fails in production
for the one client called "Smith & Sons".  This module reproduces the server-side rules of
https://core.telegram.org/bots/api#html-style (modelled on tdlib's ``parse_html``) so the
test suite hits the same rejection, with the same error wording and byte offsets.

It is deliberately *stricter* than Telegram in one place: a bare ``&`` that does not start one
of the supported entities is an error here, whereas Telegram silently shows it literally.
Escaping ``&`` is still required for correct output (``&lt;`` in a client name would otherwise
be rendered as ``<``), so catching the missing escape is the point.

The result is the plain text the user sees plus the ``MessageEntity`` dicts Telegram would
return, with offsets and lengths in UTF-16 code units, as the Bot API counts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "HtmlParseError",
    "ParsedText",
    "parse_html",
    "strip_formatted",
    "utf16_len",
]

#: Tag name -> MessageEntity type.  ``a``, ``span``, ``code`` inside ``pre``, ``blockquote`` and
#: ``tg-emoji`` get extra treatment in :func:`_close_entity`.
_TAG_ENTITY_TYPES: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(?:[xX](?P<hex>[0-9a-fA-F]+)|(?P<dec>[0-9]+))|(?P<name>[a-zA-Z0-9]+));")
_SPACE = " \t\r\n\f\v"


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(exc)`` is Telegram's reason text."""


@dataclass(frozen=True)
class ParsedText:
    """Plain text as displayed to the user and its entities (UTF-16 offsets)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    text_index: int
    expandable: bool = False
    #: language set by a ``<code class="language-x">`` directly inside this ``<pre>``
    language: str | None = None


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of all Bot API length limits."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _decode_entity(source: str, index: int) -> tuple[str, int] | None:
    """Decode the HTML entity starting at ``source[index] == "&"``.

    Returns the decoded character and the index just past the ``;``, or None when this is not a
    supported entity (only &lt; &gt; &amp; &quot; and numeric ones are, as on Telegram).
    """
    match = _ENTITY_RE.match(source, index)
    if match is None:
        return None
    if match.group("name") is not None:
        char = _NAMED_ENTITIES.get(match.group("name"))
        if char is None:
            return None
        return char, match.end()
    code = int(match.group("hex"), 16) if match.group("hex") is not None else int(match.group("dec"))
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _entity_error(source: str, index: int) -> HtmlParseError:
    return HtmlParseError(
        f"Can't parse HTML entity at byte offset {_byte_offset(source, index)}: "
        'a bare "&" must be escaped as "&amp;" (this fake is stricter than Telegram here)'
    )


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML into plain text and entities, or raise :class:`HtmlParseError`."""
    out: list[str] = []
    utf16_offset = 0
    stack: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []
    size = len(source)
    i = 0

    def at(pos: int) -> str:
        return source[pos] if pos < size else ""

    while i < size:
        char = source[i]
        if char == "&":
            decoded = _decode_entity(source, i)
            if decoded is None:
                raise _entity_error(source, i)
            out.append(decoded[0])
            utf16_offset += utf16_len(decoded[0])
            i = decoded[1]
            continue
        if char != "<":
            out.append(char)
            utf16_offset += 2 if ord(char) > 0xFFFF else 1
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != "/":
            # Start tag: name up to whitespace or '>'.
            while i < size and source[i] not in _SPACE and source[i] != ">":
                i += 1
            if i >= size:
                raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(source, begin)}")
            tag_name = source[begin + 1 : i].lower()
            if tag_name not in _TAG_ENTITY_TYPES:
                raise HtmlParseError(
                    f'Unsupported start tag "{tag_name}" at byte offset {_byte_offset(source, begin)}'
                )
            argument, expandable, i = _parse_attributes(source, i, tag_name, begin)
            if tag_name == "span" and argument != "spoiler":
                raise HtmlParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(source, begin)}'
                )
            if tag_name == "tg-emoji" and not argument.isdigit():
                raise HtmlParseError("Invalid custom emoji identifier specified")
            stack.append(_OpenTag(tag_name, argument, utf16_offset, len(out), expandable))
            i += 1  # skip '>'
            continue

        # End tag.
        if not stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {_byte_offset(source, begin)}")
        i += 1
        name_start = i
        while i < size and source[i] not in _SPACE and source[i] != ">":
            i += 1
        end_name = source[name_start:i].lower()
        while i < size and source[i] in _SPACE:
            i += 1
        if at(i) != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {_byte_offset(source, begin)}")
        open_tag = stack.pop()
        if end_name and end_name != open_tag.name:
            raise HtmlParseError(
                f"Unmatched end tag at byte offset {_byte_offset(source, begin)}, "
                f'expected "</{open_tag.name}>", found "</{end_name}>"'
            )
        i += 1
        entity = _close_entity(open_tag, stack, utf16_offset, "".join(out[open_tag.text_index :]))
        if entity is not None:
            entities.append(entity)

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), entities)


def _parse_attributes(source: str, i: int, tag_name: str, begin: int) -> tuple[str, bool, int]:
    """Parse the attributes of a start tag; returns (argument, expandable, index of '>')."""
    size = len(source)
    argument = ""
    expandable = False
    byte_begin = _byte_offset(source, begin)
    while i < size and source[i] != ">":
        while i < size and source[i] in _SPACE:
            i += 1
        if i < size and source[i] == ">":
            break
        attr_start = i
        while i < size and source[i] not in _SPACE and source[i] not in "=>":
            i += 1
        attr_name = source[attr_start:i].lower()
        if not attr_name:
            raise HtmlParseError(f'Empty attribute name in the tag "{tag_name}" at byte offset {byte_begin}')
        while i < size and source[i] in _SPACE:
            i += 1
        if i >= size:
            raise HtmlParseError(f'Unclosed start tag "{tag_name}" at byte offset {byte_begin}')
        if source[i] != "=":
            if tag_name == "blockquote" and attr_name == "expandable":
                expandable = True
                continue
            raise HtmlParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag_name}" at byte offset {byte_begin}'
            )
        i += 1
        while i < size and source[i] in _SPACE:
            i += 1
        if i >= size:
            raise HtmlParseError(f'Unclosed start tag "{tag_name}" at byte offset {byte_begin}')
        if source[i] not in "'\"":
            token_start = i
            while i < size and (source[i].isalnum() or source[i] in ".-"):
                i += 1
            value = source[token_start:i].lower()
            if i < size and source[i] not in _SPACE and source[i] != ">":
                raise HtmlParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(source, token_start)}"
                )
        else:
            quote = source[i]
            i += 1
            chars: list[str] = []
            while i < size and source[i] != quote:
                if source[i] == "&":
                    decoded = _decode_entity(source, i)
                    if decoded is None:
                        raise _entity_error(source, i)
                    chars.append(decoded[0])
                    i = decoded[1]
                    continue
                chars.append(source[i])
                i += 1
            if i < size:
                i += 1  # closing quote
            value = "".join(chars)
        if i >= size:
            raise HtmlParseError(f"Unclosed start tag at byte offset {byte_begin}")
        if tag_name == "a" and attr_name == "href":
            argument = value
        elif tag_name == "code" and attr_name == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif tag_name == "span" and attr_name == "class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif tag_name == "tg-emoji" and attr_name == "emoji-id":
            argument = value
    return argument, expandable, i


def _close_entity(
    tag: _OpenTag, stack: list[_OpenTag], end_utf16: int, inner_text: str
) -> dict[str, Any] | None:
    """Build the MessageEntity for a closed tag (None when Telegram would drop it)."""
    length = end_utf16 - tag.utf16_offset
    if tag.name == "code" and stack and stack[-1].name == "pre":
        # <pre><code class="language-x">: a single pre entity carrying the language.
        if tag.argument:
            stack[-1].language = tag.argument
        return None
    if length == 0:
        return None
    entity: dict[str, Any] = {
        "type": _TAG_ENTITY_TYPES[tag.name],
        "offset": tag.utf16_offset,
        "length": length,
    }
    if tag.name == "a":
        url = tag.argument or inner_text
        if not url:
            return None
        entity["url"] = url
    elif tag.name == "pre" and tag.language:
        entity["language"] = tag.language
    elif tag.name == "blockquote" and tag.expandable:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.argument
    return entity


def strip_formatted(parsed: ParsedText) -> ParsedText:
    """Trim leading/trailing whitespace like Telegram does, keeping entity offsets consistent."""
    text = parsed.text
    stripped_left = text.lstrip()
    lead = utf16_len(text[: len(text) - len(stripped_left)])
    stripped = stripped_left.rstrip()
    total = utf16_len(stripped)
    entities: list[dict[str, Any]] = []
    for entity in parsed.entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return ParsedText(stripped, entities)
