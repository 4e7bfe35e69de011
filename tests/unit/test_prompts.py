"""PromptLibrary: the real prompts load, and missing, empty or broken files are refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from jinja2 import UndefinedError
from jinja2.exceptions import SecurityError

from bot.content.prompts import PromptError, PromptLibrary
from bot.settings import PROJECT_ROOT

# The keys bot.discord_adapter.client.PROMPT_KEYS asks for (copied: the adapter is not under test).
# And the Telegram front end's (bot.telegram_adapter.front_end.PROMPT_KEYS).
from bot.telegram_adapter.front_end import PROMPT_KEYS as TELEGRAM_PROMPT_KEYS

PROMPT_KEYS = (
    "help",
    "help_title",
    "welcome",
    "welcome_title",
    "digest_empty",
    "reminders_welcome",
    "privacy",
)
PROMPTS = PROJECT_ROOT / "prompts"


@pytest.fixture
def prompts_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    shutil.copytree(PROMPTS, folder)
    return folder


def test_real_prompts_load_and_render() -> None:
    """The shipped prompts/ folder has every required key and each renders to visible text."""
    library = PromptLibrary.load(PROMPTS, required=PROMPT_KEYS)
    assert set(PROMPT_KEYS) <= set(library.keys())
    for key in PROMPT_KEYS:
        text = library.render(key)
        assert text and text == text.strip()
        assert "{{" not in text and "{%" not in text


@pytest.mark.parametrize("key", PROMPT_KEYS)
def test_missing_required_key(prompts_copy: Path, key: str) -> None:
    """A required prompt file that is missing stops loading, naming the key."""
    (prompts_copy / f"{key}.md").unlink()
    with pytest.raises(PromptError, match=rf"missing prompt files.*\b{key}\b"):
        PromptLibrary.load(prompts_copy, required=PROMPT_KEYS)


@pytest.mark.parametrize("content", ["", "   \n\n  \t"])
def test_empty_file(prompts_copy: Path, content: str) -> None:
    """An empty or blank prompt file stops loading, naming the file."""
    (prompts_copy / "welcome.md").write_text(content, encoding="utf-8")
    with pytest.raises(PromptError, match=r"welcome\.md is empty"):
        PromptLibrary.load(prompts_copy, required=PROMPT_KEYS)


def test_missing_folder(tmp_path: Path) -> None:
    """A prompts folder that does not exist is a PromptError."""
    with pytest.raises(PromptError, match="does not exist"):
        PromptLibrary.load(tmp_path / "nope", required=PROMPT_KEYS)


def test_template_syntax_error(prompts_copy: Path) -> None:
    """A prompt that does not parse as a template stops loading."""
    (prompts_copy / "help.md").write_text("Hello {{ unclosed", encoding="utf-8")
    with pytest.raises(PromptError, match="does not parse"):
        PromptLibrary.load(prompts_copy, required=PROMPT_KEYS)


def test_only_markdown_files_are_prompts(prompts_copy: Path) -> None:
    """Files other than *.md are ignored, and keys are listed sorted."""
    (prompts_copy / "notes.txt").write_text("", encoding="utf-8")
    library = PromptLibrary.load(prompts_copy)
    assert library.keys() == sorted((*PROMPT_KEYS, *TELEGRAM_PROMPT_KEYS))


def test_strict_undefined() -> None:
    """A value the template needs but was not given is an error, never a blank."""
    library = PromptLibrary({"greet": "Hi {{ name }}!"})
    with pytest.raises(UndefinedError, match="name"):
        library.render("greet")
    assert library.render("greet", name="Ada") == "Hi Ada!"


def test_values_are_not_re_rendered() -> None:
    """Values passed in are inserted as text: template syntax inside them is not evaluated."""
    library = PromptLibrary({"greet": "Hi {{ name }}"})
    assert library.render("greet", name="{{ 7*7 }} @everyone") == "Hi {{ 7*7 }} @everyone"


def test_sandboxed() -> None:
    """Templates run in a sandbox: reaching into Python internals is refused."""
    library = PromptLibrary({"evil": "{{ ''.__class__.__mro__[1].__subclasses__() }}"})
    with pytest.raises(SecurityError):
        library.render("evil")


def test_unknown_key() -> None:
    """Rendering a key that was never loaded is a PromptError naming it."""
    with pytest.raises(PromptError, match="'nope'"):
        PromptLibrary({}).render("nope")


def test_render_strips_outer_white_space() -> None:
    """Rendered prompts have no leading or trailing white space."""
    assert PromptLibrary({"k": "  \n text \n\n"}).render("k") == "text"
