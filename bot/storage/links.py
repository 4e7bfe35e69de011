"""SqliteAccountLinkRepository: linked accounts and one-time link codes (migration 0018).

The statements are written once, with `?`, for both stores: PostgreSQL's repository
(bot/storage/postgres/links.py) numbers them. A code is taken in one UPDATE … RETURNING, so
two entries of one code can't both succeed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.core.ports import LinkCode, LinkedAccount
from bot.storage.rows import from_db_time, to_db_time

# Housekeeping on every new code: expired and used codes have no further use.
FORGET_CODES = "DELETE FROM link_codes WHERE expires_at <= ? OR used_at IS NOT NULL"
RETIRE_CODES = "UPDATE link_codes SET used_at = ? WHERE student_id = ? AND used_at IS NULL"
ADD_CODE = (
    "INSERT INTO link_codes (code_hash, student_id, front_end, account_id, created_at, "
    "expires_at) VALUES (?, ?, ?, ?, ?, ?)"
)
TAKE_CODE = (
    "UPDATE link_codes SET used_at = ? "
    "WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? "
    "RETURNING student_id, front_end, account_id"
)
LINK = (
    "INSERT INTO linked_accounts (front_end, account_id, student_id, delivers, linked_at) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (front_end, account_id) DO NOTHING"
)
STUDENT_OF = "SELECT student_id FROM linked_accounts WHERE front_end = ? AND account_id = ?"
ACCOUNTS_OF = (
    "SELECT front_end, account_id, student_id, delivers, linked_at FROM linked_accounts "
    "WHERE student_id = ? ORDER BY front_end, account_id"
)
SET_DELIVERS = (
    "UPDATE linked_accounts SET delivers = CASE WHEN front_end = ? THEN 1 ELSE 0 END "
    "WHERE student_id = ?"
)
UNLINK = "DELETE FROM linked_accounts WHERE student_id = ?"


def add_code_params(
    code_hash: str, issued: LinkCode, now: datetime, expires_at: datetime
) -> tuple[Any, ...]:
    return (
        code_hash,
        issued.student_id,
        issued.front_end,
        issued.account_id,
        to_db_time(now),
        to_db_time(expires_at),
    )


def link_params(account: LinkedAccount) -> tuple[Any, ...]:
    return (
        account.front_end,
        account.account_id,
        account.student_id,
        int(account.delivers),
        to_db_time(account.linked_at),
    )


def linked_account(row: Any) -> LinkedAccount:
    return LinkedAccount(row[0], int(row[1]), int(row[2]), bool(row[3]), from_db_time(row[4]))


class SqliteAccountLinkRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def add_code(
        self, code_hash: str, issued: LinkCode, *, now: datetime, expires_at: datetime
    ) -> None:
        await self._db.execute(FORGET_CODES, (to_db_time(now),))
        await self._db.execute(RETIRE_CODES, (to_db_time(now), issued.student_id))
        await self._db.execute(ADD_CODE, add_code_params(code_hash, issued, now, expires_at))

    async def take_code(self, code_hash: str, *, now: datetime) -> LinkCode | None:
        at = to_db_time(now)
        async with self._db.execute(TAKE_CODE, (at, code_hash, at)) as cursor:
            row = await cursor.fetchone()
        return LinkCode(int(row[0]), row[1], int(row[2])) if row is not None else None

    async def link(self, account: LinkedAccount) -> bool:
        cursor = await self._db.execute(LINK, link_params(account))
        return cursor.rowcount == 1

    async def student_of(self, front_end: str, account_id: int) -> int | None:
        async with self._db.execute(STUDENT_OF, (front_end, account_id)) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row is not None else None

    async def accounts_of(self, student_id: int) -> list[LinkedAccount]:
        async with self._db.execute(ACCOUNTS_OF, (student_id,)) as cursor:
            return [linked_account(row) for row in await cursor.fetchall()]

    async def set_delivers(self, student_id: int, front_end: str | None) -> None:
        await self._db.execute(SET_DELIVERS, (front_end, student_id))

    async def unlink(self, student_id: int) -> int:
        cursor = await self._db.execute(UNLINK, (student_id,))
        return cursor.rowcount
