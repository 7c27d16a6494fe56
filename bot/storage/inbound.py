"""Updates received by webhook and not yet handled: a user's order across several workers."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.storage.db import Database


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


class Inbound:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def receive(self, update_id: int, user_key: int, now: datetime) -> bool:
        """Note an update as received (before Telegram is answered); False if it was already
        (Telegram sends an update again when it got no answer in time)."""
        cursor = await self._db.execute(
            "INSERT INTO inbound_updates (update_id, user_key, received_at) VALUES (?, ?, ?) "
            "ON CONFLICT (update_id) DO NOTHING",
            (update_id, user_key, _ms(now)),
        )
        return cursor.rowcount == 1

    async def oldest_pending(self, user_key: int, now: datetime, abandoned_after: timedelta) -> int | None:
        """The user's oldest update still waiting, ignoring rows left by a worker that died."""
        row = await self._db.fetchone(
            "SELECT MIN(update_id) AS first FROM inbound_updates WHERE user_key = ? AND received_at >= ?",
            (user_key, _ms(now - abandoned_after)),
        )
        return None if row is None or row["first"] is None else int(row["first"])

    async def forget_older(self, user_key: int, update_id: int) -> int:
        """A user's rows older than `update_id`, given up on (their worker died)."""
        cursor = await self._db.execute(
            "DELETE FROM inbound_updates WHERE user_key = ? AND update_id < ?", (user_key, update_id)
        )
        return cursor.rowcount

    async def handled(self, update_id: int) -> None:
        await self._db.execute("DELETE FROM inbound_updates WHERE update_id = ?", (update_id,))

    async def purge(self, before: datetime) -> int:
        """Rows a dead worker left (received, never handled)."""
        cursor = await self._db.execute("DELETE FROM inbound_updates WHERE received_at < ?", (_ms(before),))
        return cursor.rowcount
