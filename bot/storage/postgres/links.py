"""PgAccountLinkRepository: linked accounts and link codes on PostgreSQL (bot/storage/links.py's
statements, numbered). Taking a code is one UPDATE … RETURNING: the row lock lets one of two
concurrent entries of a code through."""

from __future__ import annotations

from datetime import datetime

from bot.core.ports import LinkCode, LinkedAccount
from bot.storage.links import (
    ACCOUNTS_OF,
    ADD_CODE,
    FORGET_CODES,
    LINK,
    RETIRE_CODES,
    SET_DELIVERS,
    STUDENT_OF,
    TAKE_CODE,
    UNLINK,
    add_code_params,
    link_params,
    linked_account,
)
from bot.storage.postgres.rows import Pool, affected, numbered
from bot.storage.rows import to_db_time

_FORGET_CODES, _RETIRE_CODES, _ADD_CODE = (
    numbered(FORGET_CODES),
    numbered(RETIRE_CODES),
    numbered(ADD_CODE),
)
_TAKE_CODE, _LINK, _STUDENT_OF = numbered(TAKE_CODE), numbered(LINK), numbered(STUDENT_OF)
_ACCOUNTS_OF, _SET_DELIVERS, _UNLINK = (
    numbered(ACCOUNTS_OF),
    numbered(SET_DELIVERS),
    numbered(UNLINK),
)


class PgAccountLinkRepository:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def add_code(
        self, code_hash: str, issued: LinkCode, *, now: datetime, expires_at: datetime
    ) -> None:
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute(_FORGET_CODES, to_db_time(now))
            await connection.execute(_RETIRE_CODES, to_db_time(now), issued.student_id)
            await connection.execute(
                _ADD_CODE, *add_code_params(code_hash, issued, now, expires_at)
            )

    async def take_code(self, code_hash: str, *, now: datetime) -> LinkCode | None:
        at = to_db_time(now)
        row = await self._pool.fetchrow(_TAKE_CODE, at, code_hash, at)
        return LinkCode(int(row[0]), row[1], int(row[2])) if row is not None else None

    async def link(self, account: LinkedAccount) -> bool:
        return affected(await self._pool.execute(_LINK, *link_params(account))) == 1

    async def student_of(self, front_end: str, account_id: int) -> int | None:
        value = await self._pool.fetchval(_STUDENT_OF, front_end, account_id)
        return int(value) if value is not None else None

    async def accounts_of(self, student_id: int) -> list[LinkedAccount]:
        return [linked_account(row) for row in await self._pool.fetch(_ACCOUNTS_OF, student_id)]

    async def set_delivers(self, student_id: int, front_end: str | None) -> None:
        await self._pool.execute(_SET_DELIVERS, front_end, student_id)

    async def unlink(self, student_id: int) -> int:
        return affected(await self._pool.execute(_UNLINK, student_id))
