"""Shared state and rules of the fake Telegram Bot API.

:class:`FakeTelegram` is the "server side" of Telegram for the test suite: it knows the users,
keeps a per-chat transcript of what each user would see, and answers Bot API methods with the
JSON shapes PTB deserializes.  Above all it *rejects* requests the way Telegram does (unknown
chat, blocked user, broken HTML, oversize text, stale callback query, unchanged edit, flood
limits...) with Telegram's own descriptions, so that a bot bug fails a test instead of failing
in production.

Transports (:mod:`.request` in-process, :mod:`.server` over real HTTP) call
:meth:`FakeTelegram.handle` and :meth:`FakeTelegram.download`.  Everything is guarded by one
re-entrant lock because the HTTP server answers from its own threads while the test inspects
and drives the state from the main thread.
"""

from __future__ import annotations

import json
import math
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from .html import HtmlParseError, ParsedText, parse_html, strip_formatted, utf16_len

__all__ = [
    "ApiError",
    "Delivery",
    "FakeCallbackQuery",
    "FakeDocument",
    "FakeMessage",
    "FakePhoto",
    "FakeTelegram",
    "FakeUser",
    "LoggedRequest",
    "UploadedFile",
]

JSON = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_CALLBACK_DATA_BYTES = 64
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
GLOBAL_MESSAGES_PER_SECOND = 30

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
TEXT_BUTTONS_UNALLOWED = (
    "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
)

#: Methods that put or change content in a chat; they count against the flood limits.
SENDING_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)
#: Methods that create a new message (the "one message per second per chat" rule).
NEW_MESSAGE_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})

_INLINE_ACTION_FIELDS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")


