"""PromptLibrary: the coach's own words, one Markdown file per key under `prompts/`.

Files may use light Jinja (`{{ name }}`) rendered in a sandbox with strict undefined, so a
missing value is an error, never a blank. The library checks at load time that every key the
code asks for exists and parses, so a missing or broken file stops the bot at start.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment


class PromptError(Exception):
    """A prompt file is missing, empty or does not render."""


class PromptLibrary:
    def __init__(self, texts: Mapping[str, str]) -> None:
        self._env = SandboxedEnvironment(
            undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
        )
        self._texts = dict(texts)
        self._compiled = {key: self._env.from_string(text) for key, text in self._texts.items()}

    @classmethod
    def load(cls, folder: Path, required: Iterable[str] = ()) -> PromptLibrary:
        if not folder.is_dir():
            raise PromptError(f"the prompts folder {folder} does not exist")
        texts: dict[str, str] = {}
        for path in sorted(folder.glob("*.md")):
            text = path.read_text(encoding="utf-8").strip()
            if not text:
                raise PromptError(f"{path.name} is empty")
            texts[path.stem] = text
        missing = sorted(set(required) - set(texts))
        if missing:
            raise PromptError(f"missing prompt files in {folder}: {', '.join(missing)}")
        try:
            return cls(texts)
        except TemplateError as error:
            raise PromptError(f"a prompt file does not parse: {error}") from error

    def keys(self) -> list[str]:
        return sorted(self._texts)

    def items(self, key: str) -> list[str]:
        """The entries of a list prompt: one per line starting with '- '."""
        return [line[2:].strip() for line in self.render(key).splitlines() if line.startswith("- ")]

    def render(self, key: str, **values: Any) -> str:
        try:
            template = self._compiled[key]
        except KeyError:
            raise PromptError(f"no prompt named {key!r}") from None
        return template.render(**values).strip()
