"""TELEGRAM_TOKEN and TELEGRAM_API_BASE: either front end alone, both, or a clear error."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings

DISCORD = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.this-is-the-secret-part_xyz"
TELEGRAM = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


def test_neither_token_names_both() -> None:
    with pytest.raises(SettingsError, match="Neither DISCORD_TOKEN nor TELEGRAM_TOKEN"):
        load_settings({"TELEGRAM_TOKEN": "  "})


def test_telegram_alone_is_enough() -> None:
    settings = load_settings({"TELEGRAM_TOKEN": TELEGRAM})
    assert settings.telegram is not None
    assert settings.telegram.token.reveal() == TELEGRAM
    assert TELEGRAM not in repr(settings)
    assert not settings.runs_discord


def test_both_front_ends() -> None:
    settings = load_settings(
        {
            "DISCORD_TOKEN": DISCORD,
            "TELEGRAM_TOKEN": TELEGRAM,
            "TELEGRAM_API_BASE": "http://127.0.0.1:8081/",
        }
    )
    assert settings.runs_discord
    assert settings.telegram is not None
    assert settings.telegram.api_base == "http://127.0.0.1:8081"


def test_discord_alone_leaves_telegram_off() -> None:
    settings = load_settings({"DISCORD_TOKEN": DISCORD})
    assert settings.telegram is None
    assert settings.runs_discord


@pytest.mark.parametrize(
    "token", ["123456789", "abc:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0", "123:short", "1:a b" * 10]
)
def test_malformed_telegram_token(token: str) -> None:
    with pytest.raises(SettingsError, match="TELEGRAM_TOKEN"):
        load_settings({"TELEGRAM_TOKEN": token})


def test_api_base_must_be_http() -> None:
    with pytest.raises(SettingsError, match="TELEGRAM_API_BASE"):
        load_settings({"TELEGRAM_TOKEN": TELEGRAM, "TELEGRAM_API_BASE": "ftp://x"})
