"""Validation of request bodies against Discord's official OpenAPI description.

A copy of the spec is kept beside this module in ``spec/openapi.json`` (its provenance is in
``spec/SOURCE.txt``; override the path with the environment variable
``DISCORD_OPENAPI_SPEC``). Schemas are looked up by name under ``components/schemas`` and
validated with jsonschema (draft 2020-12, which OpenAPI 3.1 uses). A missing spec is an error,
never a silently skipped check.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .limits import Problem

SPEC_PATH = Path(
    os.environ.get("DISCORD_OPENAPI_SPEC", Path(__file__).parent / "spec" / "openapi.json")
)
_SPEC_URI = "urn:discord-openapi"

# Which schema each callback type is checked against (spec: the anyOf members of
# POST /interactions/{interaction_id}/{interaction_token}/callback's requestBody).
CALLBACK_SCHEMAS: dict[int, str] = {
    1: "PongInteractionCallbackRequest",
    4: "CreateMessageInteractionCallbackRequest",
    5: "CreateMessageInteractionCallbackRequest",
    6: "UpdateMessageInteractionCallbackRequest",
    7: "UpdateMessageInteractionCallbackRequest",
    8: "ApplicationCommandAutocompleteCallbackRequest",
    9: "ModalInteractionCallbackRequest",
    12: "LaunchActivityInteractionCallbackRequest",
}
WEBHOOK_EXECUTE_SCHEMA = "IncomingWebhookRequestPartial"
WEBHOOK_EDIT_SCHEMA = "IncomingWebhookUpdateRequestPartial"
MESSAGE_CREATE_SCHEMA = "MessageCreateRequest"
MESSAGE_EDIT_SCHEMA = "MessageEditRequestPartial"
COMMAND_SCHEMA = "ApplicationCommandUpdateRequest"


@cache
def _registry() -> Registry:
    if not SPEC_PATH.exists():
        raise FileNotFoundError(f"Discord's OpenAPI spec is missing at {SPEC_PATH}")
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    # The spec types snowflakes as digit strings, but Discord accepts JSON integers too and
    # discord.py sends some as ints (e.g. attachments[].id is the file's index).
    snowflake = spec["components"]["schemas"]["SnowflakeType"]
    spec["components"]["schemas"]["SnowflakeType"] = {
        "anyOf": [snowflake, {"type": "integer", "minimum": 0}]
    }
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    return Registry().with_resource(_SPEC_URI, resource)


@cache
def _validator(schema_name: str) -> Draft202012Validator:
    registry = _registry()
    schema = {"$ref": f"{_SPEC_URI}#/components/schemas/{schema_name}"}
    return Draft202012Validator(schema, registry=registry)


def spec_available() -> bool:
    return SPEC_PATH.exists()


def validate(schema_name: str, body: Any, *, prefix: str = "") -> list[Problem]:
    """Problems found by jsonschema, reported at the deepest failing path."""
    validator = _validator(schema_name)
    problems = []
    for error in validator.iter_errors(body):
        # oneOf/anyOf failures are unreadable at the top; the best_match-style descent into
        # the sub-errors names the field that actually failed.
        leaf = _deepest(error)
        path = ".".join(str(p) for p in leaf.absolute_path)
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        message = leaf.message if len(leaf.message) <= 200 else leaf.message[:197] + "..."
        problems.append(Problem(path, f"OpenAPI {schema_name}: {message}", "OPENAPI_SCHEMA"))
    return problems


def _deepest(error: Any) -> Any:
    """The most specific sub-error. jsonschema puts every oneOf/anyOf branch's errors in
    ``context``; branches that failed on their ``type`` discriminator (or a ``null``
    alternative) are the wrong variant and are skipped, so the real failure is reported."""
    branches: dict[Any, list[Any]] = {}
    for sub in error.context or ():
        key = sub.relative_schema_path[0] if sub.relative_schema_path else None
        branches.setdefault(key, []).append(sub)
    best = error
    for errors in branches.values():
        if any(_wrong_variant(e) for e in errors):
            continue
        for sub in errors:
            candidate = _deepest(sub)
            if len(candidate.absolute_path) > len(best.absolute_path):
                best = candidate
    return best


def _wrong_variant(error: Any) -> bool:
    if error.validator in ("enum", "const") and list(error.relative_path) == ["type"]:
        return True
    return error.validator == "type" and error.validator_value == "null"
