"""Telegram invitations, and the client chats they bind.

The token is shown once to the freelancer and never stored: only its SHA-256, so a copy of the
database binds nothing. A link binds one chat: the conditional UPDATE on `used_at IS NULL` is the
single use, decided by the database even if two chats press "Yes" at the same moment.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.storage.clients import _CLIENT, _CONTACT, Client, Contact, _client, _contact
from bot.storage.db import Database

VALID_FOR = timedelta(days=30)
TOKEN_BYTES = 24  # 192 bits; token_urlsafe gives 32 characters of A-Za-z0-9_- (Telegram allows 64)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _instant(stamp: int | None) -> datetime | None:
    return None if stamp is None else datetime.fromtimestamp(stamp, UTC)


@dataclass(frozen=True)
class Invitation:
    id: int
    contact_id: int
    client_id: int
    freelancer_id: int
    expires_at: datetime
    revoked_at: datetime | None
    used_at: datetime | None
    used_by_chat: int | None

    def state(self, chat_id: int, now: datetime) -> str:
        """valid, bound_here (this chat already used it), used (by another chat), revoked or expired."""
        if self.used_at is not None:
            return "bound_here" if self.used_by_chat == chat_id else "used"
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if now >= self.expires_at else "valid"


_SELECT = (
    "SELECT v.id, v.contact_id, k.client_id, c.freelancer_id, v.expires_at, v.revoked_at, v.used_at, "
    "v.used_by_chat FROM invitations v JOIN contacts k ON k.id = v.contact_id "
    "JOIN clients c ON c.id = k.client_id "
)


def _invitation(row: sqlite3.Row) -> Invitation:
    data = dict(row)
    for name in ("expires_at", "revoked_at", "used_at"):
        data[name] = _instant(data[name])
    return Invitation(**data)


def _columns(prefix: str, columns: str) -> str:
    return ", ".join(f"{prefix}.{c.strip()}" for c in columns.split(","))


class Invitations:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, contact_id: int, now: datetime) -> str:
        """A new link for the contact, replacing any unused one; returns the token (shown once)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        stamp = int(now.timestamp())
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE invitations SET revoked_at = ? "
                "WHERE contact_id = ? AND used_at IS NULL AND revoked_at IS NULL",
                (stamp, contact_id),
            )
            await tx.execute(
                "INSERT INTO invitations (contact_id, token_sha256, created_at, expires_at) VALUES (?, ?, ?, ?)",
                (contact_id, token_hash(token), stamp, int((now + VALID_FOR).timestamp())),
            )
        return token

    async def find(self, token: str) -> Invitation | None:
        row = await self._db.fetchone(_SELECT + "WHERE v.token_sha256 = ?", (token_hash(token),))
        return _invitation(row) if row else None

    async def get(self, invitation_id: int) -> Invitation | None:
        row = await self._db.fetchone(_SELECT + "WHERE v.id = ?", (invitation_id,))
        return _invitation(row) if row else None

    async def bind(self, invitation_id: int, chat_id: int, now: datetime) -> bool:
        """Use the link for this chat: the contact is reached here (Telegram reachable again).

        False when the link was used, revoked or expired meanwhile; then nothing changes.
        """
        stamp = int(now.timestamp())
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE invitations SET used_at = ?, used_by_chat = ? WHERE id = ? "
                "AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
                (stamp, chat_id, invitation_id, stamp),
            )
            if cursor.rowcount != 1:
                return False
            await tx.execute(
                "UPDATE contacts SET telegram_chat_id = ?, telegram_status = NULL "
                "WHERE id = (SELECT contact_id FROM invitations WHERE id = ?)",
                (chat_id, invitation_id),
            )
        return True

    async def revoke(self, freelancer_id: int, contact_id: int, now: datetime) -> bool:
        """Withdraw the contact's unused link; False when there was none (or the contact is not theirs)."""
        cursor = await self._db.execute(
            "UPDATE invitations SET revoked_at = ? WHERE contact_id = ? AND used_at IS NULL "
            "AND revoked_at IS NULL AND contact_id IN (SELECT k.id FROM contacts k "
            "JOIN clients c ON c.id = k.client_id WHERE c.freelancer_id = ?)",
            (int(now.timestamp()), contact_id, freelancer_id),
        )
        return cursor.rowcount > 0

    async def pending(self, client_id: int, now: datetime) -> dict[int, datetime]:
        """The client's contacts with a link that still works, and when it expires."""
        rows = await self._db.fetchall(
            "SELECT v.contact_id, MAX(v.expires_at) AS expires_at FROM invitations v "
            "JOIN contacts k ON k.id = v.contact_id WHERE k.client_id = ? AND v.used_at IS NULL "
            "AND v.revoked_at IS NULL AND v.expires_at > ? GROUP BY v.contact_id",
            (client_id, int(now.timestamp())),
        )
        return {row["contact_id"]: datetime.fromtimestamp(row["expires_at"], UTC) for row in rows}

    # The client chats ------------------------------------------------------------------------
    async def clients_of_chat(self, chat_id: int) -> list[Client]:
        """The clients (of any freelancer) that have a contact bound to this chat."""
        rows = await self._db.fetchall(
            f"SELECT DISTINCT {_columns('c', _CLIENT)} FROM clients c JOIN contacts k ON k.client_id = c.id "
            "WHERE k.telegram_chat_id = ? ORDER BY c.id",
            (chat_id,),
        )
        return [_client(r) for r in rows]

    async def bound_contacts(self, chat_id: int, client_id: int) -> list[Contact]:
        """The client's contacts this chat speaks for: none means the chat may not act for the client."""
        rows = await self._db.fetchall(
            f"SELECT {_CONTACT} FROM contacts WHERE telegram_chat_id = ? AND client_id = ? ORDER BY id",
            (chat_id, client_id),
        )
        return [_contact(r) for r in rows]
