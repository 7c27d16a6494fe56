"""Tests of the fake Telegram Bot API itself.

The fake is only useful if it refuses what Telegram refuses, through PTB's real request path,
so these tests drive a real ``telegram.Bot`` against it and check the PTB exception raised for
each rejection (PTB capitalizes the description and drops the "Bad Request: " prefix).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, CommandHandler, ContextTypes

from tests.fake_telegram import FakeRequest, FakeTelegram, FakeTelegramServer, HtmlParseError, parse_html
from tests.polling import async_wait_until

USER = 1001
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x08\x08\x02\x00\x00\x00"


def keyboard(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(list(rows))


@pytest.fixture
def fake() -> FakeTelegram:
    fake = FakeTelegram()
    fake.add_user(USER, first_name="Alice")
    fake.message_update(USER, "/start")
    return fake


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    bot = Bot(fake.token, request=FakeRequest(fake), get_updates_request=FakeRequest(fake))
    async with bot:
        yield bot


# --------------------------------------------------------------------------- basics


async def test_get_me_and_unknown_method(bot: Bot, fake: FakeTelegram) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (fake.bot_id, fake.bot_username, True)
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendCarrierPigeon", api_kwargs={"chat_id": USER})
    assert fake.errors()[-1].status == 404


async def test_wrong_token_is_unauthorized(fake: FakeTelegram) -> None:
    wrong = Bot("999:WRONG", request=FakeRequest(fake), get_updates_request=FakeRequest(fake))
    with pytest.raises(InvalidToken, match="Unauthorized"):
        await wrong.get_me()
    assert fake.requests[-1].status == 401


async def test_incoming_message_update_deserializes(bot: Bot, fake: FakeTelegram) -> None:
    updates = await bot.get_updates(timeout=0)
    message = updates[0].message
    assert message is not None
    assert message.text == "/start"
    assert message.entities[0].type == "bot_command"
    assert message.from_user is not None and message.from_user.language_code == "fr"


# --------------------------------------------------------------------------- recipients


async def test_chat_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "hello")


async def test_user_who_never_started_the_bot(bot: Bot, fake: FakeTelegram) -> None:
    fake.add_user(2002, first_name="Bob")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(2002, "hello")


async def test_blocked_user(bot: Bot, fake: FakeTelegram) -> None:
    update = fake.block(USER)
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "hello")
    fake.unblock(USER)
    await bot.send_message(USER, "welcome back")


# --------------------------------------------------------------------------- text and HTML


async def test_escaped_html_passes_and_transcript_has_plain_text(bot: Bot, fake: FakeTelegram) -> None:
    html = '<b>Smith &amp; Sons</b> owe &lt;1 000 €&gt; — <a href="https://x.example/?a=1&amp;b=2">pay</a> 😀'
    sent = await bot.send_message(USER, html, parse_mode="HTML")
    expected = "Smith & Sons owe <1 000 €> — pay 😀"
    assert sent.text == expected
    assert [(e.type, e.url) for e in sent.entities] == [
        ("bold", None),
        ("text_link", "https://x.example/?a=1&b=2"),
    ]
    message = fake.last_bot_message(USER)
    assert (message.text, message.html, message.parse_mode) == (expected, html, "HTML")
    assert fake.sent_texts(USER) == [expected]
    assert fake.deliveries[-1].text == expected


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("é<script>x</script>", 'Unsupported start tag "script" at byte offset 2'),
        ("AT&T", "Can't parse HTML entity at byte offset 2"),
        ("&nbsp;", "Can't parse HTML entity at byte offset 0"),
        ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("oops</b>", "Unexpected end tag at byte offset 4"),
        ("<b><i>test</b></i>", 'Unmatched end tag at byte offset 10, expected "</i>", found "</b>"'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
def test_html_parser_rejections(html: str, reason: str) -> None:
    with pytest.raises(HtmlParseError) as excinfo:
        parse_html(html)
    assert str(excinfo.value).startswith(reason)


def test_html_parser_entities_in_utf16() -> None:
    parsed = parse_html(
        '😀 <b>gras</b> <tg-spoiler>x</tg-spoiler> <pre><code class="language-python">p</code></pre>'
        " <blockquote expandable>q</blockquote> &#128512;&#x41;&quot;"
    )
    assert parsed.text == '😀 gras x p q 😀A"'
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "spoiler", "offset": 8, "length": 1},
        {"type": "pre", "offset": 10, "length": 1, "language": "python"},
        {"type": "expandable_blockquote", "offset": 12, "length": 1},
    ]


async def test_invalid_html_is_a_bad_request(bot: Bot, fake: FakeTelegram) -> None:
    with pytest.raises(
        BadRequest, match=r"Can't parse entities: unsupported start tag \"br\" at byte offset 4"
    ):
        await bot.send_message(USER, "line<br>break", parse_mode="HTML")
    assert fake.bot_messages(USER) == []


async def test_markdown_and_unknown_parse_modes_are_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="markdown is not supported"):
        await bot.send_message(USER, "*bold*", parse_mode="MarkdownV2")
    with pytest.raises(BadRequest, match="Unsupported parse_mode"):
        await bot.send_message(USER, "x", parse_mode="html5")


async def test_empty_and_too_long_texts(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(USER, "")
    with pytest.raises(BadRequest, match="Text must be non-empty"):
        await bot.send_message(USER, "<b> </b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER, "x" * 4097)
    # Limits count UTF-16 code units after parsing: tags do not count, an emoji counts twice.
    await bot.send_message(USER, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER, "😀" * 2049)


async def test_caption_too_long(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(USER, b"%PDF", filename="a.pdf", caption="x" * 1025)


# --------------------------------------------------------------------------- keyboards


@pytest.mark.parametrize(
    ("button", "message"),
    [
        (InlineKeyboardButton("Pay", callback_data="x" * 65), "Button_data_invalid"),
        (
            InlineKeyboardButton("Pay", callback_data=""),
            "(?i)text buttons are unallowed in the inline keyboard",
        ),
        (InlineKeyboardButton("Pay"), "(?i)text buttons are unallowed in the inline keyboard"),
        (InlineKeyboardButton(" ", callback_data="pay"), "Button_text_invalid"),
        (InlineKeyboardButton("Site", url="not-a-url"), "(?i)wrong http url"),
        (InlineKeyboardButton("Site", url="ftp://example.com"), "(?i)unsupported url protocol"),
        (InlineKeyboardButton("Site", url="http://localhost:8080/x"), "Button_url_invalid"),
    ],
)
async def test_invalid_inline_buttons(bot: Bot, button: InlineKeyboardButton, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        await bot.send_message(USER, "choose", reply_markup=keyboard([button]))


async def test_valid_buttons_and_64_byte_callback_data(bot: Bot, fake: FakeTelegram) -> None:
    markup = keyboard(
        [InlineKeyboardButton("Yes", callback_data="é" * 32), InlineKeyboardButton("No", callback_data="n")],
        [
            InlineKeyboardButton("Site", url="https://relance.example/p"),
            InlineKeyboardButton("Me", url="tg://user?id=1"),
        ],
    )
    sent = await bot.send_message(USER, "choose", reply_markup=markup)
    assert sent.reply_markup == markup
    assert fake.last_bot_message(USER).buttons == [["Yes", "No"], ["Site", "Me"]]


async def test_press_answers_and_unanswered_queries(bot: Bot, fake: FakeTelegram) -> None:
    markup = keyboard(
        [InlineKeyboardButton("Yes", callback_data="y"), InlineKeyboardButton("Web", url="https://a.example")]
    )
    sent = await bot.send_message(USER, "choose", reply_markup=markup)
    with pytest.raises(AssertionError, match=r"no button 'Maybe'.*\['Yes', 'Web'\]"):
        fake.press(USER, "Maybe")
    with pytest.raises(AssertionError, match="url button, not pressable"):
        fake.press(USER, "Web")

    update = Update.de_json(fake.press(USER, "Yes"), bot)
    query = update.callback_query
    assert query is not None and query.data == "y"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert [q.id for q in fake.unanswered_callback_queries()] == [query.id]

    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.answer_callback_query(query.id, text="x" * 201)
    assert await bot.answer_callback_query(query.id, text="Done")
    assert fake.unanswered_callback_queries() == []
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("nope")


# --------------------------------------------------------------------------- edits and deletes


async def test_edit_rules(bot: Bot, fake: FakeTelegram) -> None:
    markup = keyboard([InlineKeyboardButton("Yes", callback_data="y")])
    sent = await bot.send_message(USER, "<b>Invoice</b> 12", parse_mode="HTML", reply_markup=markup)

    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=999)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=1)  # the user's own /start
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<strong>Invoice</strong> 12",
            chat_id=USER,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=markup,
        )
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(chat_id=USER, message_id=sent.message_id, reply_markup=markup)

    # Same text without reply_markup is a change: Telegram drops the keyboard.
    edited = await bot.edit_message_text(
        "<b>Invoice</b> 12", chat_id=USER, message_id=sent.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, type(sent)) and edited.reply_markup is None
    await bot.edit_message_text("Invoice 12 paid", chat_id=USER, message_id=sent.message_id)
    message = fake.last_bot_message(USER)
    assert (message.text, message.edited, message.buttons) == ("Invoice 12 paid", 2, [])
    assert message.history == ["Invoice 12", "Invoice 12"]
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(chat_id=USER, message_id=sent.message_id, reply_markup=None)
    assert len(fake.deliveries) == 1


async def test_delete_message(bot: Bot, fake: FakeTelegram) -> None:
    first = await bot.send_message(USER, "first")
    second = await bot.send_message(USER, "second")
    assert await bot.delete_message(USER, second.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER, second.message_id)
    assert fake.last_bot_message(USER).message_id == first.message_id
    assert fake.sent_texts(USER) == ["first", "second"]
    assert fake.sent_texts(USER, include_deleted=False) == ["first"]


# --------------------------------------------------------------------------- files


async def test_sent_document_can_be_downloaded(bot: Bot, fake: FakeTelegram) -> None:
    content = b"%PDF-1.7\r\n\x00\xff binary\n--boundary-like--\r\n"
    sent = await bot.send_document(
        USER, content, filename="facture 12.pdf", caption="<i>Facture</i>", parse_mode="HTML"
    )
    assert sent.document is not None and sent.caption == "Facture"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content
    document = fake.last_bot_message(USER).document
    assert document is not None
    assert (document.file_name, document.content, document.caption) == ("facture 12.pdf", content, "Facture")


async def test_user_document_and_photos(bot: Bot, fake: FakeTelegram) -> None:
    update = Update.de_json(
        fake.message_update(
            USER, document={"file_name": "inv.pdf", "mime_type": "application/pdf", "content": b"PDF!"}
        ),
        bot,
    )
    assert update.message is not None and update.message.document is not None
    file = await update.message.document.get_file()
    assert bytes(await file.download_as_bytearray()) == b"PDF!"
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nope")

    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(USER, b"not an image")
    sent = await bot.send_photo(USER, PNG, caption="QR")
    assert (sent.photo[-1].width, sent.photo[-1].height) == (16, 8)


# --------------------------------------------------------------------------- limits and faults


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter.retry_after
async def test_rate_limits(fake: FakeTelegram) -> None:
    fake.rate_limits = True
    bot = Bot(fake.token, request=FakeRequest(fake))
    await bot.send_message(USER, "one")
    with pytest.raises(RetryAfter, match="Retry in"):
        await bot.send_message(USER, "two")
    assert fake.rate_limited_count == 1

    for user_id in range(5000, 5031):
        fake.add_user(user_id)
        fake.message_update(user_id, "/start")
    for user_id in range(5000, 5029):  # 29 + "one" = 30 sends within the second
        await bot.send_message(user_id, "hi")
    with pytest.raises(RetryAfter):
        await bot.send_message(5030, "hi")
    assert fake.errors()[-1].response["parameters"]["retry_after"] >= 1
    assert fake.chats_with_bursts() == []


async def test_bursts_are_recorded_without_rate_limits(bot: Bot, fake: FakeTelegram) -> None:
    await bot.send_message(USER, "one")
    await bot.send_message(USER, "two")
    assert fake.chats_with_bursts() == [USER]
    assert len(fake.delivery_times(USER)) == 2


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter.retry_after
async def test_fault_injection(bot: Bot, fake: FakeTelegram) -> None:
    fake.fail_next("sendMessage")
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(USER, "lost")
    fake.fail_next("sendMessage", status=429, description="Too Many Requests: retry after 3", retry_after=3)
    with pytest.raises(RetryAfter):
        await bot.send_message(USER, "lost too")
    assert fake.delivery_count("lost") == 0

    # The request reaches Telegram but the answer is lost: a blind retry duplicates it.
    fake.fail_next("sendMessage", status=502, description="Bad Gateway", apply=True)
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "marker-1")
    await bot.send_message(USER, "marker-1")
    assert fake.delivery_count("marker-1") == 2


async def test_delay_timeout_and_outage(fake: FakeTelegram) -> None:
    bot = Bot(fake.token, request=FakeRequest(fake, read_timeout=0.05))
    fake.delay("sendMessage", 0.02)
    await bot.send_message(USER, "slow but fine")
    fake.delay("sendMessage", 0.2)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "too slow")
    fake.delay("sendMessage", 0)

    fake.set_down(True)
    with pytest.raises(NetworkError, match="down"):
        await bot.send_message(USER, "offline")
    fake.set_down(False)
    await bot.send_message(USER, "back")
    assert fake.sent_texts(USER) == ["slow but fine", "too slow", "back"]


# --------------------------------------------------------------------------- misc methods


async def test_commands_chat_and_actions(bot: Bot, fake: FakeTelegram) -> None:
    await bot.set_my_commands(
        [BotCommand("start", "Démarrer"), BotCommand("aide", "Aide")], language_code="fr"
    )
    await bot.set_my_commands([BotCommand("start", "Start")])
    assert [c["command"] for c in fake.commands("fr")] == ["start", "aide"]
    assert fake.commands() == [{"command": "start", "description": "Start"}]
    assert [c.command for c in await bot.get_my_commands(language_code="fr")] == ["start", "aide"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start-Now", "x")])

    chat = await bot.get_chat(USER)
    assert (chat.id, chat.first_name, chat.type) == (USER, "Alice", "private")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat(777)
    assert await bot.send_chat_action(USER, "typing")
    assert await bot.set_chat_menu_button()
    assert await bot.delete_webhook()


async def test_long_polling_and_webhook_conflict(bot: Bot, fake: FakeTelegram) -> None:
    first = await bot.get_updates(timeout=0)
    next_offset = first[-1].update_id + 1

    async def later() -> None:
        # The update must arrive while getUpdates is already waiting: this delay is the test.
        await asyncio.sleep(0.05)
        fake.message_update(USER, "hello")

    task = asyncio.create_task(later())
    loop = asyncio.get_running_loop()
    started = loop.time()
    updates = await bot.get_updates(offset=next_offset, timeout=5)
    await task
    assert loop.time() - started < 1
    assert [u.message.text for u in updates if u.message] == ["hello"]
    assert fake.pending_updates()[0]["update_id"] == next_offset  # older ones confirmed

    await bot.set_webhook("https://relance.example/hook")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates(timeout=1)


async def test_application_polling_round_trip(fake: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html("Bonjour <b>Alice</b> &amp; co")

    app = (
        Application.builder()
        .token(fake.token)
        .request(FakeRequest(fake))
        .get_updates_request(FakeRequest(fake))
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5)
        answered = await async_wait_until(lambda: fake.bot_messages(USER), 2)
        await app.updater.stop()
        await app.stop()
    assert answered, "the polling application never answered /start"
    assert fake.sent_texts(USER) == ["Bonjour Alice & co"]
    assert fake.errors() == []


# --------------------------------------------------------------------------- HTTP server


async def test_http_server_round_trip() -> None:
    fake = FakeTelegram()
    fake.add_user(USER)
    fake.message_update(USER, "/start")
    with FakeTelegramServer(fake) as server:
        bot = Bot(fake.token, base_url=server.base_url, base_file_url=server.base_file_url)
        async with bot:
            assert (await bot.get_me()).username == fake.bot_username
            markup = keyboard([InlineKeyboardButton("Oui", callback_data="yes")])
            sent = await bot.send_message(USER, "Payé ? <i>12 €</i>", parse_mode="HTML", reply_markup=markup)
            assert sent.text == "Payé ? 12 €"
            assert fake.last_bot_message(USER).buttons == [["Oui"]]
            with pytest.raises(BadRequest, match="Can't parse entities"):
                await bot.send_message(USER, "a < b", parse_mode="HTML")

            document = await bot.send_document(USER, b"%PDF\r\n\x00bytes", filename="f.pdf")
            assert document.document is not None
            file = await bot.get_file(document.document.file_id)
            assert bytes(await file.download_as_bytearray()) == b"%PDF\r\n\x00bytes"

            first = await bot.get_updates(timeout=0)
            timer = threading.Timer(0.1, fake.message_update, args=(USER, "queued later"))
            timer.start()
            updates = await bot.get_updates(offset=first[-1].update_id + 1, timeout=5)
            timer.join()
            assert [u.message.text for u in updates if u.message] == ["queued later"]

            fake.set_down(True)
            with pytest.raises(NetworkError):
                await bot.get_me()
            fake.set_down(False)
