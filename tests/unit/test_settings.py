"""load_settings from a mapping: required token, malformed values named, defaults, secrecy."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import DEFAULT_DATABASE, PROJECT_ROOT, Secret, SettingsError, load_settings

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.this-is-the-secret-part_xyz"


def env(**values: str) -> dict[str, str]:
    return {"DISCORD_TOKEN": TOKEN, **values}


@pytest.mark.parametrize("environ", [{}, {"DISCORD_TOKEN": ""}, {"DISCORD_TOKEN": "   "}])
def test_missing_token(environ: dict[str, str]) -> None:
    """A missing or blank token is a SettingsError naming DISCORD_TOKEN."""
    with pytest.raises(SettingsError, match="DISCORD_TOKEN"):
        load_settings(environ)


def test_token_not_required_for_maintenance(tmp_path: Path) -> None:
    """Commands that never talk to Discord can run without a token."""
    settings = load_settings({}, base_dir=tmp_path, require_token=False)
    assert settings.discord.token.reveal() == ""


@pytest.mark.parametrize("token", ["abc", "a.b", "a.b.c.d", "a b.c.d", "has space.x.y"])
def test_malformed_token(token: str) -> None:
    """A token that is not three dot-separated parts is named as DISCORD_TOKEN."""
    with pytest.raises(SettingsError, match="DISCORD_TOKEN"):
        load_settings({"DISCORD_TOKEN": token})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("DEV_GUILD_ID", "abc"),
        ("DEV_GUILD_ID", "12345"),
        ("DEV_GUILD_ID", "-123456789012345678"),
        ("DEV_GUILD_ID", "1" * 21),
        ("DEV_GUILD_ID", "123456789012345678.0"),
        ("DISCORD_API_BASE", "localhost:8080"),
        ("DISCORD_API_BASE", "ftp://example.com"),
        ("DISCORD_API_BASE", "ws://127.0.0.1:9/api"),
        ("DISCORD_API_BASE", "http://"),
        ("DISCORD_GATEWAY_URL", "http://127.0.0.1:9"),
        ("DISCORD_GATEWAY_URL", "gateway.discord.gg"),
        ("DISCORD_GATEWAY_URL", "wss://"),
        ("LOG_LEVEL", "LOUD"),
        ("LOG_LEVEL", "verbose"),
        ("DISCORD_SEND_RATE", "60"),
        ("DISCORD_SEND_RATE", "fast"),
        ("LOOP_LAG_REPORT_SECONDS", "0.5"),
        ("LOOP_LAG_REPORT_SECONDS", "-1"),
    ],
)
def test_malformed_values_are_named(key: str, value: str) -> None:
    """Each malformed setting raises a one-line SettingsError naming that setting."""
    with pytest.raises(SettingsError, match=key) as caught:
        load_settings(env(**{key: value}))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("values", "attribute", "expected"),
    [
        ({"DEV_GUILD_ID": " 123456789012345678 "}, "dev_guild_id", 123456789012345678),
        ({"DEV_GUILD_ID": ""}, "dev_guild_id", None),
        (
            {"DISCORD_API_BASE": "http://127.0.0.1:8080/api/"},
            "api_base",
            "http://127.0.0.1:8080/api",
        ),
        (
            {"DISCORD_API_BASE": "https://proxy.example/api"},
            "api_base",
            "https://proxy.example/api",
        ),
        ({"DISCORD_GATEWAY_URL": "ws://127.0.0.1:9000/"}, "gateway_url", "ws://127.0.0.1:9000"),
        ({"DISCORD_GATEWAY_URL": "wss://gw.example"}, "gateway_url", "wss://gw.example"),
        ({}, "api_base", None),
        ({}, "gateway_url", None),
    ],
)
def test_discord_values(values: dict[str, str], attribute: str, expected: object) -> None:
    """Well-formed Discord settings are parsed; trailing slashes are dropped."""
    assert getattr(load_settings(env(**values)).discord, attribute) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "INFO"),
        ("", "INFO"),
        ("debug", "DEBUG"),
        (" Warning ", "WARNING"),
        ("ERROR", "ERROR"),
    ],
)
def test_log_level(value: str | None, expected: str) -> None:
    """LOG_LEVEL defaults to INFO and is case-insensitive."""
    values = {} if value is None else {"LOG_LEVEL": value}
    assert load_settings(env(**values)).log_level == expected


def test_defaults(tmp_path: Path) -> None:
    """By default the database lives under data/ and content folders under the base directory."""
    settings = load_settings(env(), base_dir=tmp_path)
    assert DEFAULT_DATABASE.startswith("data/")
    assert settings.storage.database_path == tmp_path / "data" / "coach.sqlite3"
    assert settings.content.prompts_dir == tmp_path / "prompts"
    assert settings.content.templates_dir == tmp_path / "templates"
    assert settings.discord.dev_guild_id is None


def test_default_base_is_project_root() -> None:
    """Without a base directory, relative paths resolve under the project root."""
    settings = load_settings(env())
    assert settings.storage.database_path == PROJECT_ROOT / "data" / "coach.sqlite3"
    assert (PROJECT_ROOT / "bot" / "settings.py").is_file()


@pytest.mark.parametrize(
    ("value", "relative"),
    [("custom/db.sqlite3", True), ("/abs/elsewhere/db.sqlite3", False)],
)
def test_database_path(tmp_path: Path, value: str, relative: bool) -> None:
    """Relative DATABASE_PATHs resolve under the base directory; absolute ones stay."""
    path = load_settings(env(DATABASE_PATH=value), base_dir=tmp_path).storage.database_path
    assert path == (tmp_path / value if relative else Path(value))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///data/coach.sqlite3", "data/coach.sqlite3"),
        ("sqlite:///custom/db.sqlite3", "custom/db.sqlite3"),
        ("sqlite:////abs/elsewhere/db.sqlite3", "/abs/elsewhere/db.sqlite3"),
    ],
)
def test_database_url_names_a_sqlite_file(tmp_path: Path, url: str, expected: str) -> None:
    """sqlite:/// and a relative path (under the base directory), four slashes for an absolute
    one; DATABASE_URL wins over the older DATABASE_PATH."""
    storage = load_settings(
        env(DATABASE_URL=url, DATABASE_PATH="ignored.sqlite3"), base_dir=tmp_path
    ).storage
    assert storage.database_path == tmp_path / expected
    assert (storage.backend, storage.postgres_url) == ("sqlite", None)


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_database_url_selects_postgresql_and_keeps_its_password_secret(scheme: str) -> None:
    url = f"{scheme}://coach:s3cret@127.0.0.1:5432/coach"
    settings = load_settings(env(DATABASE_URL=url))
    assert settings.storage.backend == "postgresql"
    assert settings.storage.postgres_url is not None
    assert settings.storage.postgres_url.reveal() == url
    assert "s3cret" not in repr(settings)


def test_empty_database_url_is_the_embedded_default(tmp_path: Path) -> None:
    storage = load_settings(env(DATABASE_URL=" "), base_dir=tmp_path).storage
    assert storage.backend == "sqlite"
    assert storage.database_path == tmp_path / "data" / "coach.sqlite3"


@pytest.mark.parametrize(
    "url", ["mysql://x@y/z", "sqlite://", "sqlite:///", "postgresql://", "data/coach.sqlite3"]
)
def test_database_url_of_another_kind_is_refused_in_one_line(url: str) -> None:
    with pytest.raises(SettingsError, match="DATABASE_URL must be") as error:
        load_settings(env(DATABASE_URL=url))
    assert "\n" not in str(error.value)


def test_secret_never_shows_itself() -> None:
    """A Secret's repr and str hide the value; reveal returns it."""
    secret = Secret(TOKEN)
    assert TOKEN not in repr(secret) and TOKEN not in str(secret) and TOKEN not in f"{secret}"
    assert secret.reveal() == TOKEN


