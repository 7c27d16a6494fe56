"""PTB persistence in SQLite: conversation states and per-user drafts survive a restart.

Only `user_data` (JSON-serialisable drafts) and conversation states are kept; PTB flushes
them every `update_interval` seconds and at shutdown.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from bot.storage.db import Database

UPDATE_INTERVAL_SECONDS = 1.0

# The shapes BasePersistence's methods take (PTB keeps these aliases private).
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]


class SqlitePersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    def __init__(self, db: Database) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True, callback_data=False),
            update_interval=UPDATE_INTERVAL_SECONDS,
        )
        self._db = db
        self.shared = False
        """Set when several workers share the database (webhook mode): state is re-read per update."""
        self._handling: dict[int, int] = {}

    async def get_user_data(self) -> dict[int, dict[str, Any]]:
        rows = await self._db.fetchall("SELECT user_id, data FROM user_state")
        return {row["user_id"]: json.loads(row["data"]) for row in rows}

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        if not self._may_write(user_id):
            return
        if not data:
            await self.drop_user_data(user_id)
            return
        await self._db.execute(
            "INSERT INTO user_state (user_id, data) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET data = excluded.data",
            (user_id, json.dumps(data, default=str)),
        )

    async def drop_user_data(self, user_id: int) -> None:
        await self._db.execute("DELETE FROM user_state WHERE user_id = ?", (user_id,))

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        """One process: nothing to do (it is the only writer). Several workers (`shared`): the
        user's drafts as the database has them, since another worker may have changed them."""
        if not self.shared:
            return
        row = await self._db.fetchone("SELECT data FROM user_state WHERE user_id = ?", (user_id,))
        user_data.clear()
        if row is not None:
            user_data.update(json.loads(row["data"]))

    def handling(self, user_id: int) -> None:
        """Several workers: this process handles one of the user's updates now, so it may write the
        user's state (until `handled`). PTB also writes from a timer and after background tasks;
        a copy written then may be older than what another worker wrote since, and is dropped."""
        self._handling[user_id] = self._handling.get(user_id, 0) + 1

    def handled(self, user_id: int) -> None:
        left = self._handling.get(user_id, 0) - 1
        if left > 0:
            self._handling[user_id] = left
        else:
            self._handling.pop(user_id, None)

    def _may_write(self, user_id: object) -> bool:
        return not self.shared or user_id in self._handling

    async def conversations_of(self, user_id: int) -> dict[str, ConversationDict]:
        """A user's conversation states, per conversation name (keys end with the user id)."""
        rows = await self._db.fetchall(
            "SELECT name, key, state FROM conversation_state WHERE key LIKE ?", (f"%{user_id}]",)
        )
        found: dict[str, ConversationDict] = {}
        for row in rows:
            key = tuple(json.loads(row["key"]))
            if key and key[-1] == user_id:
                found.setdefault(row["name"], {})[key] = json.loads(row["state"])
        return found

    async def get_conversations(self, name: str) -> ConversationDict:
        rows = await self._db.fetchall("SELECT key, state FROM conversation_state WHERE name = ?", (name,))
        return {tuple(json.loads(row["key"])): json.loads(row["state"]) for row in rows}

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        if not self._may_write(key[-1] if key else None):
            return
        key_text = json.dumps(list(key))
        if new_state is None:
            await self._db.execute(
                "DELETE FROM conversation_state WHERE name = ? AND key = ?", (name, key_text)
            )
            return
        await self._db.execute(
            "INSERT INTO conversation_state (name, key, state) VALUES (?, ?, ?) "
            "ON CONFLICT (name, key) DO UPDATE SET state = excluded.state",
            (name, key_text, json.dumps(new_state)),
        )

    async def drop_user_conversations(self, user_id: int) -> None:
        """Forget every conversation of a user (their data was deleted)."""
        rows = await self._db.fetchall("SELECT name, key FROM conversation_state")
        for row in rows:
            if user_id in json.loads(row["key"]):
                await self._db.execute(
                    "DELETE FROM conversation_state WHERE name = ? AND key = ?", (row["name"], row["key"])
                )

    # Bot data, chat data and callback data are not persisted (see PersistenceInput above).
    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        return {}

    async def get_bot_data(self) -> dict[str, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None
