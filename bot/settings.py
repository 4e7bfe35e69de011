"""Settings from the environment (and `.env`, loaded by the entry point only).

`load_settings` takes a mapping so tests pass a dict; nothing here runs at import time.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bot.discord_adapter.pacing import DEFAULT_RATE

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "data/coach.sqlite3"
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DATABASE}"
POSTGRES_SCHEMES = ("postgresql", "postgres")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it and how to fix it."""


class Secret:
    """A string that never shows itself in reprs, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class DiscordSettings:
    token: Secret
    dev_guild_id: int | None = None
    api_base: str | None = None
    gateway_url: str | None = None
    # SHARD_COUNT / SHARD_IDS: the gateway shards this process opens (None: one shard of one).
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None


# Telegram's bulk-send guidance is about 30 messages a second; 5 stay free for answers.
TELEGRAM_SEND_RATE = 25.0


@dataclass(frozen=True, slots=True)
class TelegramSettings:
    token: Secret
    api_base: str | None = None  # TELEGRAM_API_BASE: a test fake or a local Bot API server
    # TELEGRAM_SEND_RATE: messages per second for digests and reminders, under Telegram's
    # "about 30 a second" for bulk sends (the bot's answers to commands need some room too).
    send_rate: float = TELEGRAM_SEND_RATE


@dataclass(frozen=True, slots=True)
class StorageSettings:
    database_path: Path  # the SQLite file, when postgres_url is None
    # DATABASE_URL=postgresql://…: the PostgreSQL store (a Secret: the URL may hold a password).
    postgres_url: Secret | None = None

    @property
    def backend(self) -> str:
        return "sqlite" if self.postgres_url is None else "postgresql"


@dataclass(frozen=True, slots=True)
class SchedulerSettings:
    poll_seconds: float = 30.0
    # Requests per second for reminder DMs: under Discord's global 50/s, leaving room for the
    # bot's other REST traffic (interaction follow-ups and edits) during a digest run.
    send_rate: float = DEFAULT_RATE


@dataclass(frozen=True, slots=True)
class DiagnosticsSettings:
    loop_lag_report_seconds: float = 0.0  # 0: the loop-lag monitor is off
    # TEST_CLOCK_FILE: tests only (refused unless Discord is a fake on loopback): the services'
    # clock is wall time plus the seconds this file holds, so a test can move several bot
    # processes' time forward together (past a lease) without waiting.
    test_clock_file: Path | None = None


@dataclass(frozen=True, slots=True)
class PaperSettings:
    """Where `/outreach paper:` looks a DOI or PubMed id up (tests point these at loopback)."""

    enabled: bool = True
    crossref_url: str = "https://api.crossref.org"
    pubmed_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    timeout_seconds: float = 4.0
    contact: str | None = None  # an e-mail address for Crossref's and NCBI's etiquette


@dataclass(frozen=True, slots=True)
class ContentSettings:
    prompts_dir: Path
    templates_dir: Path
    calendars_dir: Path = PROJECT_ROOT / "calendars"  # the application cycles' dates


@dataclass(frozen=True, slots=True)
class Settings:
    discord: DiscordSettings
    storage: StorageSettings
    content: ContentSettings
    scheduler: SchedulerSettings = SchedulerSettings()
    log_level: str = "INFO"
    diagnostics: DiagnosticsSettings = DiagnosticsSettings()
    papers: PaperSettings = PaperSettings()
    telegram: TelegramSettings | None = None  # None: TELEGRAM_TOKEN unset, Telegram stays off

    @property
    def runs_discord(self) -> bool:
        return bool(self.discord.token.reveal())


DISCORD_TOKEN_MISSING = (
    "DISCORD_TOKEN is not set: copy .env.example to .env and paste your bot's token "
    "(Discord Developer Portal → your application → Bot → Reset Token)."
)


def _telegram(environ: Mapping[str, str]) -> TelegramSettings | None:
    token = environ.get("TELEGRAM_TOKEN", "").strip()
    if not token:
        return None
    # BotFather's tokens are "<bot id>:<35 characters>".
    bot_id, colon, secret = token.partition(":")
    if not colon or not bot_id.isdigit() or len(secret) < 30 or " " in token:
        raise SettingsError(
            "TELEGRAM_TOKEN doesn't look like a bot token (digits, a colon, then a long "
            "secret); copy it again from BotFather's /token."
        )
    return TelegramSettings(
        token=Secret(token),
        api_base=_optional_url(environ, "TELEGRAM_API_BASE", ("http", "https")),
        send_rate=_number(
            environ,
            "TELEGRAM_SEND_RATE",
            TELEGRAM_SEND_RATE,
            1.0,
            30.0,
            "messages per second for digests and reminders, under Telegram's limit of about 30",
        ),
    )


def _resolve(path_text: str, base: Path) -> Path:
    path = Path(path_text).expanduser()
    return path if path.is_absolute() else base / path


def _optional_int(environ: Mapping[str, str], key: str, hint: str) -> int | None:
    raw = environ.get(key, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 17 <= len(raw) <= 20:
        raise SettingsError(f"{key} must be a Discord id (a 17–20 digit number); {hint}")
    return int(raw)


def _optional_url(environ: Mapping[str, str], key: str, schemes: tuple[str, ...]) -> str | None:
    raw = environ.get(key, "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in schemes or not parts.netloc:
        wanted = " or ".join(f"{s}://" for s in schemes)
        raise SettingsError(f"{key} must be a URL starting with {wanted}, or left empty.")
    return raw.rstrip("/")


def load_settings(
    environ: Mapping[str, str], *, base_dir: Path = PROJECT_ROOT, require_token: bool = True
) -> Settings:
    """Build Settings or raise SettingsError with one line naming the first bad key."""
    token = environ.get("DISCORD_TOKEN", "").strip()
    telegram = _telegram(environ)
    if require_token and not token and telegram is None:
        raise SettingsError(
            "Neither DISCORD_TOKEN nor TELEGRAM_TOKEN is set: copy .env.example to .env and "
            "paste at least one bot token (Discord Developer Portal → your application → Bot → "
            "Reset Token; Telegram: BotFather → /newbot)."
        )
    if token and (" " in token or token.count(".") != 2):
        raise SettingsError(
            "DISCORD_TOKEN doesn't look like a bot token (three parts separated by dots); "
            "copy it again from the Developer Portal's Bot page."
        )
    level = environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in logging.getLevelNamesMapping():
        raise SettingsError(
            f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL (got {level[:20]!r})."
        )
    database_path, postgres_url = _database(environ, base_dir)
    poll_text = environ.get("REMINDER_POLL_SECONDS", "").strip() or "30"
    try:
        poll = float(poll_text)
    except ValueError:
        poll = -1.0
    if not 0.01 <= poll <= 3600:
        raise SettingsError(
            "REMINDER_POLL_SECONDS must be a number of seconds between 0.01 and 3600 "
            "(how often due reminders are checked; 30 is a good default)."
        )
    send_rate = _number(
        environ,
        "DISCORD_SEND_RATE",
        DEFAULT_RATE,
        1.0,
        50.0,
        "requests per second for reminder DMs, under Discord's global limit of 50",
    )
    lag_report = _number(
        environ,
        "LOOP_LAG_REPORT_SECONDS",
        0.0,
        0.0,
        3600.0,
        "how often to log the event loop's lag (0 turns the monitor off)",
    )
    if 0 < lag_report < 1:
        raise SettingsError("LOOP_LAG_REPORT_SECONDS must be 0 (off) or at least 1.")
    api_base = _optional_url(environ, "DISCORD_API_BASE", ("http", "https"))
    gateway_url = _optional_url(environ, "DISCORD_GATEWAY_URL", ("ws", "wss"))
    shard_count, shard_ids = _shards(environ)
    return Settings(
        discord=DiscordSettings(
            token=Secret(token),
            dev_guild_id=_optional_int(
                environ, "DEV_GUILD_ID", "right-click your server → Copy Server ID, or leave empty."
            ),
            api_base=api_base,
            gateway_url=gateway_url,
            shard_count=shard_count,
            shard_ids=shard_ids,
        ),
        storage=StorageSettings(database_path=database_path, postgres_url=postgres_url),
        content=ContentSettings(
            prompts_dir=_resolve(environ.get("PROMPTS_DIR", "").strip() or "prompts", base_dir),
            templates_dir=_resolve(
                environ.get("TEMPLATES_DIR", "").strip() or "templates", base_dir
            ),
            calendars_dir=_resolve(
                environ.get("CALENDARS_DIR", "").strip() or "calendars", base_dir
            ),
        ),
        scheduler=SchedulerSettings(poll_seconds=poll, send_rate=send_rate),
        log_level=level,
        diagnostics=DiagnosticsSettings(
            loop_lag_report_seconds=lag_report,
            test_clock_file=_test_clock_file(environ, base_dir, api_base, gateway_url),
        ),
        papers=_papers(environ),
        telegram=telegram,
    )


def _papers(environ: Mapping[str, str]) -> PaperSettings:
    switch = environ.get("PAPER_LOOKUPS", "").strip().lower() or "on"
    if switch not in ("on", "off"):
        raise SettingsError("PAPER_LOOKUPS must be on or off (Crossref and PubMed look-ups).")
    default = PaperSettings()
    contact = environ.get("PAPER_LOOKUPS_CONTACT", "").strip() or None
    if contact is not None and ("@" not in contact or " " in contact or len(contact) > 200):
        raise SettingsError("PAPER_LOOKUPS_CONTACT must be an e-mail address, or left empty.")
    return PaperSettings(
        enabled=switch == "on",
        crossref_url=_optional_url(environ, "CROSSREF_URL", ("http", "https"))
        or default.crossref_url,
        pubmed_url=_optional_url(environ, "PUBMED_URL", ("http", "https")) or default.pubmed_url,
        timeout_seconds=_number(
            environ,
            "PAPER_LOOKUPS_TIMEOUT_SECONDS",
            default.timeout_seconds,
            0.5,
            10.0,
            "how long to wait for Crossref or PubMed before drafting from what was typed",
        ),
        contact=contact,
    )


# Discord has no documented ceiling on the shard count; this one only catches a typo (a bot in
# 2.5 million servers would need 1,000 shards at Discord's 2,500 servers per shard).
MAX_SHARDS = 10_000


def _shards(environ: Mapping[str, str]) -> tuple[int | None, tuple[int, ...] | None]:
    """SHARD_COUNT (how many shards the whole bot has) and SHARD_IDS (which of them this
    process opens: `0,1` or a range `0-3`; all of them when empty)."""
    count_text = environ.get("SHARD_COUNT", "").strip()
    ids_text = environ.get("SHARD_IDS", "").strip()
    if not count_text:
        if ids_text:
            raise SettingsError(
                "SHARD_IDS needs SHARD_COUNT (the bot's total number of shards); set both, "
                "or neither for one unsharded process."
            )
        return None, None
    if not count_text.isdigit() or not 1 <= int(count_text) <= MAX_SHARDS:
        raise SettingsError(
            f"SHARD_COUNT must be a whole number from 1 to {MAX_SHARDS:,} (the bot's total "
            "number of gateway shards, the same in every process), or left empty."
        )
    count = int(count_text)
    if not ids_text:
        return count, tuple(range(count))
    ids: list[int] = []
    for part in ids_text.split(","):
        low, dash, high = part.strip().partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise SettingsError(
                f"SHARD_IDS must be shard numbers separated by commas, or ranges like 0-3 "
                f"(got {part.strip()[:20]!r})."
            )
        first, last = int(low), int(high) if dash else int(low)
        if last >= count or first > last:
            raise SettingsError(
                f"SHARD_IDS must lie between 0 and {count - 1} (SHARD_COUNT is {count}), "
                f"a range low to high; got {part.strip()[:20]!r}."
            )
        ids.extend(range(first, last + 1))
    if len(set(ids)) != len(ids):
        raise SettingsError("SHARD_IDS names a shard twice; each shard is opened once.")
    return count, tuple(sorted(ids))


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def _test_clock_file(
    environ: Mapping[str, str], base_dir: Path, api_base: str | None, gateway_url: str | None
) -> Path | None:
    """TEST_CLOCK_FILE, only ever against a Discord on this machine (a test's fake): a bot
    whose clock a file can move must never talk to the real Discord."""
    raw = environ.get("TEST_CLOCK_FILE", "").strip()
    if not raw:
        return None
    local = all(
        url is not None and urlsplit(url).hostname in LOOPBACK_HOSTS
        for url in (api_base, gateway_url)
    )
    if not local:
        raise SettingsError(
            "TEST_CLOCK_FILE is for tests against a fake Discord: it needs DISCORD_API_BASE and "
            "DISCORD_GATEWAY_URL on 127.0.0.1; remove it to run the bot."
        )
    return _resolve(raw, base_dir)


def database_url(raw: str, base_dir: Path, *, key: str = "DATABASE_URL") -> Path | Secret:
    """A database URL: the SQLite file's path (sqlite:///relative/path, four slashes for an
    absolute one, SQLAlchemy's spelling) or a PostgreSQL URL (kept secret: it may hold a
    password). SettingsError, naming `key`, for anything else."""
    scheme, _, rest = raw.strip().partition("://")
    if scheme.lower() in POSTGRES_SCHEMES and rest:
        return Secret(raw.strip())
    if scheme.lower() == "sqlite" and rest.startswith("/") and len(rest) > 1:
        return _resolve(rest[1:], base_dir)
    raise SettingsError(
        f"{key} must be sqlite:///path/to/file.sqlite3 (relative to the bot's folder; "
        "four slashes for an absolute path) or postgresql://user:password@host:port/database"
        + (
            ", or left empty for the embedded default (" + DEFAULT_DATABASE_URL + ")."
            if key == "DATABASE_URL"
            else "."
        )
    )


def _database(environ: Mapping[str, str], base_dir: Path) -> tuple[Path, Secret | None]:
    """DATABASE_URL, or the older DATABASE_PATH (a SQLite file) when DATABASE_URL is empty."""
    raw = environ.get("DATABASE_URL", "").strip()
    path = _resolve(environ.get("DATABASE_PATH", "").strip() or DEFAULT_DATABASE, base_dir)
    if not raw:
        return path, None
    target = database_url(raw, base_dir)
    return (path, target) if isinstance(target, Secret) else (target, None)


def _number(
    environ: Mapping[str, str], key: str, default: float, low: float, high: float, what: str
) -> float:
    raw = environ.get(key, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise SettingsError(f"{key} must be a number between {low:g} and {high:g} ({what}).")
    return value