def test_settings_repr_hides_token() -> None:
    """repr of the whole settings object never contains the token or its parts."""
    settings = load_settings(env())
    text = repr(settings) + str(settings) + repr(settings.discord)
    for part in TOKEN.split("."):
        assert part not in text
    assert "Secret('***')" in text
    assert settings.discord.token.reveal() == TOKEN


def test_send_rate_and_loop_lag_defaults_and_overrides() -> None:
    """Reminder DMs are paced under Discord's 50/s by default; the lag monitor is off."""
    default = load_settings(env())
    assert default.scheduler.send_rate == 48.0
    assert default.diagnostics.loop_lag_report_seconds == 0.0
    custom = load_settings(env(DISCORD_SEND_RATE="40", LOOP_LAG_REPORT_SECONDS="10"))
    assert custom.scheduler.send_rate == 40.0
    assert custom.diagnostics.loop_lag_report_seconds == 10.0


@pytest.mark.parametrize(
    ("values", "count", "ids"),
    [
        ({}, None, None),
        ({"SHARD_COUNT": "4"}, 4, (0, 1, 2, 3)),  # every shard in this one process
        ({"SHARD_COUNT": "4", "SHARD_IDS": "2"}, 4, (2,)),
        ({"SHARD_COUNT": "6", "SHARD_IDS": " 5, 0-2 "}, 6, (0, 1, 2, 5)),
    ],
)
def test_shards(values: dict[str, str], count: int | None, ids: tuple[int, ...] | None) -> None:
    """SHARD_COUNT alone opens every shard; SHARD_IDS picks some, as numbers or ranges."""
    discord = load_settings(env(**values)).discord
    assert (discord.shard_count, discord.shard_ids) == (count, ids)


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT"),
        ({"SHARD_COUNT": "two"}, "SHARD_COUNT"),
        ({"SHARD_IDS": "0"}, "SHARD_IDS needs SHARD_COUNT"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "2"}, "between 0 and 1"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "1-5"}, "between 0 and 3"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "1,x"}, "SHARD_IDS must be shard numbers"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "3-1"}, "a range low to high"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "0-99999999999"}, "between 0 and 3"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "-1"}, "SHARD_IDS must be shard numbers"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "1,0-2"}, "twice"),
    ],
)
def test_bad_shards_are_one_line_naming_the_setting(values: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named) as caught:
        load_settings(env(**values))
    assert "\n" not in str(caught.value)


def test_the_test_clock_is_refused_unless_discord_is_on_loopback(tmp_path: Path) -> None:
    """A bot whose time a file moves never talks to the real Discord."""
    local = {
        "DISCORD_API_BASE": "http://127.0.0.1:5000/api/v10",
        "DISCORD_GATEWAY_URL": "ws://127.0.0.1:5000/gateway",
    }
    for values in ({}, {**local, "DISCORD_API_BASE": "https://discord.com/api/v10"}):
        with pytest.raises(SettingsError, match="TEST_CLOCK_FILE"):
            load_settings(env(TEST_CLOCK_FILE="clock", **values), base_dir=tmp_path)
    settings = load_settings(env(TEST_CLOCK_FILE="clock", **local), base_dir=tmp_path)
    assert settings.diagnostics.test_clock_file == tmp_path / "clock"
    assert load_settings(env(**local)).diagnostics.test_clock_file is None
