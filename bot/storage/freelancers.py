"""The freelancers table."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

from bot.domain.dates import holiday_calendar
from bot.storage.db import Database


@dataclass(frozen=True)
class Freelancer:
    id: int
    telegram_user_id: int
    display_name: str
    business_name: str | None
    reply_to_email: str | None
    language: str
    timezone: str
    country: str
    default_currency: str
    payment_term_days: int
    iban: str | None
    bic: str | None
    payment_link: str | None
    send_time: str
    onboarded: bool
    created_at: int
    default_plan: str = "standard"
    notify_mode: str = "each"
    approval_mode: str = "auto"
    digest_enabled: bool = True
    digest_chart: bool = False
    """The weekly digest opens with the ageing chart."""
    last_preview_on: str | None = None
    last_digest_on: str | None = None
    copy_me: bool = False
    """Cc the freelancer (reply_to_email) on reminder e-mails."""
    holiday_subdivision: str | None = None
    """The region of `country` whose holidays apply too ("QC" in Canada, "57" for Moselle); None: national."""
    postal_address: str | None = None
    """Lines separated by LF, printed on a formal notice; None: not given yet."""
    late_penalties: bool = False
    """"My terms state late penalties": show interest and indemnity on overdue B2B invoices."""
    contractual_rate_bp: int | None = None
    """A yearly late-payment rate from the freelancer's terms (basis points); None: the statutory one."""
    admin_fee_minor: int | None = None
    """A fixed admin fee from the freelancer's terms, in `admin_fee_currency`; None: none."""
    admin_fee_currency: str | None = None
    admin_fee_days: int | None = None
    """The admin fee is due once an invoice is this many days late."""
    bank_matching: str = "apply"
    """Bank statements: "apply" records certain matches at once, "ask" proposes every match."""

    @property
    def holiday_calendar(self) -> str:
        """The calendar reminders follow: "FR", or "CA-QC" with a region (see dates.holiday_calendar)."""
        return holiday_calendar(self.country, self.holiday_subdivision)

    @property
    def name(self) -> str:
        """The name clients see: the business name when there is one."""
        return self.business_name or self.display_name


# Columns a handler may change through `update`; anything else is refused.
EDITABLE = frozenset(
    {
        "display_name",
        "business_name",
        "reply_to_email",
        "language",
        "timezone",
        "country",
        "default_currency",
        "payment_term_days",
        "iban",
        "bic",
        "payment_link",
        "send_time",
        "onboarded",
        "default_plan",
        "notify_mode",
        "approval_mode",
        "digest_enabled",
        "digest_chart",
        "last_preview_on",
        "last_digest_on",
        "copy_me",
        "holiday_subdivision",
        "postal_address",
        "late_penalties",
        "contractual_rate_bp",
        "admin_fee_minor",
        "admin_fee_currency",
        "admin_fee_days",
        "bank_matching",
    }
)
_COLUMNS = ", ".join(f.name for f in fields(Freelancer))
DAY_MARKS = frozenset({"last_preview_on", "last_digest_on"})


def _row(row: sqlite3.Row) -> Freelancer:
    data = dict(row)
    data["onboarded"] = bool(data["onboarded"])
    data["digest_enabled"] = bool(data["digest_enabled"])
    data["digest_chart"] = bool(data["digest_chart"])
    data["copy_me"] = bool(data["copy_me"])
    data["late_penalties"] = bool(data["late_penalties"])
    return Freelancer(**data)


class Freelancers:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def by_telegram_id(self, telegram_user_id: int) -> Freelancer | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM freelancers WHERE telegram_user_id = ?", (telegram_user_id,)
        )
        return _row(row) if row else None

    async def get_many(self, freelancer_ids: Sequence[int]) -> dict[int, Freelancer]:
        if not freelancer_ids:
            return {}
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM freelancers WHERE id IN ({', '.join('?' * len(freelancer_ids))})",
            tuple(freelancer_ids),
        )
        return {freelancer.id: freelancer for freelancer in map(_row, rows)}

    async def get(self, freelancer_id: int) -> Freelancer | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM freelancers WHERE id = ?", (freelancer_id,))
        return _row(row) if row else None

    async def create(
        self, *, telegram_user_id: int, display_name: str, language: str, timezone: str, now: datetime
    ) -> Freelancer:
        """Insert the freelancer at first contact, or return the existing row."""
        await self._db.execute(
            "INSERT INTO freelancers (telegram_user_id, display_name, language, timezone, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (telegram_user_id) DO NOTHING",
            (telegram_user_id, display_name, language, timezone, int(now.timestamp())),
        )
        created = await self.by_telegram_id(telegram_user_id)
        assert created is not None
        return created

    async def update(self, freelancer_id: int, **values: object) -> Freelancer:
        unknown = set(values) - EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        # Column names come from the EDITABLE whitelist above, values are parameters.
        assignments = ", ".join(f"{name} = ?" for name in values)
        await self._db.execute(
            f"UPDATE freelancers SET {assignments} WHERE id = ?",
            (*values.values(), freelancer_id),
        )
        updated = await self.get(freelancer_id)
        assert updated is not None
        return updated

    async def zones(self) -> list[str]:
        """Every time zone some onboarded freelancer lives in (the hourly job checks each zone's clock)."""
        rows = await self._db.fetchall(
            "SELECT DISTINCT timezone FROM freelancers WHERE onboarded = 1 ORDER BY timezone"
        )
        return [str(r["timezone"]) for r in rows]

    async def onboarded_in_zones(self, zones: Sequence[str]) -> list[Freelancer]:
        if not zones:
            return []
        marks = ", ".join("?" for _ in zones)
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM freelancers WHERE onboarded = 1 AND timezone IN ({marks}) ORDER BY id",
            tuple(zones),
        )
        return [_row(r) for r in rows]

    async def claim_day(self, freelancer_id: int, mark: str, day: date) -> bool:
        """Record that today's preview or digest is being sent; False if it already was (by rowcount).

        Like claiming a reminder: two overlapping hourly runs cannot both send it.
        """
        if mark not in DAY_MARKS:
            raise ValueError(f"not a day mark: {mark}")
        cursor = await self._db.execute(
            f"UPDATE freelancers SET {mark} = ? WHERE id = ? AND ({mark} IS NULL OR {mark} != ?)",
            (day.isoformat(), freelancer_id, day.isoformat()),
        )
        return cursor.rowcount == 1

    async def delete(self, freelancer_id: int) -> None:
        await self._db.execute("DELETE FROM freelancers WHERE id = ?", (freelancer_id,))
