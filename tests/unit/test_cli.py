"""The `coach` entry point: one-line settings errors, `db migrate` and `invite-url`."""

from __future__ import annotations

import base64
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import bot.logs
from bot.__main__ import EXIT_SETTINGS, application_id_from_token, main
from bot.storage.database import available_migrations

APP_ID = "123456789012345678"
FAKE_TOKEN = base64.b64encode(APP_ID.encode()).decode().rstrip("=") + ".GhIjKl.not-a-real-token"
# view_channel (1<<10) + send_messages (1<<11) + embed_links (1<<14) + attach_files (1<<15)
PERMISSIONS = 52224
SETTINGS_KEYS = (
    "DISCORD_TOKEN",
    "TELEGRAM_TOKEN",
    "TELEGRAM_API_BASE",
    "DEV_GUILD_ID",
    "DISCORD_API_BASE",
    "DISCORD_GATEWAY_URL",
    "LOG_LEVEL",
    "DATABASE_PATH",
    "DATABASE_URL",
    "PROMPTS_DIR",
    "TEMPLATES_DIR",
    "SHARD_COUNT",
    "SHARD_IDS",
    "TEST_CLOCK_FILE",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run each test in an empty temp directory (no .env) with no settings in the environment."""
    for key in SETTINGS_KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    # Logging set-up installs root handlers; keep the test process's logging as it was.
    monkeypatch.setattr(bot.logs, "setup_logging", lambda level, *tokens: None)


@pytest.mark.parametrize("argv", [["run"], ["sync"], ["invite-url"]])
def test_missing_token_is_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Without a token, commands that need one exit 2 with one stderr line naming the token:
    `run` either front end's, `sync` and `invite-url` (Discord's alone) DISCORD_TOKEN."""
    assert main(argv) == EXIT_SETTINGS == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1
    if argv == ["run"]:
        assert err.startswith("coach: Neither DISCORD_TOKEN nor TELEGRAM_TOKEN")
    else:
        assert err.startswith("coach: DISCORD_TOKEN")
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [["sync"], ["invite-url"]])
def test_discord_commands_need_discord_token(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Telegram token alone does not do for commands that talk to Discord."""
    monkeypatch.setenv("TELEGRAM_TOKEN", "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0")
    assert main(argv) == EXIT_SETTINGS
    assert capsys.readouterr().err.startswith("coach: DISCORD_TOKEN is not set")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("LOG_LEVEL", "LOUD"),
        ("DEV_GUILD_ID", "nope"),
        ("DISCORD_API_BASE", "localhost"),
        ("SHARD_COUNT", "many"),
        ("SHARD_IDS", "0"),  # without SHARD_COUNT
        ("TEST_CLOCK_FILE", "clock.txt"),  # against the real Discord
    ],
)
def test_malformed_setting_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], key: str, value: str
) -> None:
    """A malformed setting exits 2 with one stderr line naming it, and never shows the token."""
    monkeypatch.setenv("DISCORD_TOKEN", FAKE_TOKEN)
    monkeypatch.setenv(key, value)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and key in err
    assert FAKE_TOKEN not in err


def test_db_migrate_creates_and_migrates(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`db migrate` needs no token, creates the file and brings it to the newest version."""
    path = tmp_path / "fresh" / "coach.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    versions = [m.version for m in available_migrations()]
    assert main(["db", "migrate"]) == 0
    assert f"Applied migrations {versions}" in capsys.readouterr().out
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == versions[-1]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    connection.close()
    assert {"students", "contacts", "exchanges", "pending_actions"} <= tables

    assert main(["db", "migrate"]) == 0
    assert "is up to date" in capsys.readouterr().out


def test_invite_url_from_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`invite-url` reads the application id from the token and asks for bot + commands scopes."""
    monkeypatch.setenv("DISCORD_TOKEN", FAKE_TOKEN)
    assert main(["invite-url"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("https://discord.com/oauth2/authorize?")
    assert f"client_id={APP_ID}" in out
    assert "scope=bot+applications.commands" in out
    assert f"permissions={PERMISSIONS}" in out
    assert FAKE_TOKEN.split(".")[2] not in out


def test_invite_url_with_explicit_application_id(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--application-id overrides the id in the token."""
    monkeypatch.setenv("DISCORD_TOKEN", "x.y.z")
    assert main(["invite-url", "--application-id", "987654321098765432"]) == 0
    assert "client_id=987654321098765432" in capsys.readouterr().out


def test_invite_url_token_without_id(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A token whose first part is not an encoded id exits 2 with one line suggesting the flag."""
    monkeypatch.setenv("DISCORD_TOKEN", "not_base64!.y.z")
    assert main(["invite-url"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "--application-id" in err


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (FAKE_TOKEN, int(APP_ID)),
        (base64.b64encode(b"1234567890123456789").decode() + ".a.b", 1234567890123456789),
    ],
)
def test_application_id_from_token(token: str, expected: int) -> None:
    """The first part of a bot token is its application id in base64, padding optional."""
    assert application_id_from_token(token) == expected


@pytest.mark.parametrize("token", ["", "%%%.a.b", base64.b64encode(b"abc").decode() + ".a.b"])
def test_application_id_from_bad_token(token: str) -> None:
    """A token without an encoded numeric id is a SettingsError."""
    from bot.settings import SettingsError

    with pytest.raises(SettingsError, match="application id"):
        application_id_from_token(token)


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown sub-command is an argparse usage error (exit 2)."""
    with pytest.raises(SystemExit) as caught:
        main(["fly"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_module_run_without_token_subprocess(tmp_path: Path) -> None:
    """`python -m bot run` with an empty environment exits 2 with one stderr line, no traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize("argv", [["run"], ["db", "migrate"]])
@pytest.mark.parametrize(
    "content", [b"not a database " * 600, b"SQLite format 3\x00" + b"\xff" * 4080]
)
def test_a_damaged_database_is_one_line_and_exit_2(
    tmp_path: Path, argv: list[str], content: bytes
) -> None:
    """A file that isn't a usable database stops the bot at once: one line, status 2, no hang
    (an open connection's thread left running kept the process alive)."""
    database = tmp_path / "coach.sqlite3"
    database.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=tmp_path,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DATABASE_PATH": str(database),
            "DISCORD_TOKEN": FAKE_TOKEN,
            # Never reached: the database is opened before anything talks to Discord.
            "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "database" in lines[0] and str(database) in lines[0]
    assert database.read_bytes() == content  # nothing was written over it


def test_db_unreadable_path_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A DATABASE_PATH that is a folder is named in one line, status 2."""
    os.environ["DATABASE_PATH"] = str(tmp_path)
    try:
        assert main(["db", "migrate"]) == 2
    finally:
        del os.environ["DATABASE_PATH"]
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_an_unreachable_postgresql_is_one_line_without_the_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """DATABASE_URL naming a server that is not there: one line, status 2, no password."""
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"postgresql://coach:s3cret@127.0.0.1:{port}/coach")
    assert main(["db", "migrate"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "PostgreSQL" in err
    assert "s3cret" not in err


def test_backup_on_postgresql_points_to_pg_dump(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://coach@127.0.0.1:5432/coach")
    assert main(["db", "backup", str(tmp_path / "copy.sqlite3")]) == 1
    assert "pg_dump" in capsys.readouterr().err
    assert not (tmp_path / "copy.sqlite3").exists()