class ApiError(Exception):
    """Raised inside a method handler to produce a Bot API error response."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def response(self) -> JSON:
        """The ``{"ok": false, ...}`` body Telegram sends for this error."""
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


class UploadedFile(NamedTuple):
    """A file part of a multipart request, as received by the fake."""

    filename: str
    content: bytes
    mime_type: str | None


class LoggedRequest(NamedTuple):
    """One Bot API call as seen by the fake (unpacks as ``method, params, status, response``)."""

    method: str
    params: JSON
    status: int
    response: JSON


class Delivery(NamedTuple):
    """A message the bot successfully created (edits are not deliveries)."""

    chat_id: int
    message_id: int
    text: str
    at: float


@dataclass
class FakeUser:
    """A Telegram user; in a private chat, the chat id is the user id."""

    id: int
    first_name: str
    language_code: str | None = None
    username: str | None = None
    last_name: str | None = None
    #: True once the user sent anything to the bot; bots cannot write first.
    started: bool = False
    blocked: bool = False

    def to_json(self) -> JSON:
        """The Bot API ``User`` object."""
        data: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def chat_json(self) -> JSON:
        """The Bot API ``Chat`` object of the private chat with this user."""
        data: JSON = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes


@dataclass
class FakeDocument:
    """A document attached to a message (sent by the bot or by the user)."""

    file_name: str | None
    mime_type: str | None
    content: bytes
    file_id: str
    file_unique_id: str
    #: plain caption text (what the user sees), or None
    caption: str | None = None


@dataclass
class FakePhoto:
    """A photo attached to a message; Telegram reports it as a one-element PhotoSize list here."""

    content: bytes
    file_id: str
    file_unique_id: str
    width: int
    height: int
    caption: str | None = None


@dataclass
class FakeMessage:
    """One message of a chat transcript, as the user would see it."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    #: plain text after entity parsing (the caption for media messages); None if there is none
    text: str | None
    #: raw text/caption as sent by the bot (HTML source when parse_mode is HTML)
    html: str | None = None
    parse_mode: str | None = None
    entities: list[JSON] = field(default_factory=list)
    reply_markup: JSON | None = None
    #: number of successful edits
    edited: int = 0
    edit_date: int | None = None
    document: FakeDocument | None = None
    photo: FakePhoto | None = None
    deleted: bool = False
    reply_to_message_id: int | None = None
    #: previous plain texts, oldest first (one entry per text/caption edit)
    history: list[str | None] = field(default_factory=list)

    @property
    def inline_keyboard(self) -> list[list[JSON]]:
        """The inline keyboard rows (empty if the message has none)."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard")
        return rows if isinstance(rows, list) else []

    @property
    def inline_markup(self) -> JSON | None:
        """The inline part of ``reply_markup`` (reply keyboards are chat-level, not message content)."""
        rows = self.inline_keyboard
        return {"inline_keyboard": rows} if rows else None

    @property
    def buttons(self) -> list[list[str]]:
        """Texts of the inline keyboard buttons, row by row."""
        return [[str(button.get("text", "")) for button in row] for row in self.inline_keyboard]

    def button(self, label: str) -> JSON | None:
        """The inline button whose text is exactly ``label``, if any."""
        for row in self.inline_keyboard:
            for button in row:
                if button.get("text") == label:
                    return button
        return None


@dataclass
class FakeCallbackQuery:
    """A button press the fake delivered; Telegram wants exactly one answer per query."""

    id: str
    user_id: int
    message_id: int
    data: str | None
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None
    apply: bool

    def response(self) -> JSON:
        parameters = {"retry_after": self.retry_after} if self.retry_after is not None else None
        return ApiError(self.status, self.description, parameters).response()


def _canonical_methods() -> dict[str, str]:
    names = [
        "getMe",
        "getUpdates",
        "getWebhookInfo",
        "deleteWebhook",
        "setWebhook",
        "setMyCommands",
        "getMyCommands",
        "deleteMyCommands",
        "setChatMenuButton",
        "getChatMenuButton",
        "sendMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
        "answerCallbackQuery",
        "sendDocument",
        "sendPhoto",
        "getFile",
        "getChat",
        "sendChatAction",
    ]
    return {name.lower(): name for name in names}


_METHODS = _canonical_methods()


def canonical_method(name: str) -> str:
    """Bot API method names are case-insensitive; map to the documented spelling when known."""
    return _METHODS.get(name.lower(), name)


# --------------------------------------------------------------------------- parameter coercion
# Over HTTP every parameter arrives as a string (form encoding) while the in-process transport
# passes JSON-ready values; Telegram itself accepts both, so these helpers accept both too.


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1"}
    return bool(value)


def _as_json(value: Any, what: str) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise _bad_request(f"can't parse {what} JSON object") from None
    return value


def _str_param(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _image_size(content: bytes) -> tuple[int, int]:
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    return 320, 320


class FakeTelegram:
    """In-memory Telegram: users, chats, updates, files and the Bot API rules.

    All public methods are thread-safe.  Lists returned by helpers are copies, but the
    :class:`FakeMessage` objects in them are live (an edit made later is visible on them).
    """

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_id: int = 123456,
        bot_username: str = "relance_test_bot",
        rate_limits: bool = False,
        *,
        bot_first_name: str = "Relance Test",
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        #: enforce Telegram's flood limits (30 sends/s overall, 1 message/s per private chat)
        self.rate_limits = rate_limits
        #: the clock the flood limits are measured with (a test may pass a virtual one)
        self.monotonic = monotonic

        self._lock = threading.RLock()
        self._updates_changed = threading.Condition(self._lock)

        self.users: dict[int, FakeUser] = {}
        self._chats: dict[int, list[FakeMessage]] = {}
        self._next_message_id: dict[int, int] = {}
        self._update_queue: list[JSON] = []
        self._next_update_id = 1
        self._next_file_number = 1
        self._next_query_number = 1
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._callback_queries: dict[str, FakeCallbackQuery] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._menu_buttons: dict[int | None, JSON] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._delays: dict[str, float] = {}
        self._down = False
        self._send_times: deque[float] = deque()
        self._chat_delivery_times: dict[int, list[float]] = {}

        #: every Bot API call, in order
        self.requests: list[LoggedRequest] = []
        #: every message the bot successfully created, in order
        self.deliveries: list[Delivery] = []
        #: number of requests refused by the flood limits (injected 429s are not counted)
        self.rate_limited_count = 0
        #: URL given to setWebhook ("" when none); getUpdates is refused while one is set
        self.webhook_url = ""
        #: secret_token given to setWebhook: Telegram sends it in X-Telegram-Bot-Api-Secret-Token
        self.webhook_secret = ""

        self._handlers: dict[str, Callable[[JSON, dict[str, UploadedFile]], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "getWebhookInfo": self._get_webhook_info,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "getFile": self._get_file,
            "getChat": self._get_chat,
            "sendChatAction": self._send_chat_action,
        }

    # ------------------------------------------------------------------ users and incoming updates

    def add_user(
        self,
        user_id: int,
        first_name: str = "Alice",
        language_code: str | None = "fr",
        username: str | None = None,
        last_name: str | None = None,
    ) -> JSON:
        """Register a user (who has not started the bot yet) and return its ``User`` JSON."""
        if user_id <= 0 or user_id == self.bot_id:
            raise ValueError(f"user id must be positive and differ from the bot id, got {user_id}")
        with self._lock:
            user = FakeUser(user_id, first_name, language_code, username, last_name)
            self.users[user_id] = user
            self._chats.setdefault(user_id, [])
            self._next_message_id.setdefault(user_id, 1)
            return user.to_json()

    def user(self, user_id: int) -> FakeUser:
        """The registered user (AssertionError if unknown, to point at a missing add_user)."""
        with self._lock:
            return self._known_user(user_id)

    def block(self, user_id: int) -> JSON:
        """The user blocks the bot; returns (and queues) the ``my_chat_member`` update Telegram sends."""
        with self._lock:
            user = self._known_user(user_id)
            user.blocked = True
            return self._queue_update({"my_chat_member": self._member_change(user, "member", "kicked")})

    def unblock(self, user_id: int) -> JSON:
        """The user unblocks the bot; returns (and queues) the ``my_chat_member`` update."""
        with self._lock:
            user = self._known_user(user_id)
            user.blocked = False
            return self._queue_update({"my_chat_member": self._member_change(user, "kicked", "member")})

    def message_update(
        self,
        user_id: int,
        text: str | None = None,
        *,
        document: Mapping[str, Any] | None = None,
        photo: bytes | None = None,
        caption: str | None = None,
    ) -> JSON:
        """The user sends a message: record it, mark the user started, queue and return the Update.

        ``document`` is ``{"file_name": ..., "mime_type": ..., "content": b"..."}``; its bytes are
        stored so that ``getFile`` and the download work as on Telegram.  A blocked user is
        unblocked first (Telegram clients unblock a bot when you write to it).
        """
        if text is None and document is None and photo is None:
            raise ValueError("message_update needs text, document or photo")
        with self._lock:
            user = self._known_user(user_id)
            if user.blocked:
                self.unblock(user_id)
            user.started = True
            message = FakeMessage(
                message_id=self._take_message_id(user_id),
                chat_id=user_id,
                from_bot=False,
                date=int(time.time()),
                text=text if text is not None else caption,
                html=text if text is not None else caption,
            )
            if text is not None and text.startswith("/"):
                command = text.split(maxsplit=1)[0]
                message.entities = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
            if document is not None:
                content = bytes(document.get("content", b""))
                file_name = document.get("file_name")
                stored = self._store_file(content, "documents", str(file_name or "file"))
                message.document = FakeDocument(
                    file_name=file_name,
                    mime_type=document.get("mime_type"),
                    content=content,
                    file_id=stored.file_id,
                    file_unique_id=stored.file_unique_id,
                    caption=caption,
                )
            elif photo is not None:
                stored = self._store_file(bytes(photo), "photos", "photo.jpg")
                width, height = _image_size(photo)
                message.photo = FakePhoto(
                    photo, stored.file_id, stored.file_unique_id, width, height, caption=caption
                )
            self._chats[user_id].append(message)
            return self._queue_update({"message": self._message_json(message)})

    def callback_update(self, user_id: int, message_id: int, data: str) -> JSON:
        """The user presses a callback button carrying ``data`` on bot message ``message_id``.

        Unlike :meth:`press`, ``data`` is not checked against the keyboard, so tests can send
        stale or forged callback data.  The query is recorded for answerCallbackQuery.
        """
        with self._lock:
            user = self._known_user(user_id)
            message = self._find_message(user_id, message_id)
            if message is None or message.deleted or not message.from_bot:
                raise AssertionError(f"no visible bot message {message_id} in chat {user_id} to press on")
            query_id = f"{user_id}{self._next_query_number:08d}"
            self._next_query_number += 1
            self._callback_queries[query_id] = FakeCallbackQuery(query_id, user_id, message_id, data)
            user.started = True
            query: JSON = {
                "id": query_id,
                "from": user.to_json(),
                "message": self._message_json(message),
                "chat_instance": str(-user_id * 7919),
                "data": data,
            }
            return self._queue_update({"callback_query": query})

    def press(self, user_id: int, label: str, *, message_id: int | None = None) -> JSON:
        """Press the button labelled exactly ``label`` on the newest bot message that has it.

        Raises AssertionError, listing the available labels, when no such button exists, and
        for URL buttons (they open a link; the bot never hears about them).
        """
        with self._lock:
            self._known_user(user_id)
            candidates = [
                m
                for m in reversed(self._chats.get(user_id, []))
                if m.from_bot and not m.deleted and m.inline_keyboard
            ]
            if message_id is not None:
                candidates = [m for m in candidates if m.message_id == message_id]
            for message in candidates:
                button = message.button(label)
                if button is None:
                    continue
                if "callback_data" in button:
                    return self.callback_update(user_id, message.message_id, str(button["callback_data"]))
                kind = next((f for f in _INLINE_ACTION_FIELDS if f in button), "unknown")
                raise AssertionError(
                    f"button {label!r} on message {message.message_id} is a {kind} button, not pressable"
                )
            available = {m.message_id: m.buttons for m in candidates}
            where = f"message {message_id}" if message_id is not None else f"chat {user_id}"
            raise AssertionError(f"no button {label!r} in {where}; available buttons by message: {available}")

    def pending_updates(self) -> list[JSON]:
        """Updates queued for getUpdates and not yet confirmed by a higher offset."""
        with self._lock:
            return list(self._update_queue)

    # ------------------------------------------------------------------ transcript and inspection

    def chat(self, chat_id: int) -> list[FakeMessage]:
        """All messages of the chat in order, including deleted ones (see ``deleted``)."""
        with self._lock:
            return list(self._chats.get(chat_id, []))

    def bot_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[FakeMessage]:
        """The bot's messages in the chat (by default only those still visible)."""
        with self._lock:
            return [
                m for m in self._chats.get(chat_id, []) if m.from_bot and (include_deleted or not m.deleted)
            ]

    def last_bot_message(self, chat_id: int) -> FakeMessage:
        """The newest visible bot message (AssertionError if there is none)."""
        messages = self.bot_messages(chat_id)
        if not messages:
            raise AssertionError(f"the bot has no visible message in chat {chat_id}")
        return messages[-1]

    def sent_texts(self, chat_id: int, *, include_deleted: bool = True) -> list[str]:
        """Current plain texts (captions for media) of the bot's messages, oldest first."""
        return [m.text or "" for m in self.bot_messages(chat_id, include_deleted=include_deleted)]

    def errors(self) -> list[LoggedRequest]:
        """Logged calls that did not get a 200 answer."""
        with self._lock:
            return [r for r in self.requests if r.status != 200]

    def calls(self, method: str) -> list[LoggedRequest]:
        """Logged calls of one method (case-insensitive name)."""
        name = canonical_method(method)
        with self._lock:
            return [r for r in self.requests if r.method == name]

    def callback_queries(self) -> list[FakeCallbackQuery]:
        """All callback queries delivered so far."""
        with self._lock:
            return list(self._callback_queries.values())

    def unanswered_callback_queries(self) -> list[FakeCallbackQuery]:
        """Callback queries the bot never answered (the user's button keeps spinning)."""
        return [q for q in self.callback_queries() if not q.answered]

    def commands(
        self, language_code: str | None = None, scope: Mapping[str, Any] | None = None
    ) -> list[JSON]:
        """Commands set with setMyCommands for that language ("" / None = all languages)."""
        with self._lock:
            return list(self._commands.get((self._scope_key(scope), language_code or ""), []))

    def delivery_times(self, chat_id: int) -> list[float]:
        """``monotonic()`` (the fake's clock) of each message delivered to the chat."""
        with self._lock:
            return list(self._chat_delivery_times.get(chat_id, []))

    def chats_with_bursts(self, window: float = 1.0) -> list[int]:
        """Chats that received two messages less than ``window`` seconds apart."""
        with self._lock:
            return [
                chat_id
                for chat_id, times in self._chat_delivery_times.items()
                if any(b - a < window for a, b in zip(times, times[1:], strict=False))
            ]

    def delivery_count(self, marker: str) -> int:
        """How many delivered messages contain ``marker`` (to detect duplicates or losses)."""
        with self._lock:
            return sum(1 for d in self.deliveries if marker in d.text)

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        status: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
        times: int = 1,
        *,
        apply: bool = False,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error.

        By default the call has no effect (the request "never reached" Telegram).  With
        ``apply=True`` it is executed and only the answer is lost, which is how duplicate
        messages happen when a bot blindly retries.
        """
        fault = _Fault(status, description, retry_after, apply)
        with self._lock:
            self._faults.setdefault(canonical_method(method), deque()).extend(fault for _ in range(times))

    def delay(self, method: str, seconds: float) -> None:
        """Make answers to ``method`` (or ``"*"`` for all) take ``seconds`` longer (0 removes)."""
        key = "*" if method == "*" else canonical_method(method)
        with self._lock:
            if seconds > 0:
                self._delays[key] = seconds
            else:
                self._delays.pop(key, None)

    def response_delay(self, method: str) -> float:
        """The configured delay for ``method`` (used by the transports)."""
        name = canonical_method(method)
        with self._lock:
            return self._delays.get(name, self._delays.get("*", 0.0))

    def set_down(self, down: bool = True) -> None:
        """Simulate an outage: transports fail at the network level instead of answering."""
        with self._updates_changed:
            self._down = down
            self._updates_changed.notify_all()

    @property
    def is_down(self) -> bool:
        """Whether :meth:`set_down` is in effect."""
        return self._down

    # ------------------------------------------------------------------ transport entry points

    def handle(
        self,
        method: str,
        params: Mapping[str, Any],
        files: Mapping[str, UploadedFile] | None = None,
        *,
        token: str | None = None,
    ) -> tuple[int, JSON]:
        """Execute one Bot API call; returns the HTTP status and the JSON body.

        ``token`` is the one from the URL (None skips the check).  Never raises for API
        errors: they become Telegram-shaped error bodies, logged in :attr:`requests`.
        """
        name = canonical_method(method)
        file_map = dict(files or {})
        with self._lock:
            response: JSON
            if token is not None and token != self.token:
                response = ApiError(401, "Unauthorized").response()
            else:
                queue = self._faults.get(name)
                fault = queue.popleft() if queue else None
                if fault is not None and not fault.apply:
                    response = fault.response()
                else:
                    response = self._execute(name, dict(params), file_map)
                    if fault is not None:
                        response = fault.response()
            status = 200 if response.get("ok") else int(response.get("error_code", 500))
            logged = {**params, **file_map}
            self.requests.append(LoggedRequest(name, logged, status, response))
            return status, response

    def download(self, token: str, file_path: str) -> tuple[int, bytes]:
        """Serve ``GET <base_file_url><token>/<file_path>``: the stored bytes or a JSON error."""
        with self._lock:
            if token != self.token:
                return 401, json.dumps(ApiError(401, "Unauthorized").response()).encode()
            stored = self._files_by_path.get(file_path)
            if stored is None:
                return 404, json.dumps(ApiError(404, "Not Found").response()).encode()
            return 200, stored.content

    def updates_ready(self, offset: int | None) -> bool:
        """Whether getUpdates with this offset would answer now (updates queued, or a 409)."""
        with self._lock:
            if self.webhook_url:
                return True
            return bool(self._updates_after(offset))

    def wait_for_updates(
        self, offset: int | None, timeout: float, should_stop: Callable[[], bool] = lambda: False
    ) -> None:
        """Block (for thread-based transports) until getUpdates can answer or ``timeout`` expires."""
        deadline = time.monotonic() + timeout
        with self._updates_changed:
            while not self.updates_ready(offset) and not self._down and not should_stop():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._updates_changed.wait(min(remaining, 0.05))

    # ------------------------------------------------------------------ internals: bookkeeping

    def _known_user(self, user_id: int) -> FakeUser:
        user = self.users.get(user_id)
        if user is None:
            raise AssertionError(f"unknown user {user_id}: call add_user({user_id}) first")
        return user

    def _take_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _queue_update(self, payload: JSON) -> JSON:
        update = {"update_id": self._next_update_id, **payload}
        self._next_update_id += 1
        self._update_queue.append(update)
        self._updates_changed.notify_all()
        return update

    def _updates_after(self, offset: int | None) -> list[JSON]:
        if offset is None or offset == 0:
            return list(self._update_queue)
        if offset < 0:
            return self._update_queue[offset:]
        return [u for u in self._update_queue if u["update_id"] >= offset]

    def _store_file(self, content: bytes, folder: str, name: str) -> _StoredFile:
        number = self._next_file_number
        self._next_file_number += 1
        extension = ""
        if "." in name:
            extension = "." + name.rsplit(".", 1)[1][:8]
        stored = _StoredFile(
            file_id=f"FAKEFILE{number:06d}",
            file_unique_id=f"UNIQ{number:06d}",
            file_path=f"{folder}/file_{number}{extension}",
            content=content,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _find_message(self, chat_id: int, message_id: int) -> FakeMessage | None:
        for message in self._chats.get(chat_id, []):
            if message.message_id == message_id:
                return message
        return None

    def _bot_json(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _member_change(self, user: FakeUser, old: str, new: str) -> JSON:
        def member(status: str) -> JSON:
            data: JSON = {"status": status, "user": self._bot_json()}
            if status == "kicked":
                data["until_date"] = 0
            return data

        return {
            "chat": user.chat_json(),
            "from": user.to_json(),
            "date": int(time.time()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }

    def _message_json(self, message: FakeMessage) -> JSON:
        user = self.users[message.chat_id]
        data: JSON = {
            "message_id": message.message_id,
            "from": self._bot_json() if message.from_bot else user.to_json(),
            "chat": user.chat_json(),
            "date": message.date,
        }
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        media = message.document or message.photo
        if message.document is not None:
            doc = message.document
            data["document"] = {
                "file_id": doc.file_id,
                "file_unique_id": doc.file_unique_id,
                "file_size": len(doc.content),
            }
            if doc.file_name:
                data["document"]["file_name"] = doc.file_name
            if doc.mime_type:
                data["document"]["mime_type"] = doc.mime_type
        elif message.photo is not None:
            photo = message.photo
            data["photo"] = [
                {
                    "file_id": photo.file_id,
                    "file_unique_id": photo.file_unique_id,
                    "width": photo.width,
                    "height": photo.height,
                    "file_size": len(photo.content),
                }
            ]
        if media is not None:
            if message.text:
                data["caption"] = message.text
                if message.entities:
                    data["caption_entities"] = message.entities
        elif message.text is not None:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        if message.inline_keyboard:
            data["reply_markup"] = {"inline_keyboard": message.inline_keyboard}
        if message.reply_to_message_id is not None:
            replied = self._find_message(message.chat_id, message.reply_to_message_id)
            if replied is not None and replied is not message:
                data["reply_to_message"] = self._message_json(replied)
        return data

    # ------------------------------------------------------------------ internals: validation

    def _execute(self, name: str, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        handler = self._handlers.get(name)
        if handler is None:
            return ApiError(404, "Not Found").response()
        try:
            result = handler(params, files)
        except ApiError as error:
            if error.status == 429:
                self.rate_limited_count += 1
            return error.response()
        return {"ok": True, "result": result}

    def _target_user(self, params: Mapping[str, Any]) -> FakeUser:
        """Resolve ``chat_id`` to a user the bot may write to, with Telegram's refusals."""
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad_request("chat_id is empty")
        chat_id = _as_int(raw)
        user = self.users.get(chat_id) if chat_id is not None else None
        if user is None:
            raise _bad_request("chat not found")
        if user.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if not user.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return user

    def _format(
        self, params: Mapping[str, Any], key: str, entities_key: str, limit: int
    ) -> tuple[ParsedText, str | None]:
        """Parse ``params[key]`` according to ``parse_mode``; returns (parsed, parse_mode)."""
        raw = _str_param(params, key) or ""
        parse_mode = _str_param(params, "parse_mode")
        if parse_mode is not None and parse_mode != "":
            mode = parse_mode.lower()
            if mode == "html":
                try:
                    parsed = parse_html(raw)
                except HtmlParseError as error:
                    raise _bad_request(f"can't parse entities: {error}") from None
            elif mode in {"markdown", "markdownv2"}:
                raise _bad_request("can't parse entities: markdown is not supported by this fake")
            else:
                raise _bad_request("unsupported parse_mode")
        else:
            parse_mode = None
            entities = _as_json(params.get(entities_key), "message entities") or []
            parsed = ParsedText(raw, list(entities) if isinstance(entities, list) else [])
        parsed = strip_formatted(parsed)
        if utf16_len(parsed.text) > limit:
            reason = "message is too long" if key == "text" else "message caption is too long"
            raise _bad_request(reason)
        return parsed, parse_mode

    def _reply_markup(self, params: Mapping[str, Any], *, inline_only: bool) -> JSON | None:
        raw = params.get("reply_markup")
        if raw is None or raw == "":
            return None
        markup = _as_json(raw, "reply keyboard markup")
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise _bad_request('field "inline_keyboard" must be of type Array')
            for row in rows:
                for button in row:
                    self._check_inline_button(button)
            # An empty inline keyboard is the same as none (it is how keyboards get removed).
            return {"inline_keyboard": rows} if any(rows) else None
        if inline_only:
            raise _bad_request("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise _bad_request('field "keyboard" must be of type Array')
            for row in rows:
                for button in row:
                    text = button.get("text") if isinstance(button, dict) else button
                    if not isinstance(text, str) or not text.strip():
                        raise _bad_request("BUTTON_TEXT_INVALID")
            return markup
        if "remove_keyboard" in markup or "force_reply" in markup:
            return markup
        raise _bad_request("can't parse reply keyboard markup JSON object")

    @staticmethod
    def _check_inline_button(button: Any) -> None:
        if not isinstance(button, dict):
            raise _bad_request("can't parse inline keyboard button: Object expected")
        if "text" not in button:
            raise _bad_request("can't parse inline keyboard button: Can't find field \"text\"")
        text = button["text"]
        if not isinstance(text, str):
            raise _bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
        if not text.strip():
            raise _bad_request("BUTTON_TEXT_INVALID")
        # An empty callback_data counts as absent on Telegram, hence the "text button" error.
        actions = [f for f in _INLINE_ACTION_FIELDS if f in button and button[f] not in (None, "")]
        if not actions:
            raise ApiError(400, TEXT_BUTTONS_UNALLOWED)
        if "callback_data" in actions:
            data = button["callback_data"]
            if not isinstance(data, str) or len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
                raise _bad_request("BUTTON_DATA_INVALID")
        if "url" in actions:
            _check_button_url(str(button["url"]))
        if "web_app" in actions:
            web_app = button["web_app"]
            url = str(web_app.get("url", "")) if isinstance(web_app, dict) else ""
            if urlsplit(url).scheme.lower() != "https":
                raise _bad_request(
                    f"inline keyboard button Web App URL '{url}' is invalid: Only HTTPS links are allowed"
                )

    def _check_rate(self, chat_id: int, *, new_message: bool) -> None:
        """Apply the flood limits (when enabled) and record the send time."""
        now = self.monotonic()
        while self._send_times and now - self._send_times[0] >= 1.0:
            self._send_times.popleft()
        if self.rate_limits:
            waits: list[float] = []
            if len(self._send_times) >= GLOBAL_MESSAGES_PER_SECOND:
                waits.append(1.0 - (now - self._send_times[0]))
            times = self._chat_delivery_times.get(chat_id)
            if new_message and times and now - times[-1] < 1.0:
                waits.append(1.0 - (now - times[-1]))
            if waits:
                retry_after = max(1, math.ceil(max(waits)))
                raise ApiError(
                    429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
                )
        self._send_times.append(now)
        if new_message:
            self._chat_delivery_times.setdefault(chat_id, []).append(now)

    def _check_reply(self, chat_id: int, params: Mapping[str, Any]) -> int | None:
        reply = _as_json(params.get("reply_parameters"), "reply parameters")
        if isinstance(reply, dict):
            message_id = _as_int(reply.get("message_id"))
            if message_id is None:
                raise _bad_request('can\'t find field "message_id"')
            allow_missing = _as_bool(reply.get("allow_sending_without_reply", False))
        else:
            message_id = _as_int(params.get("reply_to_message_id"))
            allow_missing = _as_bool(params.get("allow_sending_without_reply", False))
            if message_id is None:
                return None
        target = self._find_message(chat_id, message_id)
        if target is None or target.deleted:
            if allow_missing:
                return None
            raise _bad_request("message to be replied not found")
        return message_id

    def _new_bot_message(self, user: FakeUser, message: FakeMessage, markup: JSON | None) -> JSON:
        message.reply_markup = markup
        self._chats[user.id].append(message)
        self.deliveries.append(Delivery(user.id, message.message_id, message.text or "", self.monotonic()))
        return self._message_json(message)

    def _editable_message(self, user: FakeUser, params: Mapping[str, Any]) -> FakeMessage:
        if params.get("inline_message_id"):
            raise _bad_request("inline messages are not supported by this fake")
        message_id = _as_int(params.get("message_id"))
        message = self._find_message(user.id, message_id) if message_id is not None else None
        if message is None or message.deleted or not message.from_bot:
            raise _bad_request("message to edit not found")
        return message

    def _uploaded(
        self, params: Mapping[str, Any], files: Mapping[str, UploadedFile], name: str
    ) -> UploadedFile:
        """The file sent as ``name``: an upload, an ``attach://`` part or an existing file_id."""
        value = params.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
            if upload is None:
                raise _bad_request(f"there is no {name} in the request")
            return upload
        if name in files:
            return files[name]
        if isinstance(value, str) and value:
            if value.startswith(("http://", "https://")):
                raise _bad_request("failed to get HTTP URL content (this fake cannot fetch URLs)")
            stored = self._files.get(value)
            if stored is None:
                raise _bad_request("wrong file identifier/HTTP URL specified")
            return UploadedFile(stored.file_path.rsplit("/", 1)[-1], stored.content, None)
        raise _bad_request(f"there is no {name} in the request")

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if not scope:
            return json.dumps({"type": "default"})
        return json.dumps(scope, sort_keys=True)

    # ------------------------------------------------------------------ method handlers

    def _get_me(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return {
            **self._bot_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _get_updates(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _as_int(params.get("offset"))
        limit = _as_int(params.get("limit")) or 100
        if offset is not None and offset > 0:
            # Confirming an offset forgets every earlier update, as on Telegram.
            self._update_queue = [u for u in self._update_queue if u["update_id"] >= offset]
        return self._updates_after(offset)[: max(1, min(limit, 100))]

    def _get_webhook_info(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._update_queue),
        }

    def _delete_webhook(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self.webhook_url = ""
        if _as_bool(params.get("drop_pending_updates", False)):
            self._update_queue.clear()
        return True

    def _set_webhook(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        url = _str_param(params, "url") or ""
        if url and urlsplit(url).scheme.lower() != "https":
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        self.webhook_secret = _str_param(params, "secret_token") or ""
        if _as_bool(params.get("drop_pending_updates", False)):
            self._update_queue.clear()
        return True

    def _set_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        commands = _as_json(params.get("commands"), "commands")
        if not isinstance(commands, list):
            raise _bad_request('field "commands" must be of type Array')
        if len(commands) > 100:
            raise _bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad_request("can't parse BotCommand: Object expected")
            name = command.get("command")
            description = command.get("description")
            valid_name = (
                isinstance(name, str)
                and 1 <= len(name) <= 32
                and all(c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in name)
            )
            if not valid_name:
                raise _bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        scope = _as_json(params.get("scope"), "scope")
        language = _str_param(params, "language_code") or ""
        self._commands[(self._scope_key(scope), language)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        scope = _as_json(params.get("scope"), "scope")
        language = _str_param(params, "language_code") or ""
        return list(self._commands.get((self._scope_key(scope), language), []))

    def _delete_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        scope = _as_json(params.get("scope"), "scope")
        language = _str_param(params, "language_code") or ""
        self._commands.pop((self._scope_key(scope), language), None)
        return True

    def _set_chat_menu_button(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        chat_id = _as_int(params.get("chat_id")) if params.get("chat_id") not in (None, "") else None
        if chat_id is not None and chat_id not in self.users:
            raise _bad_request("chat not found")
        button = _as_json(params.get("menu_button"), "menu button") or {"type": "default"}
        self._menu_buttons[chat_id] = button
        return True

    def _get_chat_menu_button(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat_id = _as_int(params.get("chat_id")) if params.get("chat_id") not in (None, "") else None
        return self._menu_buttons.get(chat_id, self._menu_buttons.get(None, {"type": "commands"}))

    def _send_message(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        user = self._target_user(params)
        raw = _str_param(params, "text")
        if not raw:
            raise _bad_request("message text is empty")
        parsed, parse_mode = self._format(params, "text", "entities", MAX_TEXT_LENGTH)
        if not parsed.text:
            raise _bad_request("text must be non-empty")
        markup = self._reply_markup(params, inline_only=False)
        reply_to = self._check_reply(user.id, params)
        self._check_rate(user.id, new_message=True)
        message = FakeMessage(
            message_id=self._take_message_id(user.id),
            chat_id=user.id,
            from_bot=True,
            date=int(time.time()),
            text=parsed.text,
            html=raw,
            parse_mode=parse_mode,
            entities=parsed.entities,
            reply_to_message_id=reply_to,
        )
        return self._new_bot_message(user, message, markup)

    def _send_document(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        user = self._target_user(params)
        upload = self._uploaded(params, files, "document")
        if not upload.content:
            raise _bad_request("file must be non-empty")
        if len(upload.content) > MAX_UPLOAD_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        parsed, parse_mode = self._format(params, "caption", "caption_entities", MAX_CAPTION_LENGTH)
        markup = self._reply_markup(params, inline_only=False)
        reply_to = self._check_reply(user.id, params)
        self._check_rate(user.id, new_message=True)
        stored = self._store_file(upload.content, "documents", upload.filename or "file")
        caption = parsed.text or None
        message = FakeMessage(
            message_id=self._take_message_id(user.id),
            chat_id=user.id,
            from_bot=True,
            date=int(time.time()),
            text=caption,
            html=_str_param(params, "caption"),
            parse_mode=parse_mode,
            entities=parsed.entities,
            document=FakeDocument(
                file_name=upload.filename,
                mime_type=upload.mime_type,
                content=upload.content,
                file_id=stored.file_id,
                file_unique_id=stored.file_unique_id,
                caption=caption,
            ),
            reply_to_message_id=reply_to,
        )
        return self._new_bot_message(user, message, markup)

    def _send_photo(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        user = self._target_user(params)
        upload = self._uploaded(params, files, "photo")
        if not upload.content:
            raise _bad_request("file must be non-empty")
        content = upload.content
        if not (content.startswith(_IMAGE_MAGIC) or (content[:4] == b"RIFF" and content[8:12] == b"WEBP")):
            raise _bad_request("IMAGE_PROCESS_FAILED")
        if len(content) > 10 * 1024 * 1024:
            raise _bad_request("PHOTO_INVALID_DIMENSIONS")
        parsed, parse_mode = self._format(params, "caption", "caption_entities", MAX_CAPTION_LENGTH)
        markup = self._reply_markup(params, inline_only=False)
        reply_to = self._check_reply(user.id, params)
        self._check_rate(user.id, new_message=True)
        stored = self._store_file(content, "photos", "photo.jpg")
        width, height = _image_size(content)
        caption = parsed.text or None
        message = FakeMessage(
            message_id=self._take_message_id(user.id),
            chat_id=user.id,
            from_bot=True,
            date=int(time.time()),
            text=caption,
            html=_str_param(params, "caption"),
            parse_mode=parse_mode,
            entities=parsed.entities,
            photo=FakePhoto(content, stored.file_id, stored.file_unique_id, width, height, caption),
            reply_to_message_id=reply_to,
        )
        return self._new_bot_message(user, message, markup)

    def _edit_message_text(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        user = self._target_user(params)
        message = self._editable_message(user, params)
        if message.document is not None or message.photo is not None:
            raise _bad_request("there is no text in the message to edit")
        raw = _str_param(params, "text")
        if not raw:
            raise _bad_request("message text is empty")
        parsed, parse_mode = self._format(params, "text", "entities", MAX_TEXT_LENGTH)
        if not parsed.text:
            raise _bad_request("text must be non-empty")
        # Without reply_markup, Telegram removes the inline keyboard of the edited message.
        markup = self._reply_markup(params, inline_only=True)
        if (
            parsed.text == message.text
            and parsed.entities == message.entities
            and markup == message.inline_markup
        ):
            raise ApiError(400, NOT_MODIFIED)
        self._check_rate(user.id, new_message=False)
        message.history.append(message.text)
        message.text, message.html, message.parse_mode = parsed.text, raw, parse_mode
        message.entities = parsed.entities
        message.reply_markup = markup
        return self._mark_edited(message)

    def _edit_message_caption(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        user = self._target_user(params)
        message = self._editable_message(user, params)
        if message.document is None and message.photo is None:
            raise _bad_request("there is no caption in the message to edit")
        parsed, parse_mode = self._format(params, "caption", "caption_entities", MAX_CAPTION_LENGTH)
        markup = self._reply_markup(params, inline_only=True)
        caption = parsed.text or None
        if (
            caption == message.text
            and parsed.entities == message.entities
            and markup == message.inline_markup
        ):
            raise ApiError(400, NOT_MODIFIED)
        self._check_rate(user.id, new_message=False)
        message.history.append(message.text)
        message.text, message.html, message.parse_mode = caption, _str_param(params, "caption"), parse_mode
        message.entities = parsed.entities
        message.reply_markup = markup
        media = message.document or message.photo
        if media is not None:
            media.caption = caption
        return self._mark_edited(message)

    def _edit_message_reply_markup(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        user = self._target_user(params)
        message = self._editable_message(user, params)
        markup = self._reply_markup(params, inline_only=True)
        if markup == message.inline_markup:
            raise ApiError(400, NOT_MODIFIED)
        self._check_rate(user.id, new_message=False)
        message.reply_markup = markup
        return self._mark_edited(message)

    def _mark_edited(self, message: FakeMessage) -> JSON:
        message.edited += 1
        message.edit_date = int(time.time())
        return self._message_json(message)

    def _delete_message(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        user = self._target_user(params)
        message_id = _as_int(params.get("message_id"))
        message = self._find_message(user.id, message_id) if message_id is not None else None
        if message is None or message.deleted:
            raise _bad_request("message to delete not found")
        message.deleted = True
        return True

    def _answer_callback_query(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        query = self._callback_queries.get(_str_param(params, "callback_query_id") or "")
        if query is None or query.answered:
            raise ApiError(400, QUERY_TOO_OLD)
        text = _str_param(params, "text")
        if text is not None and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        query.answer_text = text
        query.show_alert = _as_bool(params.get("show_alert", False))
        return True

    def _get_file(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        stored = self._files.get(_str_param(params, "file_id") or "")
        if stored is None:
            raise _bad_request("invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD_BYTES:
            raise _bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    def _get_chat(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat_id = _as_int(params.get("chat_id"))
        user = self.users.get(chat_id) if chat_id is not None else None
        if user is None:
            raise _bad_request("chat not found")
        return {
            **user.chat_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _send_chat_action(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self._target_user(params)
        if _str_param(params, "action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True


def _check_button_url(url: str) -> None:
    """Telegram accepts http(s) and tg:// button URLs; local hosts are refused by the servers."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "tg":
        return
    if scheme and scheme not in {"http", "https"}:
        raise _bad_request(f"inline keyboard button URL '{url}' is invalid: Unsupported URL protocol")
    host = parts.hostname or ""
    if not scheme or not host or " " in url:
        raise _bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    if "." not in host:
        raise _bad_request("BUTTON_URL_INVALID")
