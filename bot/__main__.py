"""The `coach` command: run the bot, sync its commands, print the invite URL, migrate the database.

Settings come from the environment and `.env` (loaded here and nowhere else). A missing or
malformed setting prints one line naming it and exits with status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import contextlib
import logging
import os
import signal
import sqlite3
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import discord
from dotenv import find_dotenv, load_dotenv

from bot.content.season import SeasonContentError
from bot.settings import DISCORD_TOKEN_MISSING, Settings, SettingsError, load_settings
from bot.storage.database import DatabaseUnusable
from bot.storage.postgres.database import DatabaseUnusable as PostgresUnusable

log = logging.getLogger("bot")

EXIT_SETTINGS = 2
# Gateway close codes that mean the shard settings are wrong (docs: Opcodes and Status Codes >
# Gateway Close Event Codes); discord.py does not reconnect after them.
SHARD_REFUSALS = {
    4010: "invalid shard; SHARD_IDS must lie within SHARD_COUNT, the same count in every process.",
    4011: "sharding required; the bot is in too many servers for one shard: set SHARD_COUNT "
    "(Discord recommends a count in GET /gateway/bot).",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coach", description="Networking Coach Discord bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="connect to Discord and serve (applies migrations first)")
    sync = commands.add_parser("sync", help="register the slash commands with Discord and exit")
    sync.add_argument("--guild", type=int, help="sync to this server only (instant, for testing)")
    invite = commands.add_parser("invite-url", help="print the URL that adds the bot to a server")
    invite.add_argument(
        "--application-id", type=int, help="defaults to the id encoded in DISCORD_TOKEN"
    )
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("migrate", help="apply pending migrations and exit")
    backup = db_commands.add_parser(
        "backup", help="copy the database to PATH (consistent, safe while the bot runs)"
    )
    backup.add_argument("path", type=Path)
    restore = db_commands.add_parser(
        "restore", help="replace the database with the backup at PATH (stop the bot first)"
    )
    restore.add_argument("path", type=Path)
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    copy = db_commands.add_parser(
        "copy",
        help="copy every row from one database to another, empty one, and verify each table "
        "(e.g. sqlite:///data/coach.sqlite3 to postgresql://…; stop the bot first)",
    )
    copy.add_argument("source", help="sqlite:///path or postgresql://… (brought up to date)")
    copy.add_argument("target", help="sqlite:///path or postgresql://… (must be empty)")
    templates = commands.add_parser("templates", help="the message-draft catalogue")
    template_commands = templates.add_subparsers(dest="templates_command", required=True)
    template_commands.add_parser(
        "check", help="lint every template (metadata, syntax, renders within limits)"
    )
    return parser


def _check_templates(settings: Settings) -> int:
    from bot.content.samples import dated_samples
    from bot.content.templates import CatalogueError, TemplateCatalogue
    from bot.core.drafts import when_phrase

    today = datetime.now(UTC).date()

    folder = settings.content.templates_dir
    try:
        catalogue = TemplateCatalogue.load(folder)
    except CatalogueError as error:
        problems = error.problems
    else:
        # Sample dates are said by the drafts service's own date code, as real drafts are.
        samples = dated_samples(lambda days: when_phrase(today - timedelta(days=days), today))
        problems = catalogue.check(samples)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {folder}", file=sys.stderr)
    season = _check_season(settings)
    if problems or season:
        return 1
    count = len(catalogue.templates())
    print(f"{count} templates in {folder}: all render within their limits.")
    return 0


def _check_season(settings: Settings) -> int:
    """The application calendars and the season's tasks: each calendar against every task."""
    from bot.content.season import SeasonLibrary

    folder = settings.content.calendars_dir
    try:
        library = SeasonLibrary.load(folder, settings.content.prompts_dir / "season.toml")
    except SeasonContentError as error:
        for problem in error.problems:
            print(problem)
        print(f"{len(error.problems)} problem(s) in the season calendars", file=sys.stderr)
        return len(error.problems)
    unconfirmed = [key for key, c in library.calendars.items() if not c.confirmed]
    note = f" ({', '.join(unconfirmed)} not yet confirmed)" if unconfirmed else ""
    print(f"{len(library.calendars)} season calendars in {folder}{note}: all valid.")
    return 0


