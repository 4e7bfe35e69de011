"""The catalogue of message drafts: one Jinja file per situation under `templates/`.

Each file opens with a TOML header in a Jinja comment that the code reads::

    {#
    id = "followup_talk"
    kind = "followup"                      # followup | outreach
    title = "After a talk, seminar or workshop"
    situation = "talk"
    description = "Thank the speaker for one specific point and ask one question."
    requires = ["event"]                   # asked for (in a form) when missing
    uses = ["discussed", "ask"]            # written around gracefully when missing
    #}

and then one block per channel: `email_subject` + `email`, `linkedin`, `dm`. Further versions
of a channel (another wording or tone) are `email_subject_2` + `email_2`, `linkedin_2`, ….

Templates run in Jinja's sandbox with strict undefined. Student-entered text only ever arrives
as context values, which Jinja prints as data: `{{ 7*7 }}` in a note comes out verbatim.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from bot.content.spelling import template_to_uk

CHANNELS = ("email", "linkedin", "dm")
KINDS = ("followup", "outreach")
# Values a template may require or use (besides `me.*` and `them.*`, which are always there).
FIELDS = (
    "event",
    "met_when",
    "event_kind",  # what the event was: "conference", "rotation"… (from a linked event)
    "event_date",  # when: "12 March 2026"
    "discussed",
    "ask",
    "topic",
    "deadline",
    "program",
    "update",
    "sent_when",
    "finding",  # research outreach: the result or question that caught the student's eye
    "availability",  # research outreach: hours a week, start date
    "paper",  # research outreach: “Title” in Journal (2024), looked up from a DOI or PubMed id
)
# How a draft sounds; every block handles each one (docs/drafts.md).
TONES = ("warm", "formal", "brief")
DEFAULT_TONE = "warm"
_HEADER = re.compile(r"\A\s*\{#(?P<toml>.*?)#\}", re.S)
_ID = re.compile(r"^[a-z][a-z0-9_]{2,40}$")
_PLACEHOLDER = re.compile(r"\bNone\b|\bundefined\b|\[[A-Z][^\]]*\]|\{\{|\}\}|\{%|%\}|<[A-Z_]+>")


@dataclass(frozen=True, slots=True)
class ChannelRules:
    """How long a draft for a channel may be; `warn_chars` is a softer limit to point out."""

    label: str
    max_chars: int | None = None
    warn_chars: int | None = None
    warn_reason: str | None = None
    min_words: int | None = None
    max_words: int | None = None


CHANNEL_RULES: dict[str, ChannelRules] = {
    # Cold e-mails that get read are short: 50–150 words.
    "email": ChannelRules("E-mail", max_chars=1800, min_words=50, max_words=150),
    # LinkedIn connection notes: 300 characters; free accounts are cut at 200.
    "linkedin": ChannelRules(
        "LinkedIn note",
        max_chars=300,
        warn_chars=200,
        warn_reason="free LinkedIn accounts allow 200 characters in a connection note",
    ),
    "dm": ChannelRules("Direct message", max_chars=600),
}
SUBJECT_MAX = 70
# A brief e-mail carries the thanks and the ask in two or three sentences (docs/drafts.md).
BRIEF_MIN_WORDS = 25
# Two lines to someone who knows the student (brief tone) are a whole e-mail.
KNOWN_BRIEF_MIN_WORDS = 15


# A follow-up goes to someone the student has just met: not a cold e-mail, so it may be
# shorter than the 50 words a cold one needs to make its case.
FOLLOW_UP_MIN_WORDS = 35
FOLLOW_UP_BRIEF_MIN_WORDS = 20


def word_floor(channel: str, tone: str | None, known: bool, template_id: str = "") -> int | None:
    """The fewest words a draft should have: 50 for a cold e-mail, 35 for a follow-up; brief
    ones and those to someone who knows the student (no introduction) may be shorter."""
    if CHANNEL_RULES[channel].min_words is None:
        return None
    brief = tone == "brief"
    if brief and known:
        return KNOWN_BRIEF_MIN_WORDS
    if template_id.startswith("followup"):
        return FOLLOW_UP_BRIEF_MIN_WORDS if brief else FOLLOW_UP_MIN_WORDS
    if brief or known:
        return BRIEF_MIN_WORDS
    return CHANNEL_RULES[channel].min_words


class CatalogueError(Exception):
    """The catalogue has problems; `problems` lists each one with its file."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class MissingFields(Exception):
    """Rendering needs values the caller did not provide."""

    def __init__(self, fields: tuple[str, ...]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    id: str
    kind: str
    title: str
    situation: str
    description: str
    requires: tuple[str, ...]
    uses: tuple[str, ...]
    path: Path


@dataclass(frozen=True, slots=True)
class RenderedDraft:
    template_id: str
    channel: str
    version: int
    versions: int
    subject: str | None
    body: str

    @property
    def chars(self) -> int:
        return len(self.body)

    @property
    def words(self) -> int:
        return len(self.body.split())

    def problems(self) -> list[str]:
        """Limits this draft breaks (shown to the student as warnings, not errors)."""
        rules = CHANNEL_RULES[self.channel]
        found = []
        if rules.max_chars is not None and self.chars > rules.max_chars:
            found.append(f"{self.chars} characters; the limit is {rules.max_chars}")
        elif rules.warn_chars is not None and self.chars > rules.warn_chars:
            found.append(f"{self.chars} characters; {rules.warn_reason}")
        if rules.max_words is not None and self.words > rules.max_words:
            found.append(f"{self.words} words; aim for at most {rules.max_words}")
        if self.subject is not None and len(self.subject) > SUBJECT_MAX:
            found.append(
                f"the subject is {len(self.subject)} characters; keep it under {SUBJECT_MAX}"
            )
        return found


def _block(channel: str, version: int, *, subject: bool = False) -> str:
    name = f"{channel}_subject" if subject else channel
    return name if version == 1 else f"{name}_{version}"


def tidy(text: str) -> str:
    """Trim what optional parts leave behind: trailing spaces, doubled spaces, blank runs."""
    lines = [re.sub(r"(?<=\S) {2,}", " ", line).rstrip() for line in text.strip().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class TemplateCatalogue:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._env = SandboxedEnvironment(
            undefined=StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self._infos: dict[str, TemplateInfo] = {}
        self._compiled: dict[str, Any] = {}
        self._compiled_uk: dict[str, Any] = {}
        self._sources: dict[str, str] = {}

    @classmethod
    def load(cls, folder: Path) -> TemplateCatalogue:
        """Parse and validate every `*.j2` file below `folder`; raise CatalogueError if any fail."""
        catalogue = cls(folder)
        problems: list[str] = []
        if not folder.is_dir():
            raise CatalogueError([f"the templates folder {folder} does not exist"])
        for path in sorted(folder.rglob("*.j2")):
            problems.extend(catalogue._add(path))
        if not catalogue._infos:
            problems.append(f"no templates found in {folder}")
        if problems:
            raise CatalogueError(problems)
        return catalogue

    def _add(self, path: Path) -> list[str]:
        where = path.relative_to(self.folder).as_posix()
        source = path.read_text(encoding="utf-8")
        header = _HEADER.match(source)
        if header is None:
            return [f"{where}: no metadata header ({{# ... #}} at the top)"]
        try:
            meta = tomllib.loads(header["toml"])
        except tomllib.TOMLDecodeError as error:
            return [f"{where}: metadata is not valid TOML: {error}"]
        problems = []
        for key in ("id", "kind", "title", "situation", "description"):
            if not isinstance(meta.get(key), str) or not meta[key].strip():
                problems.append(f"{where}: metadata needs a non-empty {key!r}")
        if problems:
            return problems
        if not _ID.match(meta["id"]):
            problems.append(f"{where}: id {meta['id']!r} must be lower-case letters, digits, _")
        if meta["id"] in self._infos:
            problems.append(f"{where}: id {meta['id']!r} is used twice")
        if meta["kind"] not in KINDS:
            problems.append(f"{where}: kind must be one of {KINDS}")
        lists = {}
        for key in ("requires", "uses"):
            value = meta.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"{where}: {key!r} must be a list of field names")
                value = []
            unknown = sorted(set(value) - set(FIELDS))
            if unknown:
                problems.append(f"{where}: unknown fields in {key!r}: {unknown}")
            lists[key] = tuple(value)
        try:
            compiled = self._env.from_string(source)
        except TemplateError as error:
            return [*problems, f"{where}: template syntax: {error}"]
        for channel in CHANNELS:
            if channel not in compiled.blocks:
                problems.append(f"{where}: missing the {channel!r} block")
        if "email_subject" not in compiled.blocks:
            problems.append(f"{where}: missing the 'email_subject' block")
        if problems:
            return problems
        self._compiled[meta["id"]] = compiled
        self._sources[meta["id"]] = source
        self._infos[meta["id"]] = TemplateInfo(
            id=meta["id"],
            kind=meta["kind"],
            title=meta["title"].strip(),
            situation=meta["situation"].strip(),
            description=meta["description"].strip(),
            requires=lists["requires"],
            uses=lists["uses"],
            path=path,
        )
        return []

    def templates(self, kind: str | None = None) -> list[TemplateInfo]:
        return [i for i in self._infos.values() if kind is None or i.kind == kind]

    def get(self, template_id: str) -> TemplateInfo | None:
        return self._infos.get(template_id)

    def versions(self, template_id: str, channel: str) -> int:
        blocks = self._compiled[template_id].blocks
        count = 1
        while _block(channel, count + 1) in blocks:
            count += 1
        return count

    def _uk(self, template_id: str) -> Any:
        """The template with its own words in UK spelling (values are never touched), compiled
        the first time a UK student needs it: compiling every template twice at start-up would
        double the catalogue's load time for a setting few students choose. Respelling touches
        only literal text, so the copy compiles whenever the original did."""
        compiled = self._compiled_uk.get(template_id)
        if compiled is None:
            compiled = self._env.from_string(template_to_uk(self._sources[template_id]))
            self._compiled_uk[template_id] = compiled
        return compiled

    def variants(self, template_id: str) -> list[tuple[str, int, str]]:
        """Every (channel, version, tone) a template can render."""
        return [
            (channel, version, tone)
            for channel in CHANNELS
            for version in range(1, self.versions(template_id, channel) + 1)
            for tone in TONES
        ]

    def render(
        self, template_id: str, channel: str, context: Mapping[str, Any], version: int = 1
    ) -> RenderedDraft:
        """Render one channel's draft; `version` wraps around the versions the file has."""
        info = self._infos[template_id]
        missing = tuple(f for f in info.requires if not context.get(f))
        if missing:
            raise MissingFields(missing)
        values = {field: context.get(field) or None for field in FIELDS}
        values.update(
            me=context["me"], them=context["them"], tone=context.get("tone") or DEFAULT_TONE
        )
        uk = context["me"].get("english") == "uk"
        compiled = self._uk(template_id) if uk else self._compiled[template_id]
        versions = self.versions(template_id, channel)
        version = (version - 1) % versions + 1
        jinja_context = compiled.new_context(values)
        body = tidy("".join(compiled.blocks[_block(channel, version)](jinja_context)))
        subject = None
        if channel == "email":
            name = _block(channel, version, subject=True)
            if name not in compiled.blocks:
                name = _block(channel, 1, subject=True)
            subject = tidy("".join(compiled.blocks[name](compiled.new_context(values))))
            subject = " ".join(subject.split())
        return RenderedDraft(template_id, channel, version, versions, subject, body)

    def check(self, samples: Mapping[str, Mapping[str, Any]], *, prose: bool = True) -> list[str]:
        """Lint every template: render each channel and version with each sample context.

        With `prose`, the draft linter (bot/content/lint.py) reads each render too; without,
        only what stops a draft being usable at all: syntax, leftovers, channel limits.
        """
        problems: list[str] = []
        for info in self._infos.values():
            where = info.path.relative_to(self.folder).as_posix()
            for sample_name, sample in samples.items():
                for channel, version, tone in self.variants(info.id):
                    label = f"{where} [{channel} v{version} {tone}, {sample_name}]"
                    try:
                        draft = self.render(info.id, channel, {**sample, "tone": tone}, version)
                    except MissingFields:
                        continue  # the sample lacks a required field: not this template's case
                    except Exception as error:
                        problems.append(f"{label}: does not render: {error}")
                        continue
                    problems.extend(f"{label}: {p}" for p in _lint(draft, sample, tone, prose))
        return problems


# Limits and leftovers are named by _lint itself, in the words the student's warnings use.
_LIMIT_CODES = frozenset(
    {"length.hard", "length.soft", "length.words", "length.subject", "placeholder", "empty"}
)


def _lint(draft: RenderedDraft, values: Mapping[str, Any], tone: str, prose: bool) -> list[str]:
    # Imported here: the linter reads CHANNEL_RULES from this module.
    from bot.content.lint import lint_draft

    found = list(draft.problems())
    known = bool((values.get("them") or {}).get("known"))
    least = word_floor(draft.channel, tone, known, draft.template_id)
    if least is not None and draft.words < least:
        found.append(f"{draft.words} words; write at least {least}")
    for text in (draft.subject or "", draft.body):
        placeholder = _PLACEHOLDER.search(text)
        if placeholder:
            found.append(f"contains a placeholder or leftover {placeholder.group()!r}")
    if not draft.body:
        found.append("renders empty")
    if draft.subject is not None and not draft.subject:
        found.append("the subject renders empty")
    if not prose:
        return found
    defects = lint_draft(
        body=draft.body,
        subject=draft.subject,
        channel=draft.channel,
        values=values,
        tone=tone,
        template_id=draft.template_id,
    )
    found.extend(str(d) for d in defects if d.code not in _LIMIT_CODES)
    return found
