"""Reference rates added by the operator for late-payment interest (`relance rates add`)."""

from __future__ import annotations

from datetime import date, datetime

from bot.storage.db import Database


class PenaltyRates:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, half_year_start: date, rate_bp: int, *, now: datetime) -> None:
        """Record (or correct) the reference rate in force on `half_year_start`."""
        await self._db.execute(
            "INSERT INTO penalty_rates (half_year_start, rate_bp, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (half_year_start) DO UPDATE SET rate_bp = excluded.rate_bp, "
            "created_at = excluded.created_at",
            (half_year_start.isoformat(), rate_bp, int(now.timestamp())),
        )

    async def all(self) -> dict[date, int]:
        rows = await self._db.fetchall(
            "SELECT half_year_start, rate_bp FROM penalty_rates ORDER BY half_year_start"
        )
        return {date.fromisoformat(row["half_year_start"]): int(row["rate_bp"]) for row in rows}
