"""Discord's documented payload limits, checked the way Discord checks them.

Every limit cites where it comes from. "spec: X.y" means the schema ``X`` property ``y`` in
Discord's OpenAPI description (/work/shared/discord-api-spec/openapi.json, maxLength/maxItems);
"docs" means the developer documentation when the spec is silent or looser than what the API
enforces for bots. The checkers return :class:`Problem` lists; the REST layer turns them into
Discord's ``400 {"code": 50035, "errors": {...}}`` answers.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# -- message ----------------------------------------------------------------------------------
# spec: IncomingWebhookInteractionRequest.content maxLength 2000. MessageCreateRequest says 4000,
# but that is the Nitro limit for users; bots are held to 2000 (docs: Create Message).
CONTENT_MAX = 2000
EMBEDS_MAX = 10  # spec: *Request.embeds maxItems 10
EMBED_TITLE_MAX = 256  # spec: RichEmbed.title
EMBED_DESCRIPTION_MAX = 4096  # spec: RichEmbed.description
EMBED_FIELDS_MAX = 25  # spec: RichEmbed.fields maxItems
EMBED_FIELD_NAME_MAX = 256  # spec: RichEmbedField.name
EMBED_FIELD_VALUE_MAX = 1024  # spec: RichEmbedField.value
EMBED_FOOTER_TEXT_MAX = 2048  # spec: RichEmbedFooter.text
EMBED_AUTHOR_NAME_MAX = 256  # spec: RichEmbedAuthor.name
EMBED_TOTAL_MAX = 6000  # docs: Embed Limits ("the combined sum ... must not exceed 6000")
ATTACHMENTS_MAX = 10  # spec: *Request.attachments maxItems 10
ALLOWED_MENTIONS_IDS_MAX = 100  # spec: MessageAllowedMentionsRequest.users/roles maxItems

# -- components -------------------------------------------------------------------------------
ACTION_ROWS_MAX = 5  # docs: Action Rows ("up to 5 action rows"), legacy (non-V2) messages
ROW_BUTTONS_MAX = 5  # spec: ActionRowComponentForMessageRequest.components maxItems 5
V2_COMPONENTS_MAX = 40  # spec: *Request.components maxItems 40 (total, with IS_COMPONENTS_V2)
CUSTOM_ID_MAX = 100  # spec: ButtonComponentForMessageRequest.custom_id 1..100
BUTTON_LABEL_MAX = 80  # spec: ButtonComponentForMessageRequest.label
BUTTON_URL_MAX = 512  # spec: ButtonComponentForMessageRequest.url
SELECT_OPTIONS_MAX = 25  # spec: StringSelectComponentForMessageRequest.options 1..25
SELECT_OPTION_TEXT_MAX = 100  # spec: StringSelectOptionForRequest.label/value/description
SELECT_PLACEHOLDER_MAX = 150  # spec: StringSelectComponentForMessageRequest.placeholder
SELECT_VALUES_MAX = 25  # spec: *.min_values 0..25, max_values 1..25

# -- modals -----------------------------------------------------------------------------------
MODAL_TITLE_MAX = 45  # spec: ModalInteractionCallbackRequestData.title 1..45
# spec allows 40 top-level components (ModalInteractionCallbackRequestData.components maxItems),
# docs (Modal) still say 1-5 and that is what the client renders; we hold bots to 5.
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_LABEL_MAX = 45  # spec: TextInputComponentForModalRequest.label 1..45
TEXT_INPUT_PLACEHOLDER_MAX = 100  # spec: TextInputComponentForModalRequest.placeholder
TEXT_INPUT_VALUE_MAX = 4000  # spec: TextInputComponentForModalRequest.value / max_length
LABEL_LABEL_MAX = 45  # spec: LabelComponentForModalRequest.label 1..45
LABEL_DESCRIPTION_MAX = 100  # spec: LabelComponentForModalRequest.description 1..100

# -- autocomplete -----------------------------------------------------------------------------
AUTOCOMPLETE_CHOICES_MAX = 25  # spec: InteractionApplicationCommandAutocompleteCallback*.choices
CHOICE_NAME_MAX = 100  # spec: ApplicationCommandOptionStringChoice.name 1..100
# spec says value maxLength 6000 but docs (Application Command Option Choice) say 100 and the
# API rejects longer string values.
CHOICE_STRING_VALUE_MAX = 100

# -- application commands ---------------------------------------------------------------------
COMMAND_NAME_MAX = 32  # spec: ApplicationCommandUpdateRequest.name 1..32
COMMAND_DESCRIPTION_MAX = 100  # spec: ApplicationCommandUpdateRequest.description
COMMAND_OPTIONS_MAX = 25  # spec: ApplicationCommandUpdateRequest.options maxItems 25
COMMAND_CHOICES_MAX = 25  # spec: ApplicationCommandStringOption.choices maxItems 25
COMMAND_STRING_LENGTH_MAX = 6000  # spec: ApplicationCommandStringOption.min_length/max_length
COMMAND_TOTAL_TEXT_MAX = 4000  # docs: "combined sum ... may not exceed 4000 characters"
# docs (Registering a Command): 100 global CHAT_INPUT, 15 USER and 15 MESSAGE commands. The spec
# only caps the whole PUT body (maxItems 130 = 100 + 15 + 15).
COMMANDS_PER_TYPE_MAX = {1: 100, 2: 15, 3: 15}

# -- message flags allowed on create (docs: Message Object > Message Flags, "can be set") -----
FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_IS_COMPONENTS_V2 = 1 << 15
CREATE_FLAGS_ALLOWED = (
    FLAG_EPHEMERAL | FLAG_SUPPRESS_EMBEDS | FLAG_SUPPRESS_NOTIFICATIONS | FLAG_IS_COMPONENTS_V2
)
# Channel messages (not interaction responses) cannot be ephemeral.
CHANNEL_FLAGS_ALLOWED = CREATE_FLAGS_ALLOWED & ~FLAG_EPHEMERAL

SELECT_TYPES = frozenset({3, 5, 6, 7, 8})  # string, user, role, mentionable, channel selects


@dataclass(frozen=True)
class Problem:
    """One rejected field: ``path`` like ``data.embeds.0.title``."""

    path: str
    message: str
    code: str = "BASE_TYPE_INVALID"
    # The top-level JSON error code; 50035 unless a more specific one applies (50006 empty).
    json_code: int = 50035


def _len(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def _max_len(out: list[Problem], path: str, value: Any, limit: int, *, min_len: int = 0) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        out.append(Problem(path, "Must be a string.", "STRING_TYPE_CONVERT"))
        return
    if len(value) > limit:
        out.append(Problem(path, f"Must be {limit} or fewer in length.", "BASE_TYPE_MAX_LENGTH"))
    elif len(value) < min_len:
        out.append(
            Problem(
                path, f"Must be between {min_len} and {limit} in length.", "BASE_TYPE_BAD_LENGTH"
            )
        )


def _join(prefix: str, key: str | int) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


# -- messages ---------------------------------------------------------------------------------


def check_message(
    body: Mapping[str, Any],
    *,
    prefix: str = "",
    allowed_flags: int = CREATE_FLAGS_ALLOWED,
    require_content: bool = True,
    file_count: int = 0,
) -> list[Problem]:
    """Checks a message create/edit body (interaction data, webhook or channel message)."""
    out: list[Problem] = []
    content = body.get("content")
    _max_len(out, _join(prefix, "content"), content, CONTENT_MAX)
    embeds = body.get("embeds") or []
    components = body.get("components") or []
    flags = body.get("flags") or 0
    if not isinstance(flags, int):
        out.append(Problem(_join(prefix, "flags"), "Must be an integer.", "NUMBER_TYPE_COERCE"))
        flags = 0
    elif flags & ~allowed_flags:
        out.append(
            Problem(
                _join(prefix, "flags"),
                f"Flags {flags & ~allowed_flags} cannot be set here "
                f"(allowed bits: {allowed_flags}).",
            )
        )
    if len(embeds) > EMBEDS_MAX:
        out.append(
            Problem(
                _join(prefix, "embeds"),
                f"Must be {EMBEDS_MAX} or fewer in length.",
                "BASE_TYPE_MAX_LENGTH",
            )
        )
    out.extend(check_embeds(embeds, prefix=_join(prefix, "embeds")))
    v2 = bool(flags & FLAG_IS_COMPONENTS_V2)
    if v2 and (content or embeds):
        # docs: Components V2 — "content and embeds ... cannot be sent" with the flag.
        out.append(
            Problem(
                _join(prefix, "content"),
                "The 'content' and 'embeds' fields cannot be used with IS_COMPONENTS_V2.",
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            )
        )
    out.extend(check_message_components(components, prefix=_join(prefix, "components"), v2=v2))
    out.extend(
        check_allowed_mentions(body.get("allowed_mentions"), _join(prefix, "allowed_mentions"))
    )
    attachments = body.get("attachments") or []
    if len(attachments) > ATTACHMENTS_MAX or file_count > ATTACHMENTS_MAX:
        out.append(
            Problem(
                _join(prefix, "attachments"),
                f"Must be {ATTACHMENTS_MAX} or fewer in length.",
                "BASE_TYPE_MAX_LENGTH",
            )
        )
    if require_content and is_empty_message(body, file_count=file_count):
        out.append(Problem(prefix or "message", "Cannot send an empty message", json_code=50006))
    return out


def is_empty_message(body: Mapping[str, Any], *, file_count: int = 0) -> bool:
    """Discord's 50006: no content (whitespace does not count), embeds, components or files."""
    content = body.get("content")
    return not (
        (isinstance(content, str) and content.strip())
        or body.get("embeds")
        or body.get("components")
        or body.get("attachments")
        or body.get("sticker_ids")
        or body.get("poll")
        or file_count
    )