def application_id_from_token(token: str) -> int:
    """A bot token's first part is its user id (= application id) in base64."""
    first = token.split(".", 1)[0]
    try:
        raw = base64.b64decode(first + "=" * (-len(first) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raw = ""
    if not raw.isdigit():
        raise SettingsError(
            "DISCORD_TOKEN does not contain an application id; pass --application-id "
            "(Developer Portal → General Information → Application ID)."
        )
    return int(raw)


async def _run(settings: Settings) -> None:
    from bot.app import build_app

    async with await build_app(settings) as app:
        # SIGTERM (systemd, docker stop) closes gracefully: in-flight answers finish first.
        loop = asyncio.get_running_loop()
        closing: set[asyncio.Task[None]] = set()
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            loop.add_signal_handler(
                signal.SIGTERM, lambda: closing.add(loop.create_task(app.close()))
            )
        await app.run()
        if closing:
            await asyncio.gather(*closing)


async def _sync(settings: Settings, guild_id: int | None) -> None:
    from bot.app import build_app

    async with await build_app(settings, sync_dev_guild=False, start_scheduler=False) as app:
        await app.bot.login(settings.discord.token.reveal())
        guild = discord.Object(id=guild_id) if guild_id else None
        if guild is not None:
            app.bot.tree.copy_global_to(guild=guild)
        synced = await app.bot.tree.sync(guild=guild)
        where = f"server {guild_id}" if guild_id else "all servers (may take up to an hour)"
        print(f"Synced {len(synced)} commands to {where}.")


async def _migrate(settings: Settings) -> None:
    if settings.storage.postgres_url is not None:
        from bot.storage.postgres import database as postgres

        pool = await postgres.open_pool(settings.storage.postgres_url.reveal(), max_size=1)
        try:
            applied = await postgres.migrate(pool)
        finally:
            await pool.close()
        print(
            f"Applied migrations {applied} to the PostgreSQL database."
            if applied
            else "The PostgreSQL database is up to date."
        )
        return
    from bot.storage.database import migrate, open_database

    db = await open_database(settings.storage.database_path)
    try:
        applied = await migrate(db)
    finally:
        await db.close()
    where = settings.storage.database_path
    print(f"Applied migrations {applied} to {where}." if applied else f"{where} is up to date.")


def _copy(source_text: str, target_text: str) -> int:
    from bot.settings import Secret, database_url
    from bot.storage.copy import CopyRefused, copy_database

    ends: list[Path | str] = []
    try:
        for key, text in (("SOURCE_URL", source_text), ("TARGET_URL", target_text)):
            # A relative SQLite path on the command line is from the current folder.
            end = database_url(text, Path.cwd(), key=key)
            ends.append(end.reveal() if isinstance(end, Secret) else end)
    except SettingsError as error:
        print(f"coach: {error}", file=sys.stderr)
        return EXIT_SETTINGS
    if isinstance(ends[0], Path) and not ends[0].exists():
        print(f"coach: no database at {ends[0]}", file=sys.stderr)
        return 1
    try:
        copied = asyncio.run(copy_database(ends[0], ends[1]))
    except CopyRefused as error:
        print(f"coach: {error}", file=sys.stderr)
        return 1
    for table in copied:
        print(f"{table.table:<24} {table.rows:>9} rows  sha256 {table.checksum[:16]}  same")
    print(f"Copied {sum(t.rows for t in copied)} rows; every table verified (count and checksum).")
    return 0


def _postgres_backup_hint(settings: Settings) -> int | None:
    if settings.storage.postgres_url is None:
        return None
    print(
        "coach: DATABASE_URL is PostgreSQL: back it up with pg_dump (pg_dump --format=custom "
        '--file=coach.dump "$DATABASE_URL") and restore with pg_restore; see README, '
        "PostgreSQL.",
        file=sys.stderr,
    )
    return 1


def _backup(settings: Settings, path: Path) -> int:
    from bot.storage.database import backup

    try:
        backup(settings.storage.database_path, path)
    except (FileNotFoundError, FileExistsError) as error:
        print(f"coach: {error}", file=sys.stderr)
        return 1
    print(f"Backed up {settings.storage.database_path} to {path}.")
    return 0


def _restore(settings: Settings, path: Path, *, confirmed: bool) -> int:
    from bot.storage.database import restore

    target = settings.storage.database_path
    if not path.exists():
        print(f"coach: no backup at {path}", file=sys.stderr)
        return 1
    if not confirmed:
        print(
            f"This replaces {target} with {path}. Stop the bot first, then run again with --yes.",
            file=sys.stderr,
        )
        return 1
    try:
        version = restore(path, target)
    except ValueError as error:
        print(f"coach: {error}", file=sys.stderr)
        return 1
    print(f"Restored {target} from {path} (schema {version}; the bot migrates it at start).")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    load_dotenv(find_dotenv(usecwd=True), override=False)
    discord_only = args.command in ("sync", "invite-url")
    try:
        settings = load_settings(os.environ, require_token=args.command == "run")
        if discord_only and not settings.runs_discord:
            raise SettingsError(DISCORD_TOKEN_MISSING)
        if args.command == "templates":
            return _check_templates(settings)
        if args.command == "invite-url":
            from bot.discord_adapter.client import invite_url

            app_id = args.application_id or application_id_from_token(
                settings.discord.token.reveal()
            )
            print(invite_url(app_id))
            return 0
    except SettingsError as error:
        print(f"coach: {error}", file=sys.stderr)
        return EXIT_SETTINGS

    from bot.logs import setup_logging

    telegram = settings.telegram
    setup_logging(
        settings.log_level, settings.discord.token, *([telegram.token] if telegram else [])
    )
    try:
        if args.command == "run":
            asyncio.run(_run(settings))
        elif args.command == "sync":
            asyncio.run(_sync(settings, args.guild))
        elif args.db_command == "backup":
            return _postgres_backup_hint(settings) or _backup(settings, args.path)
        elif args.db_command == "restore":
            hint = _postgres_backup_hint(settings)
            return hint or _restore(settings, args.path, confirmed=args.yes)
        elif args.db_command == "copy":
            return _copy(args.source, args.target)
        else:
            asyncio.run(_migrate(settings))
    except discord.LoginFailure:
        print(
            "coach: DISCORD_TOKEN was rejected by Discord; copy a fresh token from the "
            "Developer Portal's Bot page into .env.",
            file=sys.stderr,
        )
        return EXIT_SETTINGS
    except (aiohttp.ClientConnectionError, discord.GatewayNotFound) as error:
        print(
            f"coach: could not reach Discord ({error.__class__.__name__}); check the "
            "network, or DISCORD_API_BASE / DISCORD_GATEWAY_URL if you set them.",
            file=sys.stderr,
        )
        return 1
    except (DatabaseUnusable, PostgresUnusable, sqlite3.DatabaseError) as error:
        # A damaged or unreadable file: one line, nothing half-started (see open_database).
        print(f"coach: {str(error).splitlines()[0]}", file=sys.stderr)
        return EXIT_SETTINGS
    except discord.ConnectionClosed as error:
        refusal = SHARD_REFUSALS.get(error.code)
        if refusal is None:
            raise
        print(f"coach: Discord closed the gateway ({error.code}): {refusal}", file=sys.stderr)
        return EXIT_SETTINGS
    except discord.PrivilegedIntentsRequired:
        print("coach: Discord refused the connection's intents.", file=sys.stderr)
        return 1
    except SeasonContentError as error:
        # Content is checked before connecting: name what to fix instead of a traceback.
        for problem in error.problems:
            print(f"coach: {problem}", file=sys.stderr)
        print(
            "coach: fix the season calendars (coach templates check lists them).", file=sys.stderr
        )
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
