"""Long lists become several valid Telegram messages, each with the buttons of what it lists."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.handlers.long_messages import Heading, Line, cut_html, split_message, utf16_len
from tests.fake_telegram import parse_html


def test_a_short_list_is_one_message() -> None:
    pages = split_message([Line("<b>one</b>"), Line(""), Line("two", ("✅ two", "inv:paid:2"))])
    assert [page.html for page in pages] == ["<b>one</b>\n\ntwo"]
    assert pages[0].buttons == [("✅ two", "inv:paid:2")]


def test_messages_are_cut_between_lines_counting_utf16_units() -> None:
    line = "🎨" * 10  # 20 UTF-16 units, 10 code points
    pages = split_message([Line(line) for _ in range(10)], limit=65)
    assert [page.html.count("🎨") for page in pages] == [30, 30, 30, 10]
    assert all(utf16_len(page.html) <= 65 for page in pages)


def test_each_message_carries_the_buttons_of_the_lines_it_lists() -> None:
    lines = [Line(f"invoice {n}", (f"✅ {n}", f"inv:paid:{n}")) for n in range(20)]
    pages = split_message(lines, max_buttons=8)
    assert [len(page.buttons) for page in pages] == [8, 8, 4]
    for page in pages:
        for label, _data in page.buttons:
            assert f"invoice {label.removeprefix('✅ ')}" in page.html.split("\n")


def test_a_group_heading_is_repeated_where_the_group_continues() -> None:
    acme = Heading("acme", "<b>Acme</b>", "<b>Acme</b> (continued)")
    lines = [Line("Summary")] + [Line(f"line {n}", heading=acme) for n in range(6)]
    pages = split_message(lines, limit=60)
    assert pages[0].html.startswith("Summary\n<b>Acme</b>\nline 0")
    assert all(page.html.startswith("<b>Acme</b> (continued)\nline") for page in pages[1:])
    assert sum(page.html.count("line ") for page in pages) == 6


def test_a_heading_is_not_left_alone_at_the_bottom_of_a_message() -> None:
    acme = Heading("acme", "<b>Acme</b>", "<b>Acme</b> (continued)")
    pages = split_message([Line("x" * 45), Line("first", heading=acme)], limit=55)
    assert [page.html for page in pages] == ["x" * 45, "<b>Acme</b>\nfirst"]


def test_a_line_too_long_for_one_message_is_cut_outside_tags_and_entities() -> None:
    html = "<b>" + "Tom &amp; Jerry " * 50 + '</b><a href="https://example.com/?a=1&amp;b=2">link</a>'
    pieces = cut_html(html, 100)
    assert len(pieces) > 1
    for piece in pieces:
        assert utf16_len(piece) <= 100
        parse_html(piece)  # raises on a cut tag, entity or unbalanced markup
    assert "".join(parse_html(p).text for p in pieces) == parse_html(html).text


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(["a", " ", "é", "🎨", "🇫🇷", "&amp;", "&lt;", "\n"]), max_size=300).map(
                "".join
            ),
            st.booleans(),
            st.booleans(),
        ),
        max_size=40,
    )
)
def test_any_list_splits_into_valid_messages_within_the_limits(rows: list[tuple[str, bool, bool]]) -> None:
    heading = Heading("group", "<b>Group</b>", "<b>Group</b> (continued)")
    lines = [
        Line(f"<i>x{text}</i>" if bold else f"x{text}", (f"b{n}", f"d{n}"), heading if grouped else None)
        for n, (text, bold, grouped) in enumerate(rows)
    ]
    pages = split_message(lines, limit=200, max_buttons=3)
    for page in pages:
        assert utf16_len(page.html) <= 200
        assert len(page.buttons) <= 3
        parse_html(page.html)
    assert sorted(b for page in pages for b in page.buttons) == sorted(
        (f"b{n}", f"d{n}") for n in range(len(rows))
    )