def check_embeds(embeds: Iterable[Any], *, prefix: str) -> list[Problem]:
    out: list[Problem] = []
    total = 0
    for i, embed in enumerate(embeds):
        p = _join(prefix, i)
        if not isinstance(embed, Mapping):
            out.append(Problem(p, "Must be an object.", "DICT_TYPE_CONVERT"))
            continue
        _max_len(out, _join(p, "title"), embed.get("title"), EMBED_TITLE_MAX)
        _max_len(out, _join(p, "description"), embed.get("description"), EMBED_DESCRIPTION_MAX)
        total += _len(embed.get("title")) + _len(embed.get("description"))
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            out.append(
                Problem(
                    _join(p, "fields"),
                    f"Must be {EMBED_FIELDS_MAX} or fewer in length.",
                    "BASE_TYPE_MAX_LENGTH",
                )
            )
        for j, field in enumerate(fields):
            fp = _join(_join(p, "fields"), j)
            # docs: Embed Field — name and value are required and may not be empty.
            _max_len(out, _join(fp, "name"), field.get("name"), EMBED_FIELD_NAME_MAX, min_len=1)
            _max_len(out, _join(fp, "value"), field.get("value"), EMBED_FIELD_VALUE_MAX, min_len=1)
            for key in ("name", "value"):
                if field.get(key) is None:
                    out.append(
                        Problem(_join(fp, key), "This field is required", "BASE_TYPE_REQUIRED")
                    )
            total += _len(field.get("name")) + _len(field.get("value"))
        footer = embed.get("footer") or {}
        _max_len(out, _join(p, "footer.text"), footer.get("text"), EMBED_FOOTER_TEXT_MAX)
        author = embed.get("author") or {}
        _max_len(out, _join(p, "author.name"), author.get("name"), EMBED_AUTHOR_NAME_MAX)
        total += _len(footer.get("text")) + _len(author.get("name"))
    if total > EMBED_TOTAL_MAX:
        out.append(
            Problem(
                prefix,
                f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}",
                "MAX_EMBED_SIZE_EXCEEDED",
            )
        )
    return out


