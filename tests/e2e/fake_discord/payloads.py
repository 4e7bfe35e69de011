"""Builders for the JSON objects Discord sends: users, members, guilds, channels, messages.

Shapes follow Discord's docs and include every key discord.py reads with ``data[...]`` (a
missing key there is a KeyError inside the client, which would hide the real test failure).
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
# Permissions the fake grants: ADMINISTRATOR-free "everything a bot usually has" bitset.
DEFAULT_PERMISSIONS = "2248473465835073"
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024  # discord.py reads interaction.attachment_size_limit


class Snowflakes:
    """Monotonic, time-based snowflakes so discord.py's created_at looks sane."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def next(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._counter) & 0x3FFFFF)


def iso_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def user_object(
    user_id: int, username: str, *, global_name: str | None = None, bot: bool = False
) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": username,
        "discriminator": "0",
        "global_name": global_name,
        "avatar": None,
        "bot": bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "primary_guild": None,
        "collectibles": None,
    }


def member_object(
    user: dict[str, Any],
    *,
    nick: str | None = None,
    roles: list[int] | None = None,
    permissions: str | None = DEFAULT_PERMISSIONS,
    include_user: bool = True,
    joined_at: str | None = None,
) -> dict[str, Any]:
    member: dict[str, Any] = {
        "nick": nick,
        "avatar": None,
        "banner": None,
        "roles": [str(r) for r in roles or []],
        "joined_at": joined_at or iso_now(),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
        "avatar_decoration_data": None,
    }
    if permissions is not None:
        member["permissions"] = permissions
    if include_user:
        member["user"] = user
    return member


def guild_text_channel(channel_id: int, guild_id: int, name: str = "general") -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def dm_channel(channel_id: int, recipient: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 1,
        "recipients": [recipient],
        "last_message_id": None,
        "flags": 0,
    }


def role_everyone(guild_id: int) -> dict[str, Any]:
    return {
        "id": str(guild_id),
        "name": "@everyone",
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": 0,
        "permissions": "1071698660929",
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def guild_create(
    guild_id: int,
    name: str,
    *,
    owner_id: int,
    channels: list[dict[str, Any]],
    members: list[dict[str, Any]],
) -> dict[str, Any]:
    """A GUILD_CREATE payload (what discord.py's Guild._from_data reads)."""
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(owner_id),
        "region": None,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role_everyone(guild_id)],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "joined_at": iso_now(),
        "large": False,
        "unavailable": False,
        "member_count": len(members),
        "voice_states": [],
        "members": [{**m, "user": m["user"]} for m in members],
        "channels": channels,
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "lazy": True,
    }


def application_object(app_id: int, owner: dict[str, Any], bot: dict[str, Any]) -> dict[str, Any]:
    """GET /oauth2/applications/@me — discord.py's AppInfo reads these with data[...]."""
    return {
        "id": str(app_id),
        "name": bot["username"],
        "icon": None,
        "description": "Fake application for end-to-end tests",
        "summary": "",
        "type": None,
        "rpc_origins": [],
        "bot_public": False,
        "bot_require_code_grant": False,
        "bot": bot,
        "owner": owner,
        "team": None,
        "verify_key": "0" * 64,
        "flags": 1 << 23,  # GATEWAY_MESSAGE_CONTENT_LIMITED; any non-zero value is fine
        "hook": True,
        "tags": [],
        "interactions_endpoint_url": None,  # non-null makes discord.py warn: no gateway events
        "role_connections_verification_url": None,
        "approximate_guild_count": 1,
        "approximate_user_install_count": 0,
        "redirect_uris": [],
        "integration_types_config": {"0": {}, "1": {}},
        "is_monetized": False,
        "storefront_available": False,
        "explicit_content_filter": 0,
    }


def message_object(
    *,
    message_id: int,
    channel_id: int,
    author: dict[str, Any],
    body: dict[str, Any],
    message_type: int = 0,
    webhook_id: int | None = None,
    application_id: int | None = None,
    guild_id: int | None = None,
    attachments: list[dict[str, Any]] | None = None,
    flags: int = 0,
) -> dict[str, Any]:
    """A message as Discord would return it, built from a create body."""
    msg: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": message_type,
        "content": body.get("content") or "",
        "author": author,
        "attachments": attachments or [],
        "embeds": [_embed_out(e) for e in body.get("embeds") or []],
        "components": body.get("components") or [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": bool(body.get("tts")),
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "flags": flags,
    }
    if body.get("poll"):  # discord.py parses a present "poll" key, even null
        msg["poll"] = body["poll"]
    if webhook_id is not None:
        msg["webhook_id"] = str(webhook_id)
    if application_id is not None:
        msg["application_id"] = str(application_id)
    if guild_id is not None:
        msg["guild_id"] = str(guild_id)
    return msg


def _embed_out(embed: dict[str, Any]) -> dict[str, Any]:
    out = dict(embed)
    out.setdefault("type", "rich")
    return out


def attachment_objects(
    files: list[dict[str, Any]], body: dict[str, Any], next_id: Any
) -> list[dict[str, Any]]:
    """Attachment objects for uploaded ``files[n]`` parts (descriptions from the body)."""
    described = {str(a.get("id")): a for a in body.get("attachments") or []}
    out = []
    for index, f in enumerate(files):
        att_id = next_id()
        meta = described.get(str(index), {})
        out.append(
            {
                "id": str(att_id),
                "filename": f["filename"],
                "size": len(f["data"]),
                "url": f"https://cdn.fake-discord.invalid/attachments/{att_id}/{f['filename']}",
                "proxy_url": f"https://media.fake-discord.invalid/attachments/{att_id}/{f['filename']}",
                "content_type": f.get("content_type"),
                "description": meta.get("description"),
                "ephemeral": False,
            }
        )
    return out


def public_message(msg: dict[str, Any]) -> dict[str, Any]:
    """The message without the fake's bookkeeping keys (what goes over the wire)."""
    return {k: v for k, v in msg.items() if k not in ("attachments_data", "allowed_mentions")}
