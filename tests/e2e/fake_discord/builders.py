"""Builds INTERACTION_CREATE payloads the way Discord's client would produce them.

Option types come from the commands the bot registered; values a real client could not send
(unknown option, missing required option, value outside choices or limits) raise
AssertionError, because that would be a broken test rather than a bot bug.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import FakeDiscord

# docs: Application Command Option Type
SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN = 1, 2, 3, 4, 5
USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 6, 7, 8, 9, 10, 11
SELECT_COMPONENT_TYPES = frozenset({3, 5, 6, 7, 8})  # docs: Component Types


def find_command(fake: FakeDiscord, name: str, ctype: int, guild_id: int | None) -> dict[str, Any]:
    pools = []
    if guild_id is not None:
        pools.append(fake.registered_commands(guild_id))
    pools.append(fake.registered_commands(None))
    for pool in pools:
        for cmd in pool:
            if cmd["name"] == name and cmd.get("type", 1) == ctype:
                return cmd
    known = sorted({c["name"] for pool in pools for c in pool})
    raise AssertionError(
        f"command {name!r} (type {ctype}) is not registered with the fake "
        f"{'in guild ' + str(guild_id) + ' or ' if guild_id else ''}globally; "
        f"registered: {known}. Did the bot sync its command tree?"
    )


def build_command_options(
    fake: FakeDiscord,
    command: dict[str, Any],
    *,
    subcommand: str | None,
    subcommand_group: str | None,
    options: dict[str, Any],
    guild_id: int | None,
    focused: str | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Returns (data.options, data.resolved) for a chat-input or autocomplete interaction."""
    if subcommand and " " in subcommand and subcommand_group is None:
        subcommand_group, subcommand = subcommand.split(" ", 1)
    defs = command.get("options") or []
    path = command["name"]
    wrap: list[tuple[int, str]] = []
    if subcommand_group:
        group = _option_def(defs, subcommand_group, path, SUB_COMMAND_GROUP)
        wrap.append((SUB_COMMAND_GROUP, subcommand_group))
        defs = group.get("options") or []
        path += f" {subcommand_group}"
    has_subs = any(d["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for d in defs)
    if subcommand:
        sub = _option_def(defs, subcommand, path, SUB_COMMAND)
        wrap.append((SUB_COMMAND, subcommand))
        defs = sub.get("options") or []
        path += f" {subcommand}"
    elif has_subs:
        names = [d["name"] for d in defs]
        raise AssertionError(f"/{path} needs a subcommand (one of {names}); pass subcommand=")
    resolved: dict[str, Any] = {}
    leaf: list[dict[str, Any]] = []
    for key, value in options.items():
        d = _option_def(defs, key, path, None)
        is_focused = key == focused
        leaf.append(_option_value(fake, d, value, path, resolved, guild_id, is_focused))
    if focused is not None and focused not in options:
        raise AssertionError(f"focused option {focused!r} must be given in options=")
    if focused is None:
        for d in defs:
            if d.get("required") and d["name"] not in options:
                raise AssertionError(f"/{path}: required option {d['name']!r} missing")
    result = leaf
    for otype, oname in reversed(wrap):
        result = [{"type": otype, "name": oname, "options": result}]
    return result, resolved


def _option_def(
    defs: list[dict[str, Any]], name: str, path: str, otype: int | None
) -> dict[str, Any]:
    for d in defs:
        if d["name"] == name and (otype is None or d["type"] == otype):
            return d
    names = [d["name"] for d in defs]
    raise AssertionError(f"/{path} has no option {name!r}; it has {names}")


def _option_value(
    fake: FakeDiscord,
    d: dict[str, Any],
    value: Any,
    path: str,
    resolved: dict[str, Any],
    guild_id: int | None,
    focused: bool,
) -> dict[str, Any]:
    otype = d["type"]
    where = f"/{path} option {d['name']!r}"
    out: dict[str, Any] = {"type": otype, "name": d["name"]}
    if focused:
        # Autocomplete sends the partial text as typed (always a string for STRING options).
        out["value"] = value
        out["focused"] = True
        return out
    if otype == STRING:
        if not isinstance(value, str):
            raise AssertionError(f"{where} is a STRING; got {value!r}")
        lo, hi = d.get("min_length", 0), d.get("max_length", 6000)
        if not (lo <= len(value) <= hi):
            raise AssertionError(f"{where}: length {len(value)} outside {lo}..{hi}")
    elif otype in (INTEGER, NUMBER):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (otype == INTEGER and not isinstance(value, int))
        ):
            raise AssertionError(
                f"{where} is {'INTEGER' if otype == INTEGER else 'NUMBER'}; got {value!r}"
            )
        if d.get("min_value") is not None and value < d["min_value"]:
            raise AssertionError(f"{where}: {value} < min_value {d['min_value']}")
        if d.get("max_value") is not None and value > d["max_value"]:
            raise AssertionError(f"{where}: {value} > max_value {d['max_value']}")
    elif otype == BOOLEAN:
        if not isinstance(value, bool):
            raise AssertionError(f"{where} is BOOLEAN; got {value!r}")
    elif otype in (USER, MENTIONABLE):
        user_id = int(value)
        value = str(user_id)
        resolved.setdefault("users", {})[value] = fake._user(user_id)
        if guild_id is not None:
            member = fake._member(guild_id, user_id, include_user=False)
            if member is not None:
                resolved.setdefault("members", {})[value] = member
    elif otype == CHANNEL:
        channel = fake._channels.get(int(value))
        if channel is None:
            raise AssertionError(f"{where}: channel {value} unknown to the fake")
        value = str(value)
        resolved.setdefault("channels", {})[value] = {**channel, "permissions": "2248473465835073"}
    elif otype == ROLE:
        value = str(int(value))
        resolved.setdefault("roles", {})[value] = {
            "id": value,
            "name": f"role-{value}",
            "color": 0,
            "hoist": False,
            "position": 1,
            "permissions": "0",
            "managed": False,
            "mentionable": True,
            "flags": 0,
        }
    elif otype == ATTACHMENT:
        # An object from fake.attachment(...) (or its id): resolved.attachments carries it.
        att_id = int(value["id"]) if isinstance(value, dict) else int(value)
        upload = fake.uploads.get(att_id)
        if upload is None:
            raise AssertionError(f"{where}: make the file with fake.attachment(...) first")
        value = str(att_id)
        resolved.setdefault("attachments", {})[value] = copy.deepcopy(upload[0])
    else:
        raise AssertionError(f"{where}: option type {otype} is not supported by the fake")
    choices = d.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        raise AssertionError(
            f"{where}: {value!r} is not one of the choices {[c['value'] for c in choices]}"
        )
    out["value"] = value
    return out


def find_component(message: dict[str, Any], custom_id: str) -> dict[str, Any]:
    """The button/select with ``custom_id`` anywhere in the message's component tree."""
    stack = list(message.get("components") or [])
    while stack:
        comp = stack.pop()
        if comp.get("custom_id") == custom_id and comp.get("type") != 4:
            return comp
        stack.extend(comp.get("components") or [])
        if isinstance(comp.get("accessory"), dict):
            stack.append(comp["accessory"])
    ids = []
    stack = list(message.get("components") or [])
    while stack:
        comp = stack.pop()
        if comp.get("custom_id"):
            ids.append(comp["custom_id"])
        stack.extend(comp.get("components") or [])
    raise AssertionError(
        f"message {message.get('id')} has no component {custom_id!r}; it has {ids}"
    )


def modal_submit_components(modal: dict[str, Any], values: dict[str, Any]) -> list[dict[str, Any]]:
    """Mirrors the modal's structure the way Discord returns a submitted modal.

    Legacy ``action row > text input`` becomes ``{"type": 1, "components": [{"type": 4,
    "custom_id", "value"}]}``; a Label (type 18) becomes ``{"type": 18, "component": {...}}``
    holding a text input ``value`` or a select's ``values``; text displays echo only their id.
    """
    remaining = dict(values)
    counter = iter(range(1, 1000))
    out = []
    for comp in modal.get("components") or []:
        ctype = comp.get("type")
        cid = comp.get("id") or next(counter)
        if ctype == 1:
            children = [_submitted(c, remaining, counter) for c in comp.get("components") or []]
            out.append({"type": 1, "id": cid, "components": children})
        elif ctype == 18:
            out.append(
                {
                    "type": 18,
                    "id": cid,
                    "component": _submitted(comp["component"], remaining, counter),
                }
            )
        elif ctype == 10:
            out.append({"type": 10, "id": cid})
        else:
            raise AssertionError(f"modal component type {ctype} not supported by the fake")
    if remaining:
        raise AssertionError(
            f"modal {modal.get('custom_id')!r} has no field(s) {sorted(remaining)}"
        )
    return out


def _submitted(comp: dict[str, Any], values: dict[str, Any], counter: Any) -> dict[str, Any]:
    ctype = comp.get("type")
    cid = comp["custom_id"]
    base = {"type": ctype, "id": comp.get("id") or next(counter), "custom_id": cid}
    if ctype == 4:
        value = values.pop(cid, comp.get("value") or "")
        if not isinstance(value, str):
            raise AssertionError(f"text input {cid!r} takes a string; got {value!r}")
        required = comp.get("required", True)
        if required and not value:
            raise AssertionError(
                f"text input {cid!r} is required; Discord's client would not "
                "submit the modal without it"
            )
        lo, hi = comp.get("min_length", 0), comp.get("max_length", 4000)
        if value and not (lo <= len(value) <= hi):
            raise AssertionError(f"text input {cid!r}: length {len(value)} outside {lo}..{hi}")
        return {**base, "value": value}
    if ctype in SELECT_COMPONENT_TYPES:
        raw = values.pop(cid, [])
        chosen = [raw] if isinstance(raw, str | int) else list(raw)
        chosen = [str(v) for v in chosen]
        if ctype == 3:
            allowed = [o["value"] for o in comp.get("options") or []]
            bad = [v for v in chosen if v not in allowed]
            if bad:
                raise AssertionError(f"select {cid!r}: {bad} not among options {allowed}")
        lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
        if comp.get("required", True) and not (lo <= len(chosen) <= hi):
            raise AssertionError(f"select {cid!r}: {len(chosen)} value(s), needs {lo}..{hi}")
        return {**base, "values": chosen}
    raise AssertionError(f"modal field type {ctype} ({cid!r}) not supported by the fake")