def check_allowed_mentions(value: Any, path: str) -> list[Problem]:
    out: list[Problem] = []
    if value is None:
        return out
    if not isinstance(value, Mapping):
        return [Problem(path, "Must be an object.", "DICT_TYPE_CONVERT")]
    parse = value.get("parse") or []
    for key in ("users", "roles"):
        ids = value.get(key) or []
        if len(ids) > ALLOWED_MENTIONS_IDS_MAX:
            out.append(
                Problem(_join(path, key), "Must be 100 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
            )
        # docs: Allowed Mentions — parse:["users"] and users:[...] are mutually exclusive.
        if key in parse and ids:
            out.append(
                Problem(
                    _join(path, "parse"),
                    f'parse:["{key}"] and {key}: [ids] are mutually exclusive.',
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                )
            )
    for i, item in enumerate(parse):
        if item not in ("users", "roles", "everyone"):
            out.append(
                Problem(
                    _join(_join(path, "parse"), i),
                    f'Value "{item}" is not valid.',
                    "BASE_TYPE_CHOICES",
                )
            )
    return out


def check_message_components(components: list[Any], *, prefix: str, v2: bool) -> list[Problem]:
    out: list[Problem] = []
    custom_ids: set[str] = set()
    if not v2 and len(components) > ACTION_ROWS_MAX:
        out.append(
            Problem(
                prefix, f"Must be {ACTION_ROWS_MAX} or fewer in length.", "BASE_TYPE_MAX_LENGTH"
            )
        )
    total = 0
    for i, comp in enumerate(components):
        p = _join(prefix, i)
        ctype = comp.get("type")
        if not v2 and ctype != 1:
            out.append(
                Problem(
                    p,
                    "Top-level components must be action rows without IS_COMPONENTS_V2.",
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                )
            )
            continue
        total += _walk_components(comp, p, out, custom_ids)
    if v2 and total > V2_COMPONENTS_MAX:
        out.append(
            Problem(
                prefix,
                f"Must be {V2_COMPONENTS_MAX} or fewer components in total.",
                "BASE_TYPE_MAX_LENGTH",
            )
        )
    return out


def _walk_components(comp: Mapping[str, Any], p: str, out: list[Problem], ids: set[str]) -> int:
    """Checks one component and its children; returns how many components it counts for."""
    ctype = comp.get("type")
    count = 1
    if ctype == 1:
        children = comp.get("components") or []
        if not children:
            out.append(
                Problem(
                    _join(p, "components"),
                    "Must be between 1 and 5 in length.",
                    "BASE_TYPE_BAD_LENGTH",
                )
            )
        selects = [c for c in children if c.get("type") in SELECT_TYPES]
        if selects and len(children) > 1:
            out.append(
                Problem(
                    _join(p, "components"),
                    "An action row holds either up to 5 buttons or exactly 1 select.",
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                )
            )
        if len(children) > ROW_BUTTONS_MAX:
            out.append(
                Problem(
                    _join(p, "components"),
                    "Must be between 1 and 5 in length.",
                    "BASE_TYPE_BAD_LENGTH",
                )
            )
        for j, child in enumerate(children):
            if child.get("type") in (1, 4):
                out.append(
                    Problem(
                        _join(_join(p, "components"), j),
                        "Component type not allowed in a message action row.",
                        "UNION_TYPE_CHOICES",
                    )
                )
                continue
            count += _walk_components(child, _join(_join(p, "components"), j), out, ids)
    elif ctype == 2:
        _check_button(comp, p, out, ids)
    elif ctype in SELECT_TYPES:
        _check_select(comp, p, out, ids)
    else:
        # Components V2 layout types: walk any children/accessory so buttons inside count too.
        for key in ("components", "items"):
            for j, child in enumerate(comp.get(key) or []):
                if isinstance(child, Mapping) and "type" in child:
                    count += _walk_components(child, _join(_join(p, key), j), out, ids)
        accessory = comp.get("accessory")
        if isinstance(accessory, Mapping):
            count += _walk_components(accessory, _join(p, "accessory"), out, ids)
    return count


def _check_custom_id(comp: Mapping[str, Any], p: str, out: list[Problem], ids: set[str]) -> None:
    cid = comp.get("custom_id")
    if cid is None:
        out.append(Problem(_join(p, "custom_id"), "This field is required", "BASE_TYPE_REQUIRED"))
        return
    _max_len(out, _join(p, "custom_id"), cid, CUSTOM_ID_MAX, min_len=1)
    if cid in ids:
        # docs: Custom ID — "must be unique per component" within a message.
        out.append(
            Problem(
                _join(p, "custom_id"),
                "Component custom id cannot be duplicated",
                "COMPONENT_CUSTOM_ID_DUPLICATED",
            )
        )
    ids.add(cid)


def _check_button(comp: Mapping[str, Any], p: str, out: list[Problem], ids: set[str]) -> None:
    style = comp.get("style")
    _max_len(out, _join(p, "label"), comp.get("label"), BUTTON_LABEL_MAX)
    if style not in (1, 2, 3, 4, 5, 6):
        out.append(
            Problem(
                _join(p, "style"), f'Value "{style}" is not a valid enum value.', "ENUM_TYPE_COERCE"
            )
        )
        return
    if style == 5:  # docs: Button Styles — link buttons need url and must not have custom_id
        if not comp.get("url"):
            out.append(
                Problem(
                    _join(p, "url"), "Link buttons require a url.", "BUTTON_COMPONENT_URL_REQUIRED"
                )
            )
        _max_len(out, _join(p, "url"), comp.get("url"), BUTTON_URL_MAX)
        if comp.get("custom_id") is not None:
            out.append(
                Problem(
                    _join(p, "custom_id"),
                    "Link buttons cannot have a custom_id.",
                    "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                )
            )
    elif style == 6:  # premium buttons carry an sku_id only
        if not comp.get("sku_id"):
            out.append(
                Problem(
                    _join(p, "sku_id"), "Premium buttons require an sku_id.", "BASE_TYPE_REQUIRED"
                )
            )
    else:
        if comp.get("url") is not None:
            out.append(
                Problem(
                    _join(p, "url"),
                    "Only link buttons can have a url.",
                    "BUTTON_COMPONENT_URL_NOT_ALLOWED",
                )
            )
        _check_custom_id(comp, p, out, ids)
    if style != 6 and not comp.get("label") and not comp.get("emoji"):
        out.append(
            Problem(
                p, "A button needs a label or an emoji.", "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED"
            )
        )


def _check_select(comp: Mapping[str, Any], p: str, out: list[Problem], ids: set[str]) -> None:
    _check_custom_id(comp, p, out, ids)
    _max_len(out, _join(p, "placeholder"), comp.get("placeholder"), SELECT_PLACEHOLDER_MAX)
    min_v = comp.get("min_values", 1)
    max_v = comp.get("max_values", 1)
    if not (0 <= min_v <= SELECT_VALUES_MAX):
        out.append(Problem(_join(p, "min_values"), "Must be between 0 and 25.", "NUMBER_TYPE_MAX"))
    if not (1 <= max_v <= SELECT_VALUES_MAX):
        out.append(Problem(_join(p, "max_values"), "Must be between 1 and 25.", "NUMBER_TYPE_MAX"))
    if min_v > max_v:
        out.append(
            Problem(
                _join(p, "min_values"),
                "min_values cannot exceed max_values.",
                "SELECT_COMPONENT_MIN_VALUES_TOO_LARGE",
            )
        )
    if comp.get("type") != 3:
        return
    options = comp.get("options") or []
    if not (1 <= len(options) <= SELECT_OPTIONS_MAX):
        out.append(
            Problem(
                _join(p, "options"), "Must be between 1 and 25 in length.", "BASE_TYPE_BAD_LENGTH"
            )
        )
    if options and max_v > len(options):
        out.append(
            Problem(
                _join(p, "max_values"),
                "max_values cannot exceed the number of options.",
                "SELECT_COMPONENT_MAX_VALUES_TOO_LARGE",
            )
        )
    seen: set[str] = set()
    for k, opt in enumerate(options):
        op = _join(_join(p, "options"), k)
        _max_len(out, _join(op, "label"), opt.get("label"), SELECT_OPTION_TEXT_MAX, min_len=1)
        _max_len(out, _join(op, "value"), opt.get("value"), SELECT_OPTION_TEXT_MAX, min_len=1)
        _max_len(out, _join(op, "description"), opt.get("description"), SELECT_OPTION_TEXT_MAX)
        if opt.get("value") in seen:
            out.append(
                Problem(
                    _join(op, "value"),
                    "Select option values must be unique.",
                    "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                )
            )
        seen.add(opt.get("value"))


# -- modals -----------------------------------------------------------------------------------


def check_modal(data: Mapping[str, Any] | None, *, prefix: str = "data") -> list[Problem]:
    out: list[Problem] = []
    if not isinstance(data, Mapping):
        return [Problem(prefix, "This field is required", "BASE_TYPE_REQUIRED")]
    _max_len(out, _join(prefix, "custom_id"), data.get("custom_id"), CUSTOM_ID_MAX, min_len=1)
    if data.get("custom_id") is None:
        out.append(
            Problem(_join(prefix, "custom_id"), "This field is required", "BASE_TYPE_REQUIRED")
        )
    _max_len(out, _join(prefix, "title"), data.get("title"), MODAL_TITLE_MAX, min_len=1)
    if data.get("title") is None:
        out.append(Problem(_join(prefix, "title"), "This field is required", "BASE_TYPE_REQUIRED"))
    comps = data.get("components") or []
    cp = _join(prefix, "components")
    if not (1 <= len(comps) <= MODAL_COMPONENTS_MAX):
        out.append(
            Problem(
                cp,
                f"Must be between 1 and {MODAL_COMPONENTS_MAX} in length.",
                "BASE_TYPE_BAD_LENGTH",
            )
        )
    ids: set[str] = set()
    for i, comp in enumerate(comps):
        p = _join(cp, i)
        ctype = comp.get("type")
        if ctype == 1:  # legacy: action row holding exactly one text input
            children = comp.get("components") or []
            if len(children) != 1 or children[0].get("type") != 4:
                out.append(
                    Problem(
                        _join(p, "components"),
                        "A modal action row must hold exactly one text input.",
                        "BASE_TYPE_BAD_LENGTH",
                    )
                )
            for j, child in enumerate(children):
                if child.get("type") == 4:
                    _check_text_input(
                        child, _join(_join(p, "components"), j), out, ids, needs_label=True
                    )
        elif ctype == 18:  # Label wrapping one interactive component
            _max_len(out, _join(p, "label"), comp.get("label"), LABEL_LABEL_MAX, min_len=1)
            if not comp.get("label"):
                out.append(
                    Problem(_join(p, "label"), "This field is required", "BASE_TYPE_REQUIRED")
                )
            _max_len(
                out,
                _join(p, "description"),
                comp.get("description"),
                LABEL_DESCRIPTION_MAX,
                min_len=1,
            )
            inner = comp.get("component")
            ip = _join(p, "component")
            if not isinstance(inner, Mapping):
                out.append(Problem(ip, "This field is required", "BASE_TYPE_REQUIRED"))
            elif inner.get("type") == 4:
                if inner.get("label") is not None:
                    # docs: Label — the text input's own label is deprecated inside a Label.
                    out.append(
                        Problem(
                            _join(ip, "label"),
                            "A text input inside a Label must not have its own label.",
                            "BASE_TYPE_INVALID",
                        )
                    )
                _check_text_input(inner, ip, out, ids, needs_label=False)
            elif inner.get("type") in SELECT_TYPES:
                _check_select(inner, ip, out, ids)
            elif inner.get("type") not in (19, 21, 22, 23):  # file upload, radio, checkboxes
                out.append(
                    Problem(
                        _join(ip, "type"),
                        "Component type not allowed in a Label.",
                        "UNION_TYPE_CHOICES",
                    )
                )
        elif ctype == 10:  # text display is allowed at modal top level
            pass
        else:
            out.append(
                Problem(
                    _join(p, "type"), "Component type not allowed in a modal.", "UNION_TYPE_CHOICES"
                )
            )
    return out


def _check_text_input(
    comp: Mapping[str, Any], p: str, out: list[Problem], ids: set[str], *, needs_label: bool
) -> None:
    _check_custom_id(comp, p, out, ids)
    if comp.get("style") not in (1, 2):  # spec: TextInputStyleTypes 1 SHORT, 2 PARAGRAPH
        out.append(
            Problem(_join(p, "style"), "Must be 1 (short) or 2 (paragraph).", "ENUM_TYPE_COERCE")
        )
    if needs_label and not comp.get("label"):
        out.append(Problem(_join(p, "label"), "This field is required", "BASE_TYPE_REQUIRED"))
    _max_len(out, _join(p, "label"), comp.get("label"), TEXT_INPUT_LABEL_MAX, min_len=1)
    _max_len(out, _join(p, "placeholder"), comp.get("placeholder"), TEXT_INPUT_PLACEHOLDER_MAX)
    _max_len(out, _join(p, "value"), comp.get("value"), TEXT_INPUT_VALUE_MAX)
    lo, hi = comp.get("min_length"), comp.get("max_length")
    if lo is not None and not (0 <= lo <= TEXT_INPUT_VALUE_MAX):
        out.append(
            Problem(_join(p, "min_length"), "Must be between 0 and 4000.", "NUMBER_TYPE_MAX")
        )
    if hi is not None and not (1 <= hi <= TEXT_INPUT_VALUE_MAX):
        out.append(
            Problem(_join(p, "max_length"), "Must be between 1 and 4000.", "NUMBER_TYPE_MAX")
        )
    if lo is not None and hi is not None and lo > hi:
        out.append(
            Problem(
                _join(p, "min_length"), "min_length cannot exceed max_length.", "BASE_TYPE_INVALID"
            )
        )


# -- autocomplete -----------------------------------------------------------------------------


def check_autocomplete(data: Mapping[str, Any] | None, *, prefix: str = "data") -> list[Problem]:
    out: list[Problem] = []
    if not isinstance(data, Mapping):
        return [Problem(prefix, "This field is required", "BASE_TYPE_REQUIRED")]
    choices = data.get("choices") or []
    cp = _join(prefix, "choices")
    if len(choices) > AUTOCOMPLETE_CHOICES_MAX:
        out.append(
            Problem(
                cp,
                f"Must be {AUTOCOMPLETE_CHOICES_MAX} or fewer in length.",
                "BASE_TYPE_MAX_LENGTH",
            )
        )
    for i, choice in enumerate(choices):
        p = _join(cp, i)
        _max_len(out, _join(p, "name"), choice.get("name"), CHOICE_NAME_MAX, min_len=1)
        if isinstance(choice.get("value"), str):
            _max_len(out, _join(p, "value"), choice.get("value"), CHOICE_STRING_VALUE_MAX)
    return out


# -- application commands ---------------------------------------------------------------------


def valid_command_name(name: Any, *, chat_input: bool) -> bool:
    """docs: ``^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``, lower case for CHAT_INPUT."""
    if not isinstance(name, str) or not (1 <= len(name) <= COMMAND_NAME_MAX):
        return False
    if not chat_input:  # USER / MESSAGE command names may contain spaces and capitals
        return True
    if name != name.lower():
        return False
    return all(
        ch in "-_"
        or unicodedata.category(ch)[0] in ("L", "N")
        or unicodedata.category(ch) in ("Mn", "Mc")  # Devanagari / Thai combining marks
        for ch in name
    )


def check_commands(commands: Any) -> list[Problem]:
    """Checks a bulk-overwrite body (PUT .../commands)."""
    if not isinstance(commands, list):
        return [Problem("", "Must be an array.", "LIST_TYPE_CONVERT")]
    out: list[Problem] = []
    per_type: dict[int, int] = {}
    names: set[tuple[int, str]] = set()
    for i, cmd in enumerate(commands):
        p = str(i)
        ctype = cmd.get("type", 1)
        per_type[ctype] = per_type.get(ctype, 0) + 1
        name = cmd.get("name")
        if (ctype, name) in names:
            out.append(
                Problem(
                    _join(p, "name"),
                    "Application command names must be unique",
                    "APPLICATION_COMMAND_NAME_ALREADY_EXISTS",
                )
            )
        names.add((ctype, name))
        if not valid_command_name(name, chat_input=ctype == 1):
            out.append(
                Problem(
                    _join(p, "name"),
                    f"Command name {name!r} is invalid",
                    "APPLICATION_COMMAND_INVALID_NAME",
                )
            )
        desc = cmd.get("description") or ""
        if ctype == 1:
            _max_len(out, _join(p, "description"), desc, COMMAND_DESCRIPTION_MAX, min_len=1)
            out.extend(_check_options(cmd.get("options") or [], _join(p, "options"), depth=0))
            if _command_text_size(cmd) > COMMAND_TOTAL_TEXT_MAX:
                out.append(
                    Problem(
                        p, "Command exceeds maximum size (4000)", "APPLICATION_COMMAND_TOO_LARGE"
                    )
                )
        else:
            if desc:  # docs: USER/MESSAGE commands must have an empty description
                out.append(
                    Problem(
                        _join(p, "description"),
                        "Context menu commands cannot have a description.",
                        "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                    )
                )
            if cmd.get("options"):
                out.append(
                    Problem(
                        _join(p, "options"),
                        "Context menu commands cannot have options.",
                        "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS",
                    )
                )
    for ctype, count in per_type.items():
        limit = COMMANDS_PER_TYPE_MAX.get(ctype, 0)
        if count > limit:
            out.append(
                Problem(
                    "",
                    f"Maximum number of application commands of type {ctype} reached ({limit})",
                    "APPLICATION_COMMANDS_TOO_MANY",
                )
            )
    return out


def _command_text_size(cmd: Mapping[str, Any]) -> int:
    size = _len(cmd.get("name")) + _len(cmd.get("description"))
    for opt in cmd.get("options") or []:
        size += _command_text_size(opt)
        for choice in opt.get("choices") or []:
            size += _len(choice.get("name")) + _len(str(choice.get("value", "")))
    return size


def _check_options(options: list[Any], p: str, *, depth: int) -> list[Problem]:
    """Options of a command (depth 0), a group (1) or a subcommand (2 when inside a group)."""
    out: list[Problem] = []
    if len(options) > COMMAND_OPTIONS_MAX:
        out.append(
            Problem(p, f"Must be {COMMAND_OPTIONS_MAX} or fewer in length.", "BASE_TYPE_MAX_LENGTH")
        )
    kinds = {opt.get("type") in (1, 2) for opt in options}
    if len(kinds) > 1:
        out.append(
            Problem(
                p,
                "Subcommands and groups cannot be mixed with plain options.",
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            )
        )
    seen_optional = False
    names: set[str] = set()
    for i, opt in enumerate(options):
        op = _join(p, i)
        otype = opt.get("type")
        name = opt.get("name")
        if name in names:
            out.append(
                Problem(
                    _join(op, "name"),
                    "Option names must be unique",
                    "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                )
            )
        names.add(name)
        if not valid_command_name(name, chat_input=True):
            out.append(
                Problem(
                    _join(op, "name"),
                    f"Option name {name!r} is invalid",
                    "APPLICATION_COMMAND_INVALID_NAME",
                )
            )
        _max_len(
            out,
            _join(op, "description"),
            opt.get("description") or "",
            COMMAND_DESCRIPTION_MAX,
            min_len=1,
        )
        if otype == 2:  # SUB_COMMAND_GROUP: only at top level, holds only subcommands
            if depth != 0:
                out.append(
                    Problem(
                        op,
                        "Subcommand groups can only be nested in a command.",
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    )
                )
            children = opt.get("options") or []
            if any(c.get("type") != 1 for c in children):
                out.append(
                    Problem(
                        _join(op, "options"),
                        "Subcommand groups can only contain subcommands.",
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    )
                )
            out.extend(_check_options(children, _join(op, "options"), depth=1))
            continue
        if otype == 1:  # SUB_COMMAND: at top level or inside a group, holds plain options
            if depth > 1:
                out.append(
                    Problem(
                        op,
                        "Subcommands cannot be nested in subcommands.",
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    )
                )
            out.extend(_check_options(opt.get("options") or [], _join(op, "options"), depth=2))
            continue
        # docs: "Required options must be listed before optional options"
        if opt.get("required"):
            if seen_optional:
                out.append(
                    Problem(
                        _join(op, "required"),
                        "Required options must be placed before non-required options",
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    )
                )
        else:
            seen_optional = True
        choices = opt.get("choices") or []
        if len(choices) > COMMAND_CHOICES_MAX:
            out.append(
                Problem(
                    _join(op, "choices"), "Must be 25 or fewer in length.", "BASE_TYPE_MAX_LENGTH"
                )
            )
        if choices and opt.get("autocomplete"):
            out.append(
                Problem(
                    _join(op, "autocomplete"),
                    "Autocomplete cannot be set with choices.",
                    "APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES_EXCLUSIVE",
                )
            )
        for k, choice in enumerate(choices):
            cp = _join(_join(op, "choices"), k)
            _max_len(out, _join(cp, "name"), choice.get("name"), CHOICE_NAME_MAX, min_len=1)
            if isinstance(choice.get("value"), str):
                _max_len(out, _join(cp, "value"), choice.get("value"), CHOICE_STRING_VALUE_MAX)
        for key, lo in (("min_length", 0), ("max_length", 1)):
            val = opt.get(key)
            if val is not None and not (lo <= val <= COMMAND_STRING_LENGTH_MAX):
                out.append(
                    Problem(_join(op, key), f"Must be between {lo} and 6000.", "NUMBER_TYPE_MAX")
                )
    return out


def errors_tree(problems: Iterable[Problem]) -> dict[str, Any]:
    """Discord's nested ``errors`` object: {"data": {"content": {"_errors": [...]}}}."""
    tree: dict[str, Any] = {}
    for problem in problems:
        node = tree
        for part in [x for x in problem.path.split(".") if x]:
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.message})
    return tree
